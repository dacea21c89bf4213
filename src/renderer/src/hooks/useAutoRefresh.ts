import { useEffect } from 'react'
import type { ConnectionState } from '../../../shared/model'
import { appStore } from '../store'

export const REFRESH_INTERVAL_MS = 5_000

/** While the connection is open: list its sources now (also on every return to open) and every 5 s. */
export function useAutoRefresh(connectionId: string | null, state: ConnectionState): void {
  useEffect(() => {
    if (connectionId === null || state !== 'open') return
    const refresh = () => void appStore.getState().refreshSources(connectionId)
    refresh()
    const timer = setInterval(refresh, REFRESH_INTERVAL_MS)
    return () => clearInterval(timer)
  }, [connectionId, state])
}
