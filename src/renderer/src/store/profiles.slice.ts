import type { ProfileInput, ProfileView } from '../../../shared/model'
import { toQsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'

export type LoadState = 'loading' | 'ready' | 'error'

export interface ProfilesSlice {
  profiles: ProfileView[]
  /** The first `profiles:list` drives the readiness marker e2e tests wait on. */
  profilesLoad: LoadState
  profilesError: string | null
  selectedProfileId: string | null
  loadProfiles(): Promise<void>
  /** Throws the core's error so the dialog can show it beside the fields. */
  saveProfile(input: ProfileInput): Promise<ProfileView>
  deleteProfile(id: string): Promise<void>
  /** Selects the profile and opens its connection (connectionId === profileId). */
  selectProfile(id: string): Promise<void>
  /** Tests a saved profile and reports the outcome as a toast. */
  testProfile(id: string): Promise<void>
}

function byName(a: ProfileView, b: ProfileView): number {
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true })
}

export const createProfilesSlice: SliceCreator<ProfilesSlice> = (set, get, { api }) => ({
  profiles: [],
  profilesLoad: 'loading',
  profilesError: null,
  selectedProfileId: null,

  loadProfiles: async () => {
    try {
      const { profiles } = await api().profilesList({})
      set({ profiles: [...profiles].sort(byName), profilesLoad: 'ready', profilesError: null })
    } catch (err) {
      const { message } = toQsErrorShape(err)
      set({ profilesLoad: 'error', profilesError: message })
      get().reportError(err, 'Load profiles')
    }
  },

  saveProfile: async (input) => {
    const saved = await api().profilesSave(input)
    set((s) => ({ profiles: [...s.profiles.filter((p) => p.id !== saved.id), saved].sort(byName) }))
    return saved
  },

  deleteProfile: async (id) => {
    const name = get().profiles.find((p) => p.id === id)?.name ?? id
    try {
      const status = get().statuses[id]
      if (status && status.state !== 'closed') await api().connectionDisconnect({ connectionId: id })
      await api().profilesDelete({ id })
    } catch (err) {
      get().reportError(err, `Delete ${name}`)
      return
    }
    set((s) => {
      const statuses = { ...s.statuses }
      delete statuses[id]
      const sources = { ...s.sources }
      delete sources[id]
      const overviews = { ...s.overviews }
      delete overviews[id]
      const selected = s.selectedProfileId === id
      return {
        profiles: s.profiles.filter((p) => p.id !== id),
        statuses,
        sources,
        overviews,
        selectedProfileId: selected ? null : s.selectedProfileId,
        selectedSourceKey: selected ? null : s.selectedSourceKey,
      }
    })
  },

  selectProfile: async (id) => {
    if (get().selectedProfileId !== id) set({ selectedProfileId: id, selectedSourceKey: null })
    const state = get().statuses[id]?.state
    // Already open or on its way: selecting again must not tear the connection down.
    if (state === 'open' || state === 'connecting' || state === 'reconnecting') return
    await get().connect(id)
  },

  testProfile: async (id) => {
    const name = get().profiles.find((p) => p.id === id)?.name ?? id
    try {
      const result = await api().profilesTest({ id })
      if (result.ok) {
        const latency = result.latencyMs === undefined ? '' : ` in ${Math.round(result.latencyMs)} ms`
        const warnings = result.warnings.length ? ` — ${result.warnings.join('; ')}` : ''
        get().pushToast({ kind: 'info', title: `Test ${name}`, message: `${result.server ?? 'reachable'}${latency}${warnings}` })
      } else {
        get().pushToast({
          kind: 'error',
          title: `Test ${name}`,
          message: result.error?.message ?? 'the broker refused the connection',
          ...(result.error ? { code: result.error.code } : {}),
        })
      }
    } catch (err) {
      get().reportError(err, `Test ${name}`)
    }
  },
})
