import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { SourceItem } from '../../../shared/model'
import { appStore, useApp } from '../store'
import { formatShortTime, formatSize, formatTime, selectBrowseCount, selectBrowseFor, selectedMessageOf } from '../store/messages.selectors'
import { PEEK_COUNTS } from '../store/messages.slice'
import {
  describePage,
  entryRowsOf,
  firstPage,
  openEntryOf,
  parseJump,
  selectedEntriesOn,
  selectEntrySelection,
  selectRedisBusy,
  type EntryRow,
} from '../store/redis.selectors'
import { sourceKey } from '../store/sources.selectors'
import { MessageDetail } from './MessageDetail'
import { ExportButton } from './FileTransferButtons'
import { arrowKeySelection, idColumnStyle } from './message-list'
import { BrowseWarnings, MESSAGE_ROW_HEIGHT } from './MessagesTab'
import { Modal } from './Modal'
import { EntryDetail, StreamEntryPane } from './StreamEntryDetail'

/**
 * The Messages tab of a Redis stream or list: pages by entry id (newest or
 * oldest first, next, previous, jump to an id or a time) or by offset from either end of a list,
 * read-only commands only. Stream entries show as fields with their values formatted; ticked
 * entries can be deleted (XDEL) after a confirmation.
 */
export function RedisMessagesTab({
  item,
  connectionId,
  readOnly,
}: {
  item: SourceItem & { kind: 'stream' | 'list' }
  connectionId: string
  readOnly: boolean
}) {
  const source = sourceKey(item)
  const browse = useApp(selectBrowseFor(connectionId, source))
  const count = useApp(selectBrowseCount)
  const selection = useApp(selectEntrySelection)
  const busy = useApp(selectRedisBusy)
  const [jump, setJump] = useState('')
  const [jumpError, setJumpError] = useState<string | null>(null)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const ids = { count: useId(), jump: useId() }
  const { pageMessages, setBrowseCount, setEntrySelection } = appStore.getState()
  const isStream = item.kind === 'stream'
  const page = browse?.page ?? firstPage(item.kind)
  const result = browse?.result ?? null
  const loading = browse?.loading ?? false
  // A stream page comes in summary form: its rows, and the open entry read whole by id.
  const messages = useMemo(() => entryRowsOf(result, isStream), [result, isStream])
  const selected = selectedMessageOf(browse)
  const openEntry = openEntryOf(browse)
  const picked = useMemo(
    () =>
      messages === null
        ? []
        : selectedEntriesOn(
            selection,
            connectionId,
            source,
            messages.map((m) => m.id),
          ),
    [messages, selection, connectionId, source],
  )
  const canDelete = isStream && !readOnly

  // The first page comes on opening the tab: a page costs one XRANGE / LRANGE, nothing is consumed.
  useEffect(() => {
    if (appStore.getState().browse?.source !== source) void appStore.getState().pageMessages(connectionId, source, 'first')
  }, [connectionId, source])

  const onJump = () => {
    const parsed = parseJump(jump)
    if ('error' in parsed) {
      setJumpError(parsed.error)
      return
    }
    setJumpError(null)
    void pageMessages(connectionId, source, { at: parsed.at })
  }

  return (
    <div className="messages-tab">
      <form
        className="browse-bar redis-page-bar"
        aria-label="Paging"
        onSubmit={(e) => {
          e.preventDefault()
          if (isStream && jump.trim() !== '') onJump()
          else void pageMessages(connectionId, source, 'same')
        }}
      >
        <div className="segmented" role="group" aria-label={isStream ? 'Order' : 'End'}>
          {isStream
            ? (['backward', 'forward'] as const).map((direction) => (
                <button
                  key={direction}
                  type="button"
                  className={`btn btn-small${page.kind === 'stream' && page.direction === direction ? ' active' : ''}`}
                  aria-pressed={page.kind === 'stream' && page.direction === direction}
                  onClick={() => void pageMessages(connectionId, source, { stream: direction })}
                >
                  {direction === 'backward' ? 'Newest' : 'Oldest'}
                </button>
              ))
            : (['head', 'tail'] as const).map((end) => (
                <button
                  key={end}
                  type="button"
                  className={`btn btn-small${page.kind === 'list' && page.from === end ? ' active' : ''}`}
                  aria-pressed={page.kind === 'list' && page.from === end}
                  title={end === 'head' ? 'From index 0 (the left, where LPUSH adds)' : 'From index -1 (the right, where RPUSH adds)'}
                  onClick={() => void pageMessages(connectionId, source, { list: end })}
                >
                  {end === 'head' ? 'Head' : 'Tail'}
                </button>
              ))}
        </div>
        <label htmlFor={ids.count}>Count</label>
        <select
          id={ids.count}
          value={count}
          onChange={(e) => {
            setBrowseCount(Number(e.target.value))
            void pageMessages(connectionId, source, 'same')
          }}
        >
          {PEEK_COUNTS.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        {isStream ? (
          <>
            <input
              id={ids.jump}
              className="mono jump-input"
              aria-label="Jump to id or time"
              placeholder="Jump to id or time"
              title="An entry id (1700000000000-0), its millisecond part, or a date and time (2026-11-26 10:00)"
              value={jump}
              aria-invalid={jumpError !== null}
              onChange={(e) => {
                setJump(e.target.value)
                setJumpError(null)
              }}
            />
            <button type="submit" className="btn btn-small" disabled={loading || jump.trim() === ''}>
              Go
            </button>
          </>
        ) : null}
        <ExportButton connectionId={connectionId} source={source} />
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small"
          disabled={loading || (browse?.history ?? []).length === 0}
          onClick={() => void pageMessages(connectionId, source, 'previous')}
        >
          Previous
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={loading || result === null || result.next === null || result.next === undefined}
          onClick={() => void pageMessages(connectionId, source, 'next')}
        >
          Next page
        </button>
      </form>
      {jumpError !== null ? (
        <p className="inline-error" role="alert">
          {jumpError}
        </p>
      ) : null}
      <p className="muted page-where" role="status">
        {loading
          ? 'Reading…'
          : `${describePage(page)}${messages === null ? '' : ` · ${messages.length.toLocaleString()} ${isStream ? (messages.length === 1 ? 'entry' : 'entries') : messages.length === 1 ? 'item' : 'items'}`}`}
      </p>

      {browse?.error ? (
        <p className="banner banner-trouble" role="alert">
          {browse.error.message}
        </p>
      ) : null}
      <BrowseWarnings warnings={result?.warnings ?? []} />

      {messages === null ? null : messages.length === 0 ? (
        <p className="muted empty-inline">{isStream ? 'No entries here.' : 'No items here.'}</p>
      ) : (
        <>
          {canDelete ? (
            <div className="replay-selection-bar" role="toolbar" aria-label="Selected entries">
              <span className="muted" role="status">
                {picked.length === 0 ? 'Tick entries to delete them.' : `${picked.length.toLocaleString()} selected`}
              </span>
              <span className="spacer" />
              {picked.length > 0 ? (
                <button type="button" className="btn btn-small" onClick={() => setEntrySelection(connectionId, source, [])}>
                  Clear selection
                </button>
              ) : null}
              <button type="button" className="btn btn-small" disabled={picked.length === 0 || busy} onClick={() => setConfirmDelete(true)}>
                Delete selected…
              </button>
            </div>
          ) : null}
          <EntryList
            messages={messages}
            selectedId={browse?.selectedMessageId ?? null}
            picking={canDelete ? { picked: new Set(picked), connectionId, source } : null}
            isStream={isStream}
          />
        </>
      )}

      {openEntry ? (
        <StreamEntryPane entry={openEntry} />
      ) : selected ? (
        isStream ? (
          <EntryDetail message={selected} />
        ) : (
          <MessageDetail message={selected} />
        )
      ) : null}

      {confirmDelete ? (
        <Modal
          role="alertdialog"
          title="Delete entries"
          onClose={() => setConfirmDelete(false)}
          description={
            <p>
              XDEL removes {picked.length === 1 ? 'this entry' : <strong className="num">these {picked.length.toLocaleString()} entries</strong>} from{' '}
              <strong className="mono">{item.name}</strong> for good. A consumer group that has one pending keeps its id in the pending list until it is
              acknowledged or claimed.
            </p>
          }
          footer={
            <>
              <span className="spacer" />
              <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
              <button
                type="button"
                className="btn btn-danger"
                disabled={busy}
                onClick={() => {
                  void appStore
                    .getState()
                    .writeRedis({ op: 'xdel', connectionId, source, ids: picked })
                    .then((ok) => ok && setConfirmDelete(false))
                }}
              >
                Delete {picked.length.toLocaleString()}
              </button>
            </>
          }
        >
          <ul className="mono delete-list" aria-label="Entries to delete">
            {picked.slice(0, 20).map((id) => (
              <li key={id}>{id}</li>
            ))}
            {picked.length > 20 ? <li className="muted">… and {(picked.length - 20).toLocaleString()} more</li> : null}
          </ul>
        </Modal>
      ) : null}
    </div>
  )
}

interface Picking {
  picked: Set<string>
  connectionId: string
  source: string
}

function EntryList({
  messages,
  selectedId,
  picking,
  isStream,
}: {
  messages: EntryRow[]
  selectedId: string | null
  picking: Picking | null
  isStream: boolean
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is not compiler-safe; this component opts out by design.
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => MESSAGE_ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => messages[index]?.id ?? index,
  })
  const { selectMessage, toggleEntry, setEntrySelection } = appStore.getState()
  const allPicked = picking !== null && messages.every((m) => picking.picked.has(m.id))

  const onKeyDown = arrowKeySelection(messages, selectedId, selectMessage, virtualizer, scrollRef)

  const style = idColumnStyle(messages)
  const head = (
    <div className="message-row message-head entry-row" aria-hidden="true">
      <span>{isStream ? 'Entry id' : 'Index'}</span>
      <span>{isStream ? 'Time' : ''}</span>
      <span>{isStream ? 'Fields' : 'Value'}</span>
      <span className="num">Size</span>
    </div>
  )

  return (
    <div className={`message-list entry-list${picking === null ? '' : ' pickable'}`} style={style}>
      {picking === null ? (
        head
      ) : (
        <div className="message-head-wrap">
          <label className="replay-check">
            <input
              type="checkbox"
              aria-label="Select every entry on this page"
              checked={allPicked}
              onChange={() => setEntrySelection(picking.connectionId, picking.source, allPicked ? [] : messages.map((m) => m.id))}
            />
          </label>
          {head}
        </div>
      )}
      <div className="message-scroll" ref={scrollRef} style={{ height: Math.min(messages.length * MESSAGE_ROW_HEIGHT, 12 * MESSAGE_ROW_HEIGHT) + 2 }}>
        <div
          role="list"
          aria-label={isStream ? 'Entries' : 'Items'}
          className="message-space"
          style={{ height: virtualizer.getTotalSize() }}
          onKeyDown={onKeyDown}
        >
          {virtualizer.getVirtualItems().map((row) => {
            const message = messages[row.index]!
            const selected = message.id === selectedId
            return (
              <div key={row.key} role="listitem" className="message-item" style={{ transform: `translateY(${row.start}px)`, height: MESSAGE_ROW_HEIGHT }}>
                {picking === null ? null : (
                  <label className={`replay-check${row.index % 2 ? ' odd' : ''}`}>
                    <input
                      type="checkbox"
                      aria-label={`Select ${message.id}`}
                      checked={picking.picked.has(message.id)}
                      onChange={() => toggleEntry(picking.connectionId, picking.source, message.id)}
                    />
                  </label>
                )}
                <button
                  type="button"
                  className={`message-row entry-row${selected ? ' selected' : ''}${row.index % 2 ? ' odd' : ''}`}
                  aria-pressed={selected}
                  data-message-id={message.id}
                  onClick={() => selectMessage(selected ? null : message.id)}
                >
                  <span className="mono">{message.id}</span>
                  <span className="num-plain" title={isStream ? formatTime(message.time) : undefined}>
                    {isStream ? formatShortTime(message.time) : ''}
                  </span>
                  <span className="mono ellipsis" title={message.fieldsTitle}>
                    {message.preview}
                  </span>
                  <span className="num" title={isStream ? 'Every field, names and values' : undefined}>
                    {formatSize(message.size)}
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
