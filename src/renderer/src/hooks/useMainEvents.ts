import { useEffect } from 'react'
import { getApi } from '../ipc/client'
import { appStore } from '../store'

/**
 * The one subscription to the core's events (docs/coding.md "The renderer's store"): every event goes into a
 * store action, and the subscription ends with the component that holds it.
 */
export function useMainEvents(): void {
  useEffect(() => {
    const api = getApi()
    const unsubscribes = [
      api.onConnectionStatus((status) => appStore.getState().applyStatus(status)),
      api.onReplayProgress((progress) => appStore.getState().applyReplayProgress(progress)),
      api.onSourcesProgress((progress) => appStore.getState().applyDiscoveryProgress(progress)),
      api.onTailBatch((batch) => appStore.getState().applyTailBatch(batch)),
    ]
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe())
  }, [])
}
