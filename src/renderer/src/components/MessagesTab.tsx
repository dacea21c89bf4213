import { useId, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { PeekedMessage } from '../../../shared/messages'
import type { SourceItem } from '../../../shared/model'
import { appStore, useApp } from '../store'
import {
  browseNotice,
  formatShortTime,
  formatSize,
  formatTime,
  isStreamQueue,
  messageTime,
  peekRefusalOf,
  selectAcceptDeliveryLimitRisk,
  selectBrowseCount,
  selectBrowseFor,
  selectedMessageOf,
  selectStreamFrom,
  xDeathBadges,
} from '../store/messages.selectors'
import { PEEK_COUNTS, type StreamFromDraft } from '../store/messages.slice'
import { sourceKey } from '../store/sources.selectors'
import { WarningIcon } from './Icons'
import { MessageDetail } from './MessageDetail'

export const MESSAGE_ROW_HEIGHT = 26

/** The Messages tab: browse controls, what a browse does, the page of messages and the open one. */
export function MessagesTab({ item, connectionId }: { item: SourceItem; connectionId: string }) {
  const source = sourceKey(item)
  const browse = useApp(selectBrowseFor(connectionId, source))
  const count = useApp(selectBrowseCount)
  const from = useApp(selectStreamFrom)
  const accepted = useApp(selectAcceptDeliveryLimitRisk)
  const ids = { count: useId(), from: useId(), value: useId(), accept: useId() }
  const { browseMessages, setBrowseCount, setStreamFrom, setAcceptDeliveryLimitRisk } = appStore.getState()
  const streamQueue = isStreamQueue(item)
  const notice = browseNotice(item)
  const refusal = peekRefusalOf(browse?.error ?? null)
  const loading = browse?.loading ?? false
  const result = browse?.result ?? null
  const selected = selectedMessageOf(browse)
  const run = (acceptRisk = false) => void browseMessages(connectionId, source, { acceptRisk, streamQueue })

  return (
    <div className="messages-tab">
      <form
        className="browse-bar"
        onSubmit={(e) => {
          e.preventDefault()
          run()
        }}
      >
        {streamQueue ? (
          <>
            <label htmlFor={ids.from}>From</label>
            <select id={ids.from} value={from.type} onChange={(e) => setStreamFrom({ ...from, type: e.target.value as StreamFromDraft['type'] })}>
              <option value="first">first</option>
              <option value="last">last</option>
              <option value="offset">offset</option>
              <option value="timestamp">timestamp</option>
            </select>
            {from.type === 'offset' || from.type === 'timestamp' ? (
              <input
                id={ids.value}
                className="mono from-value"
                aria-label={from.type === 'offset' ? 'Offset' : 'Timestamp'}
                placeholder={from.type === 'offset' ? '0' : '2026-11-26T10:00'}
                value={from.value}
                onChange={(e) => setStreamFrom({ ...from, value: e.target.value })}
              />
            ) : null}
          </>
        ) : null}
        <label htmlFor={ids.count}>Count</label>
        <select id={ids.count} value={count} onChange={(e) => setBrowseCount(Number(e.target.value))}>
          {PEEK_COUNTS.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-primary btn-small" disabled={loading}>
          {loading ? 'Browsing…' : 'Browse'}
        </button>
        {result ? (
          <span className="muted num" role="status">
            {result.messages.length.toLocaleString()} {result.messages.length === 1 ? 'message' : 'messages'}
          </span>
        ) : null}
      </form>

      {/* Said before a browse; afterwards the core's own warnings say it (once). */}
      {notice && !(result && result.warnings.length > 0) ? <p className="browse-notice">{notice}</p> : null}

      {refusal ? (
        <div className="browse-refusal" role="alert">
          <p>{refusal.message}</p>
          {refusal.requiresAcceptance ? (
            <div className="browse-accept">
              <label className="checkbox" htmlFor={ids.accept}>
                <input id={ids.accept} type="checkbox" checked={accepted} onChange={(e) => setAcceptDeliveryLimitRisk(e.target.checked)} />
                I accept that each browse spends a delivery attempt
              </label>
              <button type="button" className="btn btn-small btn-danger" disabled={!accepted || loading} onClick={() => run(true)}>
                Browse anyway
              </button>
            </div>
          ) : null}
        </div>
      ) : null}

      {result && result.warnings.length > 0 ? (
        <ul className="warnings browse-warnings" aria-label="Browse warnings">
          {result.warnings.map((warning) => (
            <li key={warning}>
              <WarningIcon size={12} /> {warning}
            </li>
          ))}
        </ul>
      ) : null}

      {result === null ? (
        browse === null ? <p className="muted empty-inline">Browse shows up to {count.toLocaleString()} messages without consuming them.</p> : null
      ) : result.messages.length === 0 ? (
        <p className="muted empty-inline">No messages{streamQueue ? ' from this position' : ''}.</p>
      ) : (
        <MessageList messages={result.messages} selectedId={browse?.selectedMessageId ?? null} />
      )}

      {/* No key per message: the body viewer keeps its editor and swaps the document in. */}
      {selected ? <MessageDetail message={selected} /> : null}
    </div>
  )
}

function MessageList({ messages, selectedId }: { messages: PeekedMessage[]; selectedId: string | null }) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is not compiler-safe; this component opts out by design.
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => MESSAGE_ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => messages[index]?.id ?? index,
  })
  const { selectMessage } = appStore.getState()
  const selectedIndex = selectedId === null ? -1 : messages.findIndex((m) => m.id === selectedId)

  const onKeyDown = (event: React.KeyboardEvent) => {
    let next: number | null = null
    if (event.key === 'ArrowDown') next = Math.min(messages.length - 1, selectedIndex + 1)
    else if (event.key === 'ArrowUp') next = Math.max(0, selectedIndex - 1)
    if (next === null) return
    const message = messages[next]
    if (!message) return
    event.preventDefault()
    selectMessage(message.id)
    virtualizer.scrollToIndex(next)
    // The row may only now be rendered: move focus after React paints it.
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(message.id)}"]`)?.focus())
  }

  // Positions are short, Redis stream ids ("1795727698123-0") are not: size the column to the longest.
  const idChars = messages.reduce((max, m) => Math.max(max, m.id.length), 1)
  const style = { '--id-col': `${Math.min(180, Math.max(40, idChars * 7.2 + 10))}px` } as React.CSSProperties

  return (
    <div className="message-list" style={style}>
      <div className="message-row message-head" aria-hidden="true">
        <span>#</span>
        <span>Message id</span>
        <span>Timestamp</span>
        <span className="num">Size</span>
        <span />
      </div>
      <div className="message-scroll" ref={scrollRef} style={{ height: Math.min(messages.length * MESSAGE_ROW_HEIGHT, 10 * MESSAGE_ROW_HEIGHT) + 2 }}>
        <div role="list" aria-label="Messages" className="message-space" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
          {virtualizer.getVirtualItems().map((row) => {
            const message = messages[row.index]!
            const selected = message.id === selectedId
            const deaths = xDeathBadges(message)
            return (
              <div key={row.key} role="listitem" className="message-item" style={{ transform: `translateY(${row.start}px)`, height: MESSAGE_ROW_HEIGHT }}>
                <button
                  type="button"
                  className={`message-row${selected ? ' selected' : ''}${row.index % 2 ? ' odd' : ''}`}
                  aria-pressed={selected}
                  data-message-id={message.id}
                  onClick={() => selectMessage(selected ? null : message.id)}
                >
                  <span className="mono">{message.id}</span>
                  <span className="mono ellipsis" title={message.properties.messageId}>
                    {message.properties.messageId ?? <span className="muted">—</span>}
                  </span>
                  <span className="num-plain" title={formatTime(messageTime(message))}>
                    {formatShortTime(messageTime(message))}
                  </span>
                  <span className="num">{formatSize(message.size)}</span>
                  <span className="marks">
                    {message.redelivered ? (
                      <span className="badge badge-redelivered" role="img" aria-label="redelivered" title="Redelivered: this message was delivered (or browsed) before">
                        ↻
                      </span>
                    ) : null}
                    {deaths.length > 0 ? (
                      <span className="badge badge-xdeath" title={`x-death: ${deaths.join(', ')}`}>
                        {deaths[0]}
                        {deaths.length > 1 ? ` +${deaths.length - 1}` : ''}
                      </span>
                    ) : null}
                  </span>
                </button>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
