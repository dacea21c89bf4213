import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { FILTER_OPS, type ReplayFilter, type ReplayReport } from '../../../shared/replay'
import { parseSourceRef } from '../../../shared/source-ref'
import { formatCount } from '../format'
import { appStore, useApp } from '../store'
import { selectProfiles } from '../store/profiles.selectors'
import {
  buildReplayRequest,
  describeDraftFilter,
  describeProgress,
  describeReport,
  describeRoute,
  failureReasons,
  filterProblem,
  fitTargetKind,
  initialReplayDraft,
  isReplayRunning,
  NEW_FILTER,
  otherTargetConnectionName,
  replayActionLabel,
  replayTargetConnections,
  replayTargetKinds,
  selectReplayPreview,
  selectReplayRun,
  sourceCountText,
  sourceNoun,
  targetKindText,
  targetNameSuggestions,
  type ReplayDraft,
} from '../store/replay.selectors'
import { replayRequestKey, type ReplayRun } from '../store/replay.slice'
import { selectSourceItems } from '../store/sources.selectors'
import { selectCapabilities, selectDescription } from '../store/capabilities.selectors'
import type { SourceItem } from '../../../shared/model'
import { peekRefusalOf } from '../store/messages.selectors'
import type { AppState } from '../store'
import { Modal } from './Modal'

const selectStatuses = (state: AppState) => state.statuses

interface Props {
  connectionId: string
  /** `queue:NAME`, `stream:KEY` or `list:KEY`. */
  source: string
  messageIds: string[] | null
  onClose: () => void
}

/**
 * Replay (docs/ui.md "Dialogs"): source, target on any open connection of either broker, filters, limit
 * and rate, a dry-run preview of what would go, and a typed confirmation for a move. While the replay
 * runs it shows progress with Cancel; at the end, the report in words.
 */
export function ReplayDialog({ connectionId, source, messageIds, onClose }: Props) {
  const run = useApp(selectReplayRun)
  const [draft, setDraft] = useState<ReplayDraft>(() => {
    const state = appStore.getState()
    return initialReplayDraft(
      connectionId,
      selectDescription(connectionId)(state),
      selectCapabilities(connectionId, sourceItemOf(state, connectionId, source))(state),
    )
  })
  const own = run !== null && run.connectionId === connectionId && run.source === source && run.error === null ? run : null
  if (own !== null) return <ReplayRunView run={own} onClose={onClose} />
  return <ReplayForm connectionId={connectionId} source={source} messageIds={messageIds} draft={draft} setDraft={setDraft} onClose={onClose} />
}

/** The source's item in its connection's listing, or just its kind when the listing does not hold it. */
function sourceItemOf(state: AppState, connectionId: string, source: string): Pick<SourceItem, 'kind' | 'capabilities'> {
  const ref = parseSourceRef(source)
  return selectSourceItems(connectionId)(state).find((i) => i.kind === ref.kind && i.name === ref.name) ?? { kind: ref.kind }
}

const COPY_HINTS: Record<ReturnType<typeof sourceNoun>, string> = {
  queue: 'Copy: each message is published to the target and put back in the source (marked redelivered).',
  stream: 'Copy: each entry is added to the target; the stream keeps it as it is.',
  list: 'Copy: each item is published to the target and put back in the list, in its order.',
}

const FIELD_LABELS: Record<ReplayFilter['field'], string> = { header: 'header', property: 'property', body: 'body', xDeathReason: 'x-death reason' }
const NAME_PLACEHOLDERS: Record<ReplayFilter['field'], string> = {
  header: 'tenant',
  property: 'messageId',
  body: 'JSON path, empty: whole body',
  xDeathReason: '',
}

interface FormProps extends Omit<Props, 'onClose'> {
  draft: ReplayDraft
  setDraft: (update: (draft: ReplayDraft) => ReplayDraft) => void
  onClose: () => void
}

function ReplayForm({ connectionId, source, messageIds, draft, setDraft, onClose }: FormProps) {
  const profiles = useApp(selectProfiles)
  const statuses = useApp(selectStatuses)
  const preview = useApp(selectReplayPreview)
  const run = useApp(selectReplayRun)
  const sourceItems = useApp(selectSourceItems(connectionId))
  const targetItems = useApp(selectSourceItems(draft.targetConnectionId))
  const [typed, setTyped] = useState('')
  const ids = {
    target: useId(),
    connection: useId(),
    name: useId(),
    key: useId(),
    mode: useId(),
    limit: useId(),
    rate: useId(),
    confirm: useId(),
    list: useId(),
    filters: useId(),
  }
  const sourceRef = parseSourceRef(source)
  const sourceName = sourceRef.name
  const noun = sourceNoun(source)
  const sourceProfile = profiles.find((p) => p.id === connectionId) ?? null
  const connections = useMemo(() => replayTargetConnections(profiles, statuses, connectionId), [profiles, statuses, connectionId])
  const targetConnection = connections.find((c) => c.id === draft.targetConnectionId) ?? null
  const sourceItem = sourceItems.find((i) => i.kind === sourceRef.kind && i.name === sourceName)
  const sourceCapabilities = useApp(selectCapabilities(connectionId, sourceItem ?? { kind: sourceRef.kind }))
  const targetDescription = statuses[draft.targetConnectionId]?.description ?? null
  const targetKinds = replayTargetKinds(targetDescription, sourceCapabilities)
  const count = sourceCountText(sourceItem)
  const suggestions = draft.targetKind === 'origin' ? [] : targetNameSuggestions(targetItems, draft.targetKind)
  const targetListed = targetItems.length > 0

  // The datalist needs the target connection's listing: load it once when another connection is picked.
  useEffect(() => {
    if (draft.targetKind === 'origin' || targetListed || !targetConnection) return
    void appStore.getState().refreshSources(draft.targetConnectionId)
  }, [draft.targetKind, draft.targetConnectionId, targetListed, targetConnection])

  const context = { connectionId, source, messageIds }
  const built = buildReplayRequest(draft, context, { dryRun: false, confirm: typed })
  const problem = 'problem' in built ? built.problem : null
  const currentKey = 'request' in built ? replayRequestKey(built.request) : null
  const previewing = isReplayRunning(preview)
  const freshPreview = preview !== null && preview.report !== null && preview.requestKey === currentKey ? preview.report : null
  const otherRun = isReplayRunning(run) ? run : null
  const move = draft.mode === 'move'
  const confirmed = !move || typed === sourceName

  const blocker =
    problem ??
    (targetConnection === null ? 'The target connection is not open: open it from the sidebar, or pick another' : null) ??
    (otherRun !== null ? `Another replay is running (from ${otherRun.source}); one at a time` : null) ??
    (targetConnection?.readOnly ? `${targetConnection.name} is read-only: only a preview is possible` : null) ??
    (move && sourceProfile?.readOnly ? `${sourceProfile.name} is read-only: a move would remove messages from it; copy instead` : null)

  const update = (patch: Partial<ReplayDraft>) => setDraft((d) => ({ ...d, ...patch }))
  // A quorum queue with a delivery limit: the core asks before a read that gives messages back.
  const refusedHere = (r: ReplayRun | null): ReplayRun['error'] => (r !== null && r.connectionId === connectionId && r.source === source ? r.error : null)
  const needsAcceptance = [refusedHere(run), refusedHere(preview)].some((error) => peekRefusalOf(error)?.requiresAcceptance === true)
  const updateFilter = (index: number, patch: Partial<ReplayFilter>) =>
    setDraft((d) => ({ ...d, filters: d.filters.map((f, i) => (i === index ? { ...f, ...patch } : f)) }))
  const { startReplay, cancelReplay } = appStore.getState()

  const runPreview = () => {
    const dry = buildReplayRequest(draft, context, { dryRun: true })
    if ('request' in dry) void startReplay(dry.request)
  }
  const runReplay = () => {
    if ('request' in built && blocker === null && confirmed) void startReplay(built.request)
  }

  const sourceConnectionName = sourceProfile?.name ?? connectionId
  const changeConnection = (id: string) => {
    const description = statuses[id]?.description ?? null
    setDraft((d) => ({ ...d, targetConnectionId: id, targetKind: fitTargetKind(d.targetKind, description, sourceCapabilities) }))
  }
  const action = replayActionLabel(draft.mode, freshPreview, draft.limit, messageIds === null ? null : messageIds.length)

  return (
    <Modal
      title="Replay messages"
      onClose={onClose}
      wide
      description={
        <p>
          From <strong className="mono">{source}</strong> on {sourceConnectionName}
          {count === null ? '' : ` · ${count}`}
          {messageIds === null ? null : (
            <>
              {' '}
              · only the <strong className="num">{formatCount(messageIds.length)}</strong> selected {messageIds.length === 1 ? 'message' : 'messages'}, by
              message id
            </>
          )}
          . Replay publishes with confirms and only then removes (move) or puts back (copy) each message: nothing is lost if it stops halfway.
        </p>
      }
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <span className="spacer" />
          {blocker !== null || !confirmed ? (
            <span className="replay-blocker muted" role="note">
              {blocker ?? `Type the ${noun} name to confirm the move`}
            </span>
          ) : null}
          <button type="button" className="btn" disabled={problem !== null || previewing || targetConnection === null} onClick={runPreview}>
            {previewing ? 'Previewing…' : 'Preview (dry run)'}
          </button>
          <button
            type="button"
            className={`btn ${move ? 'btn-danger' : 'btn-primary'}`}
            disabled={blocker !== null || !confirmed || previewing}
            onClick={runReplay}
          >
            {action}
          </button>
        </>
      }
    >
      {/* No implicit submit: Enter must not start a copy from the Limit field. Only the typed confirmation submits. */}
      <form className="form-grid replay-form" onSubmit={(e) => e.preventDefault()}>
        <span className="form-label" id={ids.target}>
          Target
        </span>
        <div className="replay-stack">
          <div className="segmented" role="group" aria-labelledby={ids.target}>
            {targetKinds.map((kind) => (
              <button
                key={kind}
                type="button"
                className={`btn btn-small${draft.targetKind === kind ? ' active' : ''}`}
                aria-pressed={draft.targetKind === kind}
                onClick={() => update({ targetKind: kind })}
              >
                {targetKindText(kind, targetDescription).label}
              </button>
            ))}
          </div>
          <p className="hint">{targetKindText(draft.targetKind, targetDescription).hint}</p>
        </div>

        <label htmlFor={ids.connection}>Connection</label>
        <div className="replay-stack">
          <select id={ids.connection} aria-label="Target connection" value={draft.targetConnectionId} onChange={(e) => changeConnection(e.target.value)}>
            {targetConnection === null ? (
              <option value={draft.targetConnectionId}>
                {profiles.find((p) => p.id === draft.targetConnectionId)?.name ?? draft.targetConnectionId} (not open)
              </option>
            ) : null}
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.id === connectionId ? ' (this connection)' : ''}
                {c.readOnly ? ' (read-only)' : ''}
              </option>
            ))}
          </select>
          {connections.length === 1 ? <p className="hint">Open another profile (RabbitMQ or Redis) to replay across brokers, vhosts or databases.</p> : null}
        </div>

        {draft.targetKind === 'origin' ? null : (
          <>
            <label htmlFor={ids.name}>{`Target ${draft.targetKind}`}</label>
            <div className="replay-stack">
              <input
                id={ids.name}
                className="mono"
                list={ids.list}
                value={draft.targetName}
                autoComplete="off"
                spellCheck={false}
                placeholder={
                  draft.targetKind === 'exchange'
                    ? '(empty: the default exchange)'
                    : draft.targetKind === 'queue' || draft.targetKind === 'channel'
                      ? `${draft.targetKind} name`
                      : 'key'
                }
                onChange={(e) => update({ targetName: e.target.value })}
              />
              <datalist id={ids.list}>
                {suggestions.map((name) => (
                  <option key={name} value={name} />
                ))}
              </datalist>
            </div>
          </>
        )}

        {draft.targetKind === 'exchange' ? (
          <>
            <label htmlFor={ids.key}>Routing key</label>
            <div className="replay-stack">
              <input
                id={ids.key}
                className="mono"
                value={draft.routingKey}
                autoComplete="off"
                spellCheck={false}
                placeholder="(empty: each message’s own routing key)"
                onChange={(e) => update({ routingKey: e.target.value })}
              />
            </div>
          </>
        ) : null}

        <span className="form-label" id={ids.mode}>
          Mode
        </span>
        <div className="replay-stack">
          <div className="segmented" role="group" aria-labelledby={ids.mode}>
            {(['move', 'copy'] as const).map((mode) => (
              <button
                key={mode}
                type="button"
                className={`btn btn-small${draft.mode === mode ? ' active' : ''}`}
                aria-pressed={draft.mode === mode}
                onClick={() => update({ mode })}
              >
                {mode === 'move' ? 'Move' : 'Copy'}
              </button>
            ))}
          </div>
          <p className="hint">{move ? 'Move: each message is removed from the source once the target confirmed it.' : COPY_HINTS[noun]}</p>
        </div>

        <label htmlFor={ids.limit}>Limit</label>
        <div className="replay-inline">
          <input
            id={ids.limit}
            className="num replay-number"
            inputMode="numeric"
            value={draft.limit}
            placeholder="all"
            onChange={(e) => update({ limit: e.target.value })}
          />
          <span className="hint">
            {draft.limit.trim() === ''
              ? `Empty: all that are there now${count === null ? '' : ` (${count})`}; messages arriving later are left alone.`
              : 'At most this many are looked at.'}
          </span>
        </div>

        <label htmlFor={ids.rate}>Rate</label>
        <div className="replay-inline">
          <input
            id={ids.rate}
            aria-label="Rate (msg/s)"
            className="num replay-number"
            inputMode="decimal"
            value={draft.rate}
            placeholder="no limit"
            onChange={(e) => update({ rate: e.target.value })}
          />
          <span className="hint">msg/s; empty: as fast as the target confirms.</span>
        </div>

        <span className="form-label" id={ids.filters}>
          Filters
        </span>
        <div className="replay-stack" role="group" aria-labelledby={ids.filters}>
          {draft.filters.length === 0 ? (
            <p className="hint">None: every message is replayed. A replay takes the messages that meet all filters; the others stay.</p>
          ) : null}
          {draft.filters.map((filter, index) => (
            <FilterRow
              key={index}
              index={index}
              filter={filter}
              onChange={(patch) => updateFilter(index, patch)}
              onRemove={() => setDraft((d) => ({ ...d, filters: d.filters.filter((_, i) => i !== index) }))}
            />
          ))}
          <div>
            <button type="button" className="btn btn-small" onClick={() => setDraft((d) => ({ ...d, filters: [...d.filters, { ...NEW_FILTER }] }))}>
              Add filter
            </button>
          </div>
        </div>
      </form>

      {run !== null && run.error !== null && run.connectionId === connectionId && run.source === source ? (
        <p className="banner banner-trouble replay-error" role="alert">
          The replay did not start: {run.error.message}
        </p>
      ) : null}

      {preview !== null && preview.connectionId === connectionId && preview.source === source ? (
        <PreviewSection preview={preview} stale={preview.report !== null && preview.requestKey !== currentKey} onCancel={() => void cancelReplay(preview.id)} />
      ) : null}

      {needsAcceptance ? (
        <div className="browse-accept replay-accept" role="group" aria-label="Delivery limit">
          <label className="checkbox">
            <input type="checkbox" checked={draft.acceptDeliveryLimitRisk} onChange={(e) => update({ acceptDeliveryLimitRisk: e.target.checked })} />I accept
            that this spends a delivery attempt on every message it gives back
          </label>
          <span className="hint">then preview or replay again</span>
        </div>
      ) : null}

      {/* Last, after the preview (docs/ui.md "Dialogs"): the typed confirmation of a move. */}
      {move ? (
        <form className="form-grid replay-form replay-confirm" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor={ids.confirm}>Confirm</label>
          <div className="replay-stack">
            <input
              id={ids.confirm}
              aria-label={`Type the ${noun} name to confirm`}
              className="mono"
              value={typed}
              autoComplete="off"
              spellCheck={false}
              placeholder={sourceName}
              onChange={(e) => setTyped(e.target.value)}
              onKeyDown={(e) => {
                // Enter after typing the name moves, like the purge confirmation.
                if (e.key === 'Enter') runReplay()
              }}
            />
            <p className="hint">
              A move removes messages from <span className="mono">{sourceName}</span>: type its name to confirm.
            </p>
          </div>
        </form>
      ) : null}
    </Modal>
  )
}

function FilterRow({
  index,
  filter,
  onChange,
  onRemove,
}: {
  index: number
  filter: ReplayFilter
  onChange: (patch: Partial<ReplayFilter>) => void
  onRemove: () => void
}) {
  const n = index + 1
  const problem = filterProblem(filter)
  return (
    <div className="replay-filter">
      <div className="replay-filter-row">
        <select aria-label={`Filter ${n} field`} value={filter.field} onChange={(e) => onChange({ field: e.target.value as ReplayFilter['field'] })}>
          {(Object.keys(FIELD_LABELS) as ReplayFilter['field'][]).map((field) => (
            <option key={field} value={field}>
              {FIELD_LABELS[field]}
            </option>
          ))}
        </select>
        {/* x-death reason has no name, exists has no value: the other field takes the room. */}
        {filter.field === 'xDeathReason' ? null : (
          <input
            className="mono replay-filter-name"
            aria-label={`Filter ${n} name`}
            value={filter.name}
            placeholder={NAME_PLACEHOLDERS[filter.field]}
            spellCheck={false}
            onChange={(e) => onChange({ name: e.target.value })}
          />
        )}
        <select aria-label={`Filter ${n} operator`} value={filter.op} onChange={(e) => onChange({ op: e.target.value as ReplayFilter['op'] })}>
          {FILTER_OPS.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
        {filter.op === 'exists' ? null : (
          <input
            className="mono replay-filter-value"
            aria-label={`Filter ${n} value`}
            value={filter.value}
            spellCheck={false}
            placeholder={filter.field === 'xDeathReason' ? 'rejected, expired, maxlen, delivery_limit' : filter.op === 'regex' ? 'regular expression' : 'value'}
            aria-invalid={problem !== null && filter.op === 'regex'}
            onChange={(e) => onChange({ value: e.target.value })}
          />
        )}
        <button type="button" className="icon-btn" aria-label={`Remove filter ${n}`} title="Remove this filter" onClick={onRemove}>
          ×
        </button>
      </div>
      <p className={`hint replay-filter-words${problem === null ? '' : ' trouble-text'}`}>{problem === null ? describeDraftFilter(filter) : problem}</p>
    </div>
  )
}

/** The dry run: while it scans, its progress; then what would go (id, route, size) and what would not, and why. */
function PreviewSection({ preview, stale, onCancel }: { preview: ReplayRun; stale: boolean; onCancel: () => void }) {
  const report = preview.report
  const ref = useRef<HTMLElement>(null)
  const arrived = report !== null
  // The form is long: bring the answer into view when it arrives.
  useEffect(() => {
    if (arrived) ref.current?.scrollIntoView({ block: 'start' })
  }, [arrived])
  if (preview.error !== null) {
    return (
      <section className="replay-preview" aria-label="Preview">
        <p className="banner banner-trouble" role="alert">
          The preview failed: {preview.error.message}
        </p>
      </section>
    )
  }
  if (report === null) {
    return (
      <section className="replay-preview" aria-label="Preview">
        <ProgressBlock run={preview} label="Preview progress" onCancel={onCancel} cancelLabel="Stop preview" />
      </section>
    )
  }
  return (
    <section ref={ref} className={`replay-preview${stale ? ' stale' : ''}`} aria-label="Preview">
      <h3>Preview (dry run){stale ? <span className="badge tag-badge">the form changed since: preview again</span> : null}</h3>
      <dl className="replay-counts" aria-label="Preview counts">
        <Count term={`Would ${report.mode}`} value={report.published} />
        <Count term="Skipped (filters)" value={report.skipped} />
        <Count term="Would fail" value={report.failed} trouble={report.failed > 0} />
        <Count term="Scanned" value={report.scanned} />
      </dl>
      {report.error !== undefined ? (
        <p className="trouble-text" role="alert">
          Stopped early: {report.error}
        </p>
      ) : null}
      <FailureList report={report} verb="would fail" />
      {report.preview.length === 0 ? (
        <p className="muted empty-inline">Nothing would be replayed.</p>
      ) : (
        <ItemTable label="Messages that would be replayed" items={report.preview} shownOf={report.published} />
      )}
    </section>
  )
}

function ItemTable({ label, items, shownOf }: { label: string; items: ReplayReport['preview']; shownOf: number }) {
  const withReason = items.some((item) => item.reason !== undefined)
  return (
    <div className="replay-items">
      <table className="groups-table replay-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Message id</th>
            <th scope="col">Route</th>
            <th scope="col" className="num">
              Size
            </th>
            {withReason ? <th scope="col">Reason</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => (
            <tr key={`${item.id}-${index}`}>
              <td className="mono">{item.id}</td>
              <td className="mono">{describeRoute(item)}</td>
              <td className="num">{formatCount(item.size)} B</td>
              {withReason ? <td className="wrap">{item.reason ?? '—'}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {shownOf > items.length ? (
        <p className="hint">
          The first {formatCount(items.length)} of {formatCount(shownOf)} shown.
        </p>
      ) : null}
    </div>
  )
}

function FailureList({ report, verb }: { report: ReplayReport; verb: string }) {
  const reasons = failureReasons(report.failures)
  if (reasons.length === 0) return null
  return (
    <ul className="replay-failures" aria-label="Failure reasons">
      {reasons.map(({ reason, count, ids }) => (
        <li key={reason}>
          <strong className="num">{formatCount(count)}</strong> {verb}: {reason}
          <span className="muted mono">
            {' '}
            ({ids.slice(0, 3).join(', ')}
            {ids.length > 3 ? ', …' : ''})
          </span>
        </li>
      ))}
    </ul>
  )
}

function Count({ term, value, trouble = false }: { term: string; value: number; trouble?: boolean }) {
  return (
    <div className={`replay-count${trouble ? ' trouble' : ''}`}>
      <dt>{term}</dt>
      <dd className="num">{formatCount(value)}</dd>
    </div>
  )
}

function ProgressBlock({ run, label, onCancel, cancelLabel }: { run: ReplayRun; label: string; onCancel: () => void; cancelLabel: string }) {
  const view = describeProgress(run.progress)
  const progress = run.progress
  return (
    <div className="replay-progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={progress === null ? undefined : progress.total}
        aria-valuenow={progress === null ? undefined : progress.scanned}
        aria-valuetext={view.scanned}
      >
        <div className={`progress-fill${view.fraction === null ? ' indeterminate' : ''}`} style={{ width: `${Math.round((view.fraction ?? 0.3) * 100)}%` }} />
      </div>
      <div className="replay-progress-line">
        <span className="num" role="status">
          {view.scanned}
        </span>
        <span className="num">{view.rate}</span>
        <span className="num">{view.eta}</span>
        <span className="spacer" />
        <button type="button" className="btn btn-small" disabled={run.cancelling} onClick={onCancel}>
          {run.cancelling ? 'Cancelling…' : cancelLabel}
        </button>
      </div>
      {progress === null ? null : (
        <dl className="replay-counts" aria-label="Progress counts">
          <Count term="Published" value={progress.published} />
          <Count term="Failed" value={progress.failed} trouble={progress.failed > 0} />
          <Count term="Skipped" value={progress.skipped} />
        </dl>
      )}
    </div>
  )
}

/** A real replay: progress with Cancel while it runs, then the report in words. */
function ReplayRunView({ run, onClose }: { run: ReplayRun; onClose: () => void }) {
  const profiles = useApp(selectProfiles)
  const report = run.report
  const { cancelReplay, openReplayJournal } = appStore.getState()
  if (report === null) {
    return (
      <Modal
        title="Replaying…"
        onClose={onClose}
        wide
        description={
          <p>
            Replaying from <strong className="mono">{run.source}</strong>. Closing this keeps it running; a notification says how it ended.
          </p>
        }
        footer={
          <>
            <span className="spacer" />
            <button type="button" className="btn" onClick={onClose}>
              Hide
            </button>
          </>
        }
      >
        <ProgressBlock run={run} label="Replay progress" onCancel={() => void cancelReplay(run.id)} cancelLabel="Cancel replay" />
      </Modal>
    )
  }
  const lines = describeReport(report, otherTargetConnectionName(report, run.connectionId, profiles))
  return (
    <Modal
      title="Replay report"
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={openReplayJournal}>
            Replay journal
          </button>
          <span className="spacer" />
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      <section className="replay-report" aria-label="Replay report">
        <ul className="replay-report-lines">
          {lines.map((line) => (
            <li key={line.text} className={line.trouble ? 'trouble-text' : undefined}>
              {line.text}
            </li>
          ))}
        </ul>
        <dl className="replay-counts" aria-label="Report counts">
          <Count term={report.mode === 'move' ? 'Moved' : 'Copied'} value={report.published} />
          {report.mode === 'move' ? <Count term="Acknowledged" value={report.acknowledged} /> : null}
          <Count term="Failed" value={report.failed} trouble={report.failed > 0} />
          <Count term="Skipped" value={report.skipped} />
          <Count term="Left in source" value={report.left} />
          {report.duplicates > 0 ? <Count term="Possible duplicates" value={report.duplicates} trouble /> : null}
        </dl>
        <FailureList report={report} verb="failed" />
        {report.failures.length > 0 ? <ItemTable label="Failed messages" items={report.failures} shownOf={report.failed} /> : null}
      </section>
    </Modal>
  )
}
