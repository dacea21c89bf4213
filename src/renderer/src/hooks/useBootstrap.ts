import { useEffect } from 'react'
import { appStore, useApp } from '../store'
import { selectProfilesLoad } from '../store/profiles.selectors'

/**
 * Loads what the first screen needs and sets the readiness marker e2e tests wait on
 * (`html[data-app-state="ready"]`, docs/ui.md "For tests"): 'error' when the profiles cannot load.
 */
export function useBootstrap(): void {
  const load = useApp(selectProfilesLoad)

  useEffect(() => {
    const { loadProfiles, loadConnections, loadAppInfo } = appStore.getState()
    void loadAppInfo()
    // Statuses first, so a reload in web mode shows connections that are already open.
    void loadConnections().then(loadProfiles)
  }, [])

  useEffect(() => {
    document.documentElement.dataset['appState'] = load
  }, [load])
}
