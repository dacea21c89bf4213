import type { ProfileView } from '../../../shared/model'
import type { AppState } from './app.store'
import type { LoadState } from './profiles.slice'

export const selectProfiles = (state: AppState): ProfileView[] => state.profiles
export const selectProfilesLoad = (state: AppState): LoadState => state.profilesLoad
export const selectSelectedProfileId = (state: AppState): string | null => state.selectedProfileId

export const selectSelectedProfile = (state: AppState): ProfileView | null =>
  state.selectedProfileId === null ? null : (state.profiles.find((p) => p.id === state.selectedProfileId) ?? null)

export const selectProfileById =
  (id: string | null) =>
  (state: AppState): ProfileView | null =>
    id === null ? null : (state.profiles.find((p) => p.id === id) ?? null)
