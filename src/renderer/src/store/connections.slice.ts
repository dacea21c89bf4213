import type { ConnectionStatus } from '../../../shared/model'
import type { SliceCreator } from './app.store'

export interface ConnectionsSlice {
  /** Latest status per connection; connectionId === profileId. */
  statuses: Record<string, ConnectionStatus>
  /** Feeds a `connection:status` event (or a call's response) in; stale ones are ignored. */
  applyStatus(status: ConnectionStatus): void
  loadConnections(): Promise<void>
  connect(profileId: string): Promise<void>
  disconnect(connectionId: string): Promise<void>
}

export const createConnectionsSlice: SliceCreator<ConnectionsSlice> = (set, get, { api }) => {
  const profileName = (id: string): string => get().profiles.find((p) => p.id === id)?.name ?? id

  return {
    statuses: {},

    applyStatus: (status) =>
      set((s) => {
        const current = s.statuses[status.connectionId]
        // Events and call responses race; the newer `at` wins so a late "connecting" cannot hide "open".
        if (current && current.at > status.at) return s
        return { statuses: { ...s.statuses, [status.connectionId]: status } }
      }),

    loadConnections: async () => {
      try {
        const { connections } = await api().connectionList({})
        for (const status of connections) get().applyStatus(status)
      } catch (err) {
        get().reportError(err, 'List connections')
      }
    },

    connect: async (profileId) => {
      try {
        const status = await api().connectionConnect({ profileId })
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
  }
}
