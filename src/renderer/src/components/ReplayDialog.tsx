import { useState } from 'react'
import { parseSourceRef } from '../../../shared/source-ref'
import { appStore, useApp } from '../store'
import { initialReplayDraft, selectReplayRun, type ReplayDraft } from '../store/replay.selectors'
import { selectSourceItems } from '../store/sources.selectors'
import { selectCapabilities, selectDescription } from '../store/capabilities.selectors'
import type { SourceItem } from '../../../shared/model'
import type { AppState } from '../store'
import { ReplayForm } from './ReplayForm'
import { ReplayRunView } from './ReplayRunView'

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
