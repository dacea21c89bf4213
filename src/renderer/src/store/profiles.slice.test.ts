import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { selectProfiles, selectSelectedProfile } from './profiles.selectors'
import { profile, status } from './test-data'

describe('profiles slice', () => {
  it('loads profiles sorted by name and becomes ready', async () => {
    const fake = createFakeApi({ profilesList: async () => ({ profiles: [profile({ id: 'b', name: 'staging' }), profile({ id: 'a', name: 'Local' })] }) })
    const store = createAppStore({ api: () => fake.api })
    expect(store.getState().profilesLoad).toBe('loading')
    await store.getState().loadProfiles()
    expect(store.getState().profilesLoad).toBe('ready')
    expect(selectProfiles(store.getState()).map((p) => p.name)).toEqual(['Local', 'staging'])
  })

  it('marks the load failed and shows the reason', async () => {
    const fake = createFakeApi({ profilesList: async () => Promise.reject(new QsError('INTERNAL', 'profiles.json is not valid JSON')) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadProfiles()
    expect(store.getState().profilesLoad).toBe('error')
    expect(store.getState().toasts[0]?.message).toBe('profiles.json is not valid JSON')
  })

  it('selecting a profile selects it and connects it', async () => {
    const fake = createFakeApi({ connectionConnect: async () => status({ state: 'open', server: 'Redis 7.0.15' }) })
    const store = createAppStore({ api: () => fake.api })
    store.setState({ profiles: [profile()] })
    await store.getState().selectProfile('p1')
    expect(selectSelectedProfile(store.getState())?.id).toBe('p1')
    expect(fake.calls).toEqual([{ method: 'connectionConnect', request: { profileId: 'p1' } }])
  })

  it('selecting an open profile again does not reconnect it', async () => {
    const fake = createFakeApi({})
    const store = createAppStore({ api: () => fake.api })
    store.setState({ profiles: [profile()], statuses: { p1: status({ state: 'open' }) } })
    await store.getState().selectProfile('p1')
    expect(fake.calls).toEqual([])
  })

  it('save replaces the profile in the list; errors reach the caller', async () => {
    const fake = createFakeApi({
      profilesSave: async (input) => {
        if (input.url === 'nope') throw new QsError('BAD_URL', 'unsupported scheme "nope"')
        return profile({ id: 'p1', name: input.name, hasPassword: true })
      },
    })
    const store = createAppStore({ api: () => fake.api })
    store.setState({ profiles: [profile({ name: 'old' })] })
    await store.getState().saveProfile({ id: 'p1', name: 'new', broker: 'redis', url: 'redis://x' })
    expect(selectProfiles(store.getState()).map((p) => p.name)).toEqual(['new'])
    await expect(store.getState().saveProfile({ name: 'x', broker: 'redis', url: 'nope' })).rejects.toThrow('unsupported scheme')
  })

  it('delete disconnects first and forgets the selection', async () => {
    const fake = createFakeApi({
      connectionDisconnect: async () => status({ state: 'closed', at: 2000 }),
      profilesDelete: async () => ({ deleted: true }),
    })
    const store = createAppStore({ api: () => fake.api })
    store.setState({ profiles: [profile()], selectedProfileId: 'p1', statuses: { p1: status() } })
    await store.getState().deleteProfile('p1')
    expect(fake.calls.map((c) => c.method)).toEqual(['connectionDisconnect', 'profilesDelete'])
    expect(store.getState().profiles).toEqual([])
    expect(store.getState().selectedProfileId).toBeNull()
    expect(store.getState().statuses['p1']).toBeUndefined()
  })
})
