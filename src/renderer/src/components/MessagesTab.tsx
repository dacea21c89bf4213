import { useId, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { PeekedMessage } from '../../../shared/messages'
import type { SourceItem } from '../../../shared/model'
import { appStore, useApp } from '../store'
import {
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
import { selectProfileById } from '../store/profiles.selectors'
import { canSelectForReplay, selectedOnPage, selectReplaySelection } from '../store/replay.selectors'
import { selectCapabilities } from '../store/capabilities.selectors'
import { sourceKey } from '../store/sources.selectors'
import { WarningIcon } from './Icons'
import { MessageDetail } from './MessageDetail'
import { ExportButton } from './FileTransferButtons'
import { arrowKeySelection, idColumnStyle } from './message-list'

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
  const capabilities = useApp(selectCapabilities(connectionId, item))
  const notice = capabilities.browseNotice
  const refusal = peekRefusalOf(browse?.error ?? null)
  const loading = browse?.loading ?? false
  const result = browse?.result ?? null
  const selected = selectedMessageOf(browse)
  const run = (acceptRisk = false) => void browseMessages(connectionId, source, { acceptRisk, streamQueue })
  const profile = useApp(selectProfileById(connectionId))
  const replaySelection = useApp(selectReplaySelection)
  // "Replay selected" (docs/ui.md "Message browser"): only where the app can replay from (RabbitMQ queues).
  const replayable = profile !== null && capabilities.replayFrom === null
  const messages = result?.messages ?? null
  const picked = replayable && messages !== null ? selectedOnPage(replaySelection, connectionId, source, messages) : []
  const selectable = replayable && messages !== null ? messages.filter(canSelectForReplay).length : 0

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
        <ExportButton connectionId={connectionId} source={source} acceptDeliveryLimitRisk={accepted} />
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
                <input id={ids.accept} type="checkbox" checked={accepted} onChange={(e) => setAcceptDeliveryLimitRisk(e.target.checked)} />I accept that each
                browse spends a delivery attempt
              </label>
              <button type="button" className="btn btn-small btn-danger" disabled={!accepted || loading} onClick={() => run(true)}>
                Browse anyway
              </button>
            </div>
          ) : null}
        </div>
      ) : null}

      <BrowseWarnings warnings={result?.warnings ?? []} />

      {result === null ? (
        browse === null ? (
          <p className="muted empty-inline">Browse shows up to {count.toLocaleString()} messages without consuming them.</p>
        ) : null
      ) : result.messages.length === 0 ? (
        <p className="muted empty-inline">No messages{streamQueue ? ' from this position' : ''}.</p>
      ) : (
        <>
          {replayable ? (
            <div className="replay-selection-bar" role="toolbar" aria-label="Selected messages">
              <span className="muted num" role="status">
                {picked.length === 0
                  ? selectable === 0
                    ? 'None of these messages has a message id, so none can be picked for replay.'
                    : 'Tick messages to replay just those.'
                  : `${picked.length.toLocaleString()} selected`}
              </span>
              <span className="spacer" />
              {picked.length > 0 ? (
                <button type="button" className="btn btn-small" onClick={() => appStore.getState().setReplaySelection(connectionId, source, [])}>
                  Clear selection
                </button>
              ) : null}
              <button
                type="button"
                className="btn btn-small"
                disabled={picked.length === 0}
                onClick={() => appStore.getState().openReplayDialog(connectionId, source, picked)}
              >
                Replay selected…
              </button>
            </div>
          ) : null}
          <MessageList
            messages={result.messages}
            selectedId={browse?.selectedMessageId ?? null}
            replay={replayable ? { picked: new Set(picked), connectionId, source } : null}
          />
        </>
      )}

      {/* No key per message: the body viewer keeps its editor and swaps the document in. */}
      {selected ? <MessageDetail message={selected} /> : null}
    </div>
  )
}

interface ReplayPicking {
  /** Message ids (the property) ticked for "Replay selected". */
  picked: Set<string>
  connectionId: string
  source: string
}

const NO_ID_REASON = 'No message id: replay picks messages by their message-id property, so this one cannot be selected'

function MessageList({ messages, selectedId, replay }: { messages: PeekedMessage[]; selectedId: string | null; replay: ReplayPicking | null }) {
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

  const onKeyDown = arrowKeySelection(messages, selectedId, selectMessage, virtualizer, scrollRef)

  const style = idColumnStyle(messages)

  const selectableIds = replay === null ? [] : messages.filter(canSelectForReplay).map((m) => m.properties.messageId!)
  const allPicked = replay !== null && selectableIds.length > 0 && selectableIds.every((id) => replay.picked.has(id))
  const head = (
    <div className="message-row message-head" aria-hidden="true">
      <span>#</span>
      <span>Message id</span>
      <span>Timestamp</span>
      <span className="num">Size</span>
      <span />
    </div>
  )

  return (
    <div className={`message-list${replay === null ? '' : ' pickable'}`} style={style}>
      {replay === null ? (
        head
      ) : (
        <div className="message-head-wrap">
          <label className="replay-check" title={selectableIds.length === 0 ? NO_ID_REASON : 'Select every message on this page that has a message id'}>
            <input
              type="checkbox"
              aria-label="Select all messages for replay"
              disabled={selectableIds.length === 0}
              checked={allPicked}
              ref={(el) => {
                if (el) el.indeterminate = !allPicked && replay.picked.size > 0
              }}
              onChange={() => appStore.getState().setReplaySelection(replay.connectionId, replay.source, allPicked ? [] : selectableIds)}
            />
          </label>
          {head}
        </div>
      )}
      <div className="message-scroll" ref={scrollRef} style={{ height: Math.min(messages.length * MESSAGE_ROW_HEIGHT, 10 * MESSAGE_ROW_HEIGHT) + 2 }}>
        <div role="list" aria-label="Messages" className="message-space" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
          {virtualizer.getVirtualItems().map((row) => {
            const message = messages[row.index]!
            const selected = message.id === selectedId
            const deaths = xDeathBadges(message)
            return (
              <div key={row.key} role="listitem" className="message-item" style={{ transform: `translateY(${row.start}px)`, height: MESSAGE_ROW_HEIGHT }}>
                {replay === null ? null : <PickBox message={message} replay={replay} odd={row.index % 2 === 1} />}
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
                      <span
                        className="badge badge-redelivered"
                        role="img"
                        aria-label="redelivered"
                        title="Redelivered: this message was delivered (or browsed) before"
                      >
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

/** The row's tick for "Replay selected"; disabled, with the reason as its tooltip, for a message without a message id. */
function PickBox({ message, replay, odd }: { message: PeekedMessage; replay: ReplayPicking; odd: boolean }) {
  const messageId = message.properties.messageId
  const can = canSelectForReplay(message)
  return (
    <label className={`replay-check${odd ? ' odd' : ''}`} title={can ? `Select ${messageId} for replay` : NO_ID_REASON}>
      <input
        type="checkbox"
        aria-label={can ? `Select ${messageId} for replay` : `Message ${message.id} has no message id: it cannot be selected for replay`}
        disabled={!can}
        checked={can && replay.picked.has(messageId!)}
        onChange={() => appStore.getState().toggleReplaySelection(replay.connectionId, replay.source, messageId!)}
      />
    </label>
  )
}

/** What a browse did or could not do, in words, above its page. */
export function BrowseWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null
  return (
    <ul className="warnings browse-warnings" aria-label="Browse warnings">
      {warnings.map((warning) => (
        <li key={warning}>
          <WarningIcon size={12} /> {warning}
        </li>
      ))}
    </ul>
  )
}
