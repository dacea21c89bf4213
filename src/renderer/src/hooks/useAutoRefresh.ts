import { useEffect } from 'react'
import type { ConnectionState } from '../../../shared/model'
import { appStore } from '../store'

export const REFRESH_INTERVAL_MS = 5_000
/**
 * The broker overview (vhosts with their message counts, connection / channel / consumer counts)
 * costs RabbitMQ four management requests and changes slowly: every sixth refresh, about 30 s.
 * Also at the second refresh after opening (10 s): the management API's counts lag by a
 * statistics interval (5 s by default), so the first answer usually misses our own connection.
 */
export const OVERVIEW_EVERY = 6
const OVERVIEW_CATCH_UP_TICK = 2

/**
 * While the connection is open: list its sources, fetch what is new in its metrics history and
 * read the broker overview now (also on every return to open, which includes a switch of vhost or
 * database); then sources and metrics every 5 s, the core's sampling interval, and the overview
 * every 30 s.
 */
export function useAutoRefresh(connectionId: string | null, state: ConnectionState, scope?: string): void {
  useEffect(() => {
    if (connectionId === null || state !== 'open') return
    let tick = 0
    const refresh = () => {
      const { refreshSources, refreshMetrics, refreshOverview } = appStore.getState()
      void refreshSources(connectionId)
      void refreshMetrics(connectionId)
      if (tick % OVERVIEW_EVERY === 0 || tick === OVERVIEW_CATCH_UP_TICK) void refreshOverview(connectionId)
      tick++
    }
    refresh()
    const timer = setInterval(refresh, REFRESH_INTERVAL_MS)
    return () => clearInterval(timer)
    // `scope`: a switch of vhost starts over even if its closed / connecting statuses were batched away.
  }, [connectionId, state, scope])
}
