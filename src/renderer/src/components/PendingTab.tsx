import { useEffect, useId, useState } from 'react'
import type { StreamSource } from '../../../shared/model'
import { formatCount } from '../format'
import { appStore, useApp } from '../store'
import { hasMorePending, formatIdle, selectPendingFor, selectRedisBusy } from '../store/redis.selectors'
import { PENDING_PAGE_SIZE } from '../store/redis.slice'
import { sourceKey } from '../store/sources.selectors'
import { DangerFooter } from './DangerFooter'
import { Modal } from './Modal'

type Dialog = 'claim' | 'ack' | 'readd' | null

/**
 * The Pending tab of a stream with consumer groups: a group's pending entries
 * (XPENDING: id, owner, idle, deliveries) paged by id; tick some, then claim them to a consumer,
 * acknowledge them, or re-add them to the stream through the replay engine.
 */
export function PendingTab({ stream, connectionId, readOnly }: { stream: StreamSource; connectionId: string; readOnly: boolean }) {
  const source = sourceKey(stream)
  const view = useApp(selectPendingFor(connectionId, source))
  const busy = useApp(selectRedisBusy)
  const [dialog, setDialog] = useState<Dialog>(null)
  const ids = { group: useId(), consumer: useId() }
  const { loadPending, setPendingSelection, togglePendingEntry } = appStore.getState()
  const groupNames = stream.groups.map((g) => g.name)
  const group = view !== null && groupNames.includes(view.group) ? view.group : (groupNames[0] ?? null)

  // Opens on the first group; re-read when the listing says the group's pending count moved.
  const pendingCount = stream.groups.find((g) => g.name === group)?.pending
  useEffect(() => {
    if (group !== null) void appStore.getState().loadPending(connectionId, source, group, { move: 'same' })
  }, [connectionId, source, group, pendingCount])

  if (group === null) return <p className="muted empty-inline">No consumer groups, so nothing is pending.</p>
  const result = view?.result ?? null
  const entries = result?.entries ?? []
  const selected = view?.selected ?? []
  const allPicked = entries.length > 0 && entries.every((e) => selected.includes(e.id))
  const consumers = result?.consumers ?? []
  const writeWhy = readOnly ? 'Read-only profile: claiming and acknowledging are not allowed' : null

  return (
    <div className="pending-tab">
      <form className="browse-bar" aria-label="Pending entries of" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={ids.group}>Group</label>
        <select id={ids.group} value={group} onChange={(e) => void loadPending(connectionId, source, e.target.value, { consumer: '' })}>
          {groupNames.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.consumer}>Consumer</label>
        <select
          id={ids.consumer}
          value={view?.consumer ?? ''}
          onChange={(e) => void loadPending(connectionId, source, group, { consumer: e.target.value, move: 'first' })}
        >
          <option value="">every consumer</option>
          {consumers.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({formatCount(c.pending)})
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-small"
          disabled={view?.loading ?? false}
          onClick={() => void loadPending(connectionId, source, group, { move: 'same' })}
        >
          Refresh
        </button>
        <span className="muted num" role="status">
          {result === null ? (view?.loading ? 'Reading…' : '') : `${formatCount(result.total)} pending in ${group}`}
        </span>
      </form>

      {view?.error ? (
        <p className="banner banner-trouble" role="alert">
          {view.error.message}
        </p>
      ) : null}
      {view?.outcome ? (
        <p className="pending-outcome" role="status" aria-label="Last action">
          {view.outcome}
        </p>
      ) : null}

      {result !== null && entries.length === 0 ? (
        <p className="muted empty-inline">
          Nothing pending{view?.consumer ? ` for ${view.consumer}` : ''}: every entry delivered to this group was acknowledged.
        </p>
      ) : null}

      {entries.length > 0 ? (
        <>
          <div className="replay-selection-bar" role="toolbar" aria-label="Selected pending entries">
            <span className="muted">
              {selected.length === 0 ? 'Tick entries to claim or acknowledge them.' : `${selected.length.toLocaleString()} selected`}
            </span>
            <span className="spacer" />
            <button
              type="button"
              className="btn btn-small"
              disabled={selected.length === 0 || busy || readOnly}
              title={writeWhy ?? 'XCLAIM: give the ticked entries to another consumer'}
              onClick={() => setDialog('claim')}
            >
              Claim to…
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={selected.length === 0 || busy || readOnly}
              title={writeWhy ?? 'XACK: mark the ticked entries as processed'}
              onClick={() => setDialog('ack')}
            >
              Acknowledge…
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={selected.length === 0 || busy || readOnly}
              title={writeWhy ?? 'Add the ticked entries to the stream again (new ids, through the replay engine), then acknowledge them'}
              onClick={() => setDialog('readd')}
            >
              Re-add to stream…
            </button>
          </div>
          {readOnly ? <p className="muted empty-inline">{writeWhy}.</p> : null}
          <table className="groups-table pending-table" aria-label="Pending entries">
            <thead>
              <tr>
                <th scope="col" className="check-col">
                  <input
                    type="checkbox"
                    aria-label="Select every pending entry on this page"
                    checked={allPicked}
                    onChange={() => setPendingSelection(allPicked ? [] : entries.map((e) => e.id))}
                  />
                </th>
                <th scope="col">Entry id</th>
                <th scope="col">Consumer</th>
                <th scope="col" className="num">
                  Idle
                </th>
                <th scope="col" className="num">
                  Deliveries
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className={selected.includes(entry.id) ? 'selected' : undefined}>
                  <td className="check-col">
                    <input
                      type="checkbox"
                      aria-label={`Select ${entry.id}`}
                      checked={selected.includes(entry.id)}
                      onChange={() => togglePendingEntry(entry.id)}
                    />
                  </td>
                  <td className="mono">{entry.id}</td>
                  <td className="mono">{entry.consumer}</td>
                  <td className="num">{formatIdle(entry.idleMs)}</td>
                  <td
                    className={`num${entry.deliveries > 1 ? ' trouble' : ''}`}
                    title={entry.deliveries > 1 ? 'Delivered more than once: a consumer may be failing on it' : undefined}
                  >
                    {formatCount(entry.deliveries)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button
              type="button"
              className="btn btn-small"
              disabled={(view?.history.length ?? 0) === 0 || view?.loading}
              onClick={() => void loadPending(connectionId, source, group, { move: 'previous' })}
            >
              Previous
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={!hasMorePending(entries, PENDING_PAGE_SIZE) || view?.loading}
              onClick={() => void loadPending(connectionId, source, group, { move: 'next' })}
            >
              Next page
            </button>
          </div>
        </>
      ) : null}

      {dialog === 'claim' ? (
        <ClaimDialog group={group} count={selected.length} consumers={consumers.map((c) => c.name)} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'ack' ? <AckDialog group={group} count={selected.length} onClose={() => setDialog(null)} /> : null}
      {dialog === 'readd' ? (
        <ReaddDialog connectionId={connectionId} stream={stream.name} group={group} ids={selected} onClose={() => setDialog(null)} />
      ) : null}
    </div>
  )
}

function ClaimDialog({ group, count, consumers, onClose }: { group: string; count: number; consumers: string[]; onClose: () => void }) {
  const [consumer, setConsumer] = useState('')
  const [minIdle, setMinIdle] = useState('0')
  const busy = useApp(selectRedisBusy)
  const ids = { consumer: useId(), idle: useId(), list: useId() }
  const idleSeconds = /^\d+(\.\d+)?$/.test(minIdle.trim()) ? Number(minIdle.trim()) : null
  const ready = consumer.trim() !== '' && idleSeconds !== null && !busy
  const claim = () => {
    if (ready)
      void appStore
        .getState()
        .claimPending(consumer.trim(), Math.round(idleSeconds * 1000))
        .then((ok) => ok && onClose())
  }
  return (
    <Modal
      title="Claim pending entries"
      onClose={onClose}
      description={
        <p>
          XCLAIM gives {count === 1 ? 'the ticked entry' : `the ${count.toLocaleString()} ticked entries`} of group <strong className="mono">{group}</strong> to
          another consumer (made if new); their idle time restarts and their delivery count does not change.
        </p>
      }
      footer={
        <>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={!ready} onClick={claim}>
            Claim {count.toLocaleString()}
          </button>
        </>
      }
    >
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault()
          claim()
        }}
      >
        <label htmlFor={ids.consumer}>Consumer</label>
        <input
          id={ids.consumer}
          className="mono"
          list={ids.list}
          value={consumer}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setConsumer(e.target.value)}
        />
        <datalist id={ids.list}>
          {consumers.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <label htmlFor={ids.idle}>Min idle (s)</label>
        <input
          id={ids.idle}
          className="num"
          inputMode="decimal"
          value={minIdle}
          aria-invalid={idleSeconds === null}
          onChange={(e) => setMinIdle(e.target.value)}
        />
        <span />
        <span className="hint">Only entries idle at least this long are claimed (0: all of them); the others are reported as skipped.</span>
      </form>
    </Modal>
  )
}

function AckDialog({ group, count, onClose }: { group: string; count: number; onClose: () => void }) {
  const busy = useApp(selectRedisBusy)
  return (
    <Modal
      role="alertdialog"
      title="Acknowledge pending entries"
      onClose={onClose}
      description={
        <p>
          XACK marks {count === 1 ? 'the ticked entry' : `the ${count.toLocaleString()} ticked entries`} as processed by group{' '}
          <strong className="mono">{group}</strong>: they leave its pending list and no consumer of the group will get them again. The entries stay in the
          stream.
        </p>
      }
      footer={
        <DangerFooter
          action={`Acknowledge ${count.toLocaleString()}`}
          disabled={busy}
          onConfirm={() =>
            void appStore
              .getState()
              .ackPending()
              .then((ok) => ok && onClose())
          }
          onCancel={onClose}
        />
      }
    >
      {null}
    </Modal>
  )
}

/** Re-adds pending entries through the replay engine (sourceGroup), so it is at-least-once and journaled. */
function ReaddDialog({
  connectionId,
  stream,
  group,
  ids,
  onClose,
}: {
  connectionId: string
  stream: string
  group: string
  ids: string[]
  onClose: () => void
}) {
  const [typed, setTyped] = useState('')
  const [running, setRunning] = useState(false)
  const fieldId = useId()
  const matches = typed === stream
  const readd = async () => {
    if (!matches || running) return
    setRunning(true)
    const { readdPending } = appStore.getState()
    const ok = await readdPending(connectionId, `stream:${stream}`, group, ids, typed)
    setRunning(false)
    if (ok) onClose()
  }
  return (
    <Modal
      role="alertdialog"
      title="Re-add pending entries"
      onClose={onClose}
      description={
        <p>
          Adds {ids.length === 1 ? 'the ticked entry' : `the ${ids.length.toLocaleString()} ticked entries`} to <strong className="mono">{stream}</strong> again
          (with new ids, so every group gets them as new), and acknowledges each in <strong className="mono">{group}</strong> once Redis has stored its copy.
          The replay journal records it.
        </p>
      }
      footer={
        <DangerFooter action={`Re-add ${ids.length.toLocaleString()}`} disabled={!matches || running} onConfirm={() => void readd()} onCancel={onClose} />
      }
    >
      <form
        className="field confirm-field"
        onSubmit={(e) => {
          e.preventDefault()
          void readd()
        }}
      >
        <label htmlFor={fieldId}>Type the stream name to confirm</label>
        <input
          id={fieldId}
          className="mono"
          value={typed}
          autoComplete="off"
          spellCheck={false}
          placeholder={stream}
          onChange={(e) => setTyped(e.target.value)}
        />
      </form>
    </Modal>
  )
}
