import { appStore } from '../store'
import { discoveryShare, discoveryText } from '../store/redis.selectors'
import type { SourcesEntry } from '../store/sources.slice'

/**
 * A Redis discovery while it runs (a SCAN over a big key space): scanned of total
 * keys, sources found, a thin bar and Cancel. After a cancel, says the listing is incomplete.
 */
export function DiscoveryProgress({ connectionId, entry }: { connectionId: string; entry: SourcesEntry | null }) {
  const discovery = entry?.discovery ?? null
  const incomplete = entry?.incomplete ?? null
  if (discovery !== null && discovery.progress !== null && !discovery.progress.done) {
    const share = discoveryShare(discovery.progress)
    return (
      <span className="discovery" role="status" aria-label="Discovery">
        <span className="num">{discovery.cancelled ? 'Cancelling…' : discoveryText(discovery.progress)}</span>
        <progress className="discovery-bar" aria-label="Keys scanned" max={1} value={share ?? undefined} />
        <button type="button" className="btn btn-small" disabled={discovery.cancelled} onClick={() => void appStore.getState().cancelDiscovery(connectionId)}>
          Cancel
        </button>
      </span>
    )
  }
  if (incomplete !== null) {
    return (
      <span className="discovery trouble-text" role="status">
        Discovery cancelled after {incomplete.scanned.toLocaleString()}
        {incomplete.total === null ? '' : ` of ${incomplete.total.toLocaleString()}`} keys: this list is incomplete.
        <button type="button" className="btn btn-small" onClick={() => void appStore.getState().refreshSources(connectionId, { userAsked: true })}>
          Scan again
        </button>
      </span>
    )
  }
  return null
}
