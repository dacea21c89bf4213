import { useEffect } from 'react'
import type { ConnectionState } from '../../../shared/model'
import { appStore } from '../store'

export const REFRESH_INTERVAL_MS = 5_000

/**
 * While the connection is open: list its sources and fetch what is new in its metrics history now
 * (also on every return to open) and every 5 s, the core's sampling interval.
 */
export function useAutoRefresh(connectionId: string | null, state: ConnectionState): void {
  useEffect(() => {
    if (connectionId === null || state !== 'open') return
    const refresh = () => {
      const { refreshSources, refreshMetrics } = appStore.getState()
      void refreshSources(connectionId)
      void refreshMetrics(connectionId)
    }
    refresh()
    const timer = setInterval(refresh, REFRESH_INTERVAL_MS)
    return () => clearInterval(timer)
  }, [connectionId, state])
}
