import type { ConnectionStatus } from '../../../shared/model'
import type { SliceCreator } from './app.store'

export interface ConnectionsSlice {
  /** Latest status per connection; connectionId === profileId. */
  statuses: Record<string, ConnectionStatus>
  /**
   * Bumped per connection whenever it moves to another vhost or database. A fetch remembers the
   * generation it started in and drops its answer when it changed, so a listing of the old vhost
   * that arrives late cannot show under the new one.
   */
  scopeGenerations: Record<string, number>
  /**
   * Feeds a `connection:status` event (or a call's response) in; stale ones are ignored. A status
   * on another scope than the one held (the picker here, or another window) forgets the old
   * scope's data.
   */
  applyStatus(status: ConnectionStatus): void
  loadConnections(): Promise<void>
  /** Opens the profile's connection; `scope` opens another vhost or database than the profile's. */
  connect(profileId: string, scope?: string): Promise<void>
  disconnect(connectionId: string): Promise<void>
  scopeGeneration(connectionId: string): number
  /** Drops the connection's listing, samples, selected row, browse, details and publish result. */
  forgetScopeData(connectionId: string): void
}

export const createConnectionsSlice: SliceCreator<ConnectionsSlice> = (set, get, { api }) => {
  const profileName = (id: string): string => get().profiles.find((p) => p.id === id)?.name ?? id

  return {
    statuses: {},
    scopeGenerations: {},

    applyStatus: (status) => {
      const current = get().statuses[status.connectionId]
      // Events and call responses race; the newer `at` wins so a late "connecting" cannot hide "open".
      if (current && current.at > status.at) return
      const moved = current?.scope !== undefined && status.scope !== undefined && current.scope !== status.scope
      set((s) => ({ statuses: { ...s.statuses, [status.connectionId]: status } }))
      if (moved) get().forgetScopeData(status.connectionId)
    },

    loadConnections: async () => {
      try {
        const { connections } = await api().connectionList({})
        for (const status of connections) get().applyStatus(status)
      } catch (err) {
        get().reportError(err, 'List connections')
      }
    },

    connect: async (profileId, scope) => {
      try {
        const status = await api().connectionConnect(scope === undefined ? { profileId } : { profileId, scope })
        get().applyStatus(status)
        if (status.state === 'failed') {
          get().pushToast({ kind: 'error', title: `Connect to ${profileName(profileId)}`, message: status.reason ?? 'the connection failed' })
        }
      } catch (err) {
        get().reportError(err, `Connect to ${profileName(profileId)}`)
      }
    },

    disconnect: async (connectionId) => {
      try {
        get().applyStatus(await api().connectionDisconnect({ connectionId }))
      } catch (err) {
        get().reportError(err, `Disconnect ${profileName(connectionId)}`)
      }
    },

    scopeGeneration: (connectionId) => get().scopeGenerations[connectionId] ?? 0,

    forgetScopeData: (connectionId) =>
      set((s) => {
        const sources = { ...s.sources }
        delete sources[connectionId]
        const metrics = { ...s.metrics }
        delete metrics[connectionId]
        const selected = s.selectedProfileId === connectionId
        return {
          scopeGenerations: { ...s.scopeGenerations, [connectionId]: (s.scopeGenerations[connectionId] ?? 0) + 1 },
          sources,
          metrics,
          selectedSourceKey: selected ? null : s.selectedSourceKey,
          browse: s.browse?.connectionId === connectionId ? null : s.browse,
          topology: s.topology?.connectionId === connectionId ? null : s.topology,
          lastPublish: s.lastPublish?.connectionId === connectionId ? null : s.lastPublish,
        }
      }),
  }
}
