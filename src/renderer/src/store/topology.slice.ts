import type { SourceDetails } from '../../../shared/topology'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'

/** `sources:details` of the source whose Details tab is open; one at a time, like the browse. */
export interface TopologyEntry {
  connectionId: string
  source: string
  loading: boolean
  /** The last good answer; kept while a reload runs so the tab does not flash. */
  details: SourceDetails | null
  error: QsErrorShape | null
}

export interface TopologySlice {
  topology: TopologyEntry | null
  loadSourceDetails(connectionId: string, source: string): Promise<void>
}

export const createTopologySlice: SliceCreator<TopologySlice> = (set, get, { api }) => ({
  topology: null,
  loadSourceDetails: async (connectionId, source) => {
    const current = get().topology
    const same = current !== null && current.connectionId === connectionId && current.source === source
    if (same && current.loading) return
    set({ topology: { connectionId, source, loading: true, details: same ? current.details : null, error: null } })
    const generation = get().scopeGeneration(connectionId)
    const stillAsked = () => {
      const now = get().topology
      return now !== null && now.connectionId === connectionId && now.source === source && get().scopeGeneration(connectionId) === generation
    }
    try {
      const details = await api().sourcesDetails({ connectionId, source })
      if (stillAsked()) set({ topology: { connectionId, source, loading: false, details, error: null } })
    } catch (err) {
      if (stillAsked()) set((s) => ({ topology: { connectionId, source, loading: false, details: s.topology?.details ?? null, error: toQsErrorShape(err) } }))
    }
  },
})
