import type { BrokerOverview } from '../../../shared/broker-overview'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'

/** `broker:overview` of one connection: the scopes it could open and its connection counts. */
export interface OverviewEntry {
  /**
   * The last good answer. Kept when the connection switches scope: the vhosts / databases it lists
   * are the broker's, so the picker still works after a switch that failed. Its counts belong to
   * `overview.scope` only (see `selectCounts`).
   */
  overview: BrokerOverview | null
  loading: boolean
  error: QsErrorShape | null
}

export interface BrokerSlice {
  overviews: Record<string, OverviewEntry>
  /** The scope the picker is opening, per connection, until `connection:connect` answers. */
  switchingScope: Record<string, string>
  /** Fetches `broker:overview`; a fetch already running is not started twice. */
  refreshOverview(connectionId: string): Promise<void>
  /**
   * Re-opens the connection on another vhost or database. What was listed, sampled, browsed or
   * selected on the old scope is dropped at once, so nothing of it shows under the new one.
   */
  switchScope(connectionId: string, scope: string): Promise<void>
}

const EMPTY_ENTRY: OverviewEntry = { overview: null, loading: false, error: null }

export const createBrokerSlice: SliceCreator<BrokerSlice> = (set, get, { api }) => {
  const patch = (connectionId: string, next: Partial<OverviewEntry>) =>
    set((s) => ({ overviews: { ...s.overviews, [connectionId]: { ...(s.overviews[connectionId] ?? EMPTY_ENTRY), ...next } } }))

  return {
    overviews: {},
    switchingScope: {},

    refreshOverview: async (connectionId) => {
      if (get().overviews[connectionId]?.loading) return
      const generation = get().scopeGeneration(connectionId)
      patch(connectionId, { loading: true })
      try {
        const overview = await api().brokerOverview({ connectionId })
        // Asked of the scope we left: its counts would show under the new one.
        if (get().scopeGeneration(connectionId) !== generation) patch(connectionId, { loading: false })
        else patch(connectionId, { overview, loading: false, error: null })
      } catch (err) {
        patch(connectionId, { loading: false, error: get().scopeGeneration(connectionId) === generation ? toQsErrorShape(err) : null })
      }
    },

    switchScope: async (connectionId, scope) => {
      const current = get().statuses[connectionId]
      if (get().switchingScope[connectionId] !== undefined) return
      if (current?.scope === scope && current.state === 'open') return
      set((s) => ({ switchingScope: { ...s.switchingScope, [connectionId]: scope } }))
      get().forgetScopeData(connectionId)
      try {
        await get().connect(connectionId, scope)
      } finally {
        set((s) => {
          const switchingScope = { ...s.switchingScope }
          delete switchingScope[connectionId]
          return { switchingScope }
        })
      }
    },
  }
}
