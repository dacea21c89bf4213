import { useEffect, useId, useMemo, useState } from 'react'
import type { ReplayFilter } from '../../../shared/replay'
import { parseSourceRef } from '../../../shared/source-ref'
import { formatCount } from '../format'
import { appStore, useApp } from '../store'
import { selectProfiles } from '../store/profiles.selectors'
import {
  buildReplayRequest,
  fitTargetKind,
  isReplayRunning,
  NEW_FILTER,
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
import { selectCapabilities } from '../store/capabilities.selectors'
import { peekRefusalOf } from '../store/messages.selectors'
import type { AppState } from '../store'
import { Modal } from './Modal'
import { FilterRow } from './ReplayFilterRow'
import { PreviewSection } from './ReplayRunView'

const selectStatuses = (state: AppState) => state.statuses

const COPY_HINTS: Record<ReturnType<typeof sourceNoun>, string> = {
  queue: 'Copy: each message is published to the target and put back in the source (marked redelivered).',
  stream: 'Copy: each entry is added to the target; the stream keeps it as it is.',
  list: 'Copy: each item is published to the target and put back in the list, in its order.',
}

export interface FormProps {
  connectionId: string
  /** `queue:NAME`, `stream:KEY` or `list:KEY`. */
  source: string
  messageIds: string[] | null
  draft: ReplayDraft
  setDraft: (update: (draft: ReplayDraft) => ReplayDraft) => void
  onClose: () => void
}

export function ReplayForm({ connectionId, source, messageIds, draft, setDraft, onClose }: FormProps) {
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
