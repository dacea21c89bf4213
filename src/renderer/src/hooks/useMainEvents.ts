import { useEffect } from 'react'
import { getApi } from '../ipc/client'
import { appStore } from '../store'

/**
 * The one subscription to the core's events (STYLE.md "From LobeChat"): every event goes into a
 * store action, and the subscription ends with the component that holds it.
 */
export function useMainEvents(): void {
  useEffect(() => {
    const unsubscribe = getApi().onConnectionStatus((status) => appStore.getState().applyStatus(status))
    return unsubscribe
  }, [])
}
