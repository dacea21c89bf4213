import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { SourceItem } from '../../../shared/model'
import { formatCount, NO_DATA } from '../format'
import { appStore, useApp } from '../store'
import { selectStatus, stateOf } from '../store/connections.selectors'
import { cutNote, defaultBodyView, formatSize, formatTime, formatValue, prettyJson, renderBody } from '../store/messages.selectors'
import type { BodyView } from '../store/messages.slice'
import { sourceKey } from '../store/sources.selectors'
import {
  bodyPreview,
  formatClock,
  isTailRunning,
  selectedTailMessage,
  selectTail,
  shownTailMessages,
  tailCounts,
  tailLabel,
  tailNotice,
  tailStatusText,
} from '../store/tail.selectors'
import { TAIL_BUFFER, type TailEntry, type TailView } from '../store/tail.slice'
import { BodyContent, BodyViewToggle, KeyValueTable } from './MessageDetail'

export const TAIL_ROW_HEIGHT = 24
const VISIBLE_ROWS = 12

/**
 * The Live tab: a tail of a Redis stream or channel, or a RabbitMQ
 * exchange or stream queue. Pause freezes the list while messages keep arriving in the bounded
 * buffer; the tail stops when the tab, the source or the connection goes away.
 */
export function TailTab({ item, connectionId }: { item: SourceItem; connectionId: string }) {
  const tail = useApp(selectTail)
  const status = useApp(selectStatus(connectionId))
  const connectionState = stateOf(status)
  const ids = { pattern: useId(), glob: useId(), key: useId() }
  const [pattern, setPattern] = useState(item.kind === 'channel' && item.pattern)
  const [glob, setGlob] = useState(item.name)
  const exchangeType = item.kind === 'exchange' ? item.exchangeType : null
  const needsKey = exchangeType === 'topic' || exchangeType === 'direct'
  const [routingKey, setRoutingKey] = useState(exchangeType === 'topic' ? '#' : '')
  const { startTail, stopTail, pauseTail, resumeTail, clearTail } = appStore.getState()

  // The tail belongs to this tab: leaving it (another tab or source) stops it and frees its buffer.
  useEffect(() => () => void appStore.getState().leaveTail(), [])
  const running = isTailRunning(tail)
  useEffect(() => {
    if (running && connectionState !== 'open') void appStore.getState().stopTail()
  }, [running, connectionState])

  const view = tail !== null && tail.connectionId === connectionId ? tail : null
  const start = () => {
    const source = item.kind === 'channel' && pattern ? `channel:${glob.trim()}` : sourceKey(item)
    void startTail(connectionId, source, { pattern: item.kind === 'channel' && pattern, ...(needsKey ? { routingKey } : {}) })
  }
  const canStart =
    connectionState === 'open' && !(item.kind === 'channel' && pattern && glob.trim() === '') && !(exchangeType === 'direct' && routingKey === '')

  return (
    <div className="tail-tab">
      <form
        className="browse-bar tail-bar"
        onSubmit={(e) => {
          e.preventDefault()
          if (!running && canStart) start()
        }}
      >
        {item.kind === 'channel' ? (
          <>
            <label className="checkbox" htmlFor={ids.pattern} title="PSUBSCRIBE: every channel whose name matches a glob (orders.*)">
              <input id={ids.pattern} type="checkbox" checked={pattern} disabled={running} onChange={(e) => setPattern(e.target.checked)} />
              Pattern
            </label>
            {pattern ? (
              <input
                id={ids.glob}
                className="mono tail-glob"
                aria-label="Channel pattern"
                value={glob}
                disabled={running}
                spellCheck={false}
                onChange={(e) => setGlob(e.target.value)}
              />
            ) : null}
          </>
        ) : null}
        {needsKey ? (
          <>
            <label htmlFor={ids.key}>Binding key</label>
            <input
              id={ids.key}
              className="mono tail-glob"
              value={routingKey}
              disabled={running}
              placeholder={exchangeType === 'direct' ? 'routing key' : '#'}
              spellCheck={false}
              onChange={(e) => setRoutingKey(e.target.value)}
            />
          </>
        ) : null}
        {running ? (
          <>
            {view?.frozen === null ? (
              <button type="button" className="btn btn-small" onClick={pauseTail} title="Freeze the list; messages keep arriving and show on Resume">
                Pause
              </button>
            ) : (
              <button type="button" className="btn btn-small btn-primary" onClick={resumeTail}>
                Resume
              </button>
            )}
            <button type="button" className="btn btn-small" onClick={() => void stopTail()}>
              Stop
            </button>
          </>
        ) : (
          <button
            type="submit"
            className="btn btn-small btn-primary"
            disabled={!canStart}
            title={connectionState === 'open' ? undefined : 'The connection is not open'}
          >
            {view === null ? 'Start' : 'Start again'}
          </button>
        )}
        <button type="button" className="btn btn-small" disabled={view === null || view.messages.length === 0} onClick={clearTail}>
          Clear
        </button>
        {item.kind === 'channel' ? (
          <span className="muted tail-subscribers" title="PUBSUB NUMSUB right now (a Cluster counts one node); a running tail is a subscriber too">
            Subscribers <span className="num">{formatCount(item.consumers)}</span>
          </span>
        ) : null}
      </form>

      <p className="muted tail-notice">{tailNotice(item)}</p>

      {view === null ? null : <TailStatus view={view} />}
      {view === null ? null : <TailList view={view} />}
      {view === null ? null : <TailDetail view={view} />}
    </div>
  )
}

function TailStatus({ view }: { view: TailView }) {
  const trouble = view.status === 'failed' || view.status === 'ended' || view.droppedByCore > 0
  return (
    <p className={`tail-status${trouble ? ' trouble-text' : ''}`} role="status" aria-label="Tail status">
      <span className={`tail-dot tail-${view.status}${view.frozen === null ? '' : ' paused'}`} aria-hidden="true" />
      <strong>{tailStatusText(view)}</strong>
      {view.status === 'failed' ? null : <span className="muted num-plain"> · {tailCounts(view)}</span>}
    </p>
  )
}

/** Newest first: what just arrived is at the top without scrolling; Pause keeps the list still to read it. */
function TailList({ view }: { view: TailView }) {
  const messages = shownTailMessages(view)
  const scrollRef = useRef<HTMLDivElement>(null)
  const count = messages.length
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is not compiler-safe; this component opts out by design.
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TAIL_ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => messages[count - 1 - index]?.seq ?? index,
  })
  const { selectTailMessage } = appStore.getState()
  const selectedIndex = view.selectedSeq === null ? -1 : messages.findIndex((m) => m.seq === view.selectedSeq)
  const labelHead = view.pattern ? 'Channel' : view.source.startsWith('exchange:') ? 'Routing key' : 'Id'

  // Stream ids and channel names are long, arrival numbers are not: size the column to the longest shown.
  const labelChars = messages.reduce((max, m) => Math.max(max, labelOf(m, view).length), 2)
  const style = { '--label-col': `${Math.min(240, Math.max(48, labelChars * 7.2 + 10))}px` } as React.CSSProperties

  if (count === 0) {
    return <p className="muted empty-inline">{view.status === 'live' || view.status === 'starting' ? 'Waiting for messages…' : 'No messages.'}</p>
  }

  const onKeyDown = (event: React.KeyboardEvent) => {
    // Rows are drawn newest first: down goes to older messages.
    let next: number | null = null
    if (event.key === 'ArrowDown') next = selectedIndex <= 0 ? 0 : selectedIndex - 1
    else if (event.key === 'ArrowUp') next = Math.min(count - 1, selectedIndex + 1)
    const message = next === null ? undefined : messages[next]
    if (next === null || !message) return
    event.preventDefault()
    selectTailMessage(message.seq)
    virtualizer.scrollToIndex(count - 1 - next)
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-seq="${message.seq}"]`)?.focus())
  }

  return (
    <div className="message-list tail-list" style={style}>
      <div className="tail-row message-row message-head" aria-hidden="true">
        <span>Time</span>
        <span>{labelHead}</span>
        <span className="num">Size</span>
        <span>Body</span>
      </div>
      <div className="message-scroll" ref={scrollRef} style={{ height: Math.min(count, VISIBLE_ROWS) * TAIL_ROW_HEIGHT + 2 }}>
        <div role="list" aria-label="Live messages" className="message-space" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
          {virtualizer.getVirtualItems().map((row) => {
            const message = messages[count - 1 - row.index]!
            const selected = message.seq === view.selectedSeq
            return (
              <div key={row.key} role="listitem" className="message-item" style={{ transform: `translateY(${row.start}px)`, height: TAIL_ROW_HEIGHT }}>
                <button
                  type="button"
                  className={`tail-row message-row${selected ? ' selected' : ''}${row.index % 2 ? ' odd' : ''}`}
                  aria-pressed={selected}
                  data-seq={message.seq}
                  onClick={() => selectTailMessage(selected ? null : message.seq)}
                >
                  <span className="num-plain" title={formatTime(message.at)}>
                    {formatClock(message.at)}
                  </span>
                  <TailLabel message={message} view={view} />
                  <span className="num">{formatSize(message.size)}</span>
                  <span className="mono tail-preview">{bodyPreview(message)}</span>
                </button>
              </div>
            )
          })}
        </div>
      </div>
      {view.droppedHere > 0 ? (
        <p className="muted tail-dropped">
          {view.droppedHere.toLocaleString()} older {view.droppedHere === 1 ? 'message' : 'messages'} dropped: the tab keeps the last{' '}
          {TAIL_BUFFER.toLocaleString()}.
        </p>
      ) : null}
    </div>
  )
}

/** Exchange tails: the routing key (what a binding matches on); otherwise tailLabel. */
function labelOf(message: TailEntry, view: TailView): string {
  return view.source.startsWith('exchange:') ? (message.routingKey ?? message.id) : tailLabel(message, view.pattern)
}

function TailLabel({ message, view }: { message: TailEntry; view: TailView }) {
  const text = labelOf(message, view)
  return (
    <span className="mono" title={text}>
      {text === '' ? <span className="muted">(empty)</span> : text}
    </span>
  )
}

/** The selected message: body (pretty JSON, raw, hex), then properties and headers or stream fields. */
function TailDetail({ view }: { view: TailView }) {
  const message = selectedTailMessage(view)
  const [chosen, setChosen] = useState<BodyView | null>(null)
  const pretty = useMemo(() => (message === null ? null : prettyJson(message)), [message])
  if (message === null) return null
  const shownView = chosen === 'pretty' && pretty === null ? 'raw' : (chosen ?? defaultBodyView(message))
  const text = shownView === 'pretty' && pretty !== null ? pretty : renderBody(message, shownView)
  const label = tailLabel(message, view.pattern)
  const headers = Object.entries(message.headers)
  const properties = Object.entries(message.properties ?? {})

  return (
    <section className="message-detail" aria-label={`Live message ${label}`}>
      <dl className="facts tail-facts">
        <div className="fact">
          <dt>Received</dt>
          <dd className="num-plain">{formatTime(message.at)}</dd>
        </div>
        <div className="fact">
          <dt>Id</dt>
          <dd className="mono">{message.id}</dd>
        </div>
        {message.channel !== undefined ? (
          <div className="fact">
            <dt>Channel</dt>
            <dd className="mono">{message.channel}</dd>
          </div>
        ) : null}
        {message.routingKey !== undefined ? (
          <div className="fact">
            <dt>Routing key</dt>
            <dd className="mono">{message.routingKey === '' ? NO_DATA : message.routingKey}</dd>
          </div>
        ) : null}
      </dl>
      <div className="body-bar">
        <h3>Body</h3>
        <span className="muted num-plain body-summary">
          {message.encoding === 'base64' ? 'binary' : 'text'} · {message.size.toLocaleString()} bytes
        </span>
        <span className="spacer" />
        <BodyViewToggle view={shownView} canPretty={pretty !== null} onChange={setChosen} />
      </div>
      {cutNote(message) !== null ? (
        <p className="muted body-note" role="note">
          {cutNote(message)}.
        </p>
      ) : null}
      <BodyContent size={message.size} view={shownView} text={text} json={shownView === 'pretty'} />
      {properties.length > 0 ? (
        <>
          <h3>Properties</h3>
          <KeyValueTable label="Properties" rows={properties.map(([k, v]) => [k, formatValue(v)])} />
        </>
      ) : null}
      {headers.length > 0 ? (
        <>
          <h3>Headers</h3>
          <KeyValueTable label="Headers" rows={headers.map(([k, v]) => [k, formatValue(v)])} />
        </>
      ) : null}
    </section>
  )
}
