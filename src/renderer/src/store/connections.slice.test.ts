import { describe, expect, it } from 'vitest'
import { createAppStore } from './app.store'
import { describeStatus, isLive, selectStatus } from './connections.selectors'
import { createFakeApi } from './fake-api'
import { profile, status } from './test-data'

describe('connection status', () => {
  it('says the state in words for the status dot', () => {
    expect(describeStatus(null)).toBe('closed')
    expect(describeStatus(status({ state: 'open' }))).toBe('open')
    expect(describeStatus(status({ state: 'connecting' }))).toBe('connecting')
    expect(describeStatus(status({ state: 'reconnecting', attempt: 3 }))).toBe('reconnecting (attempt 3)')
    expect(describeStatus(status({ state: 'failed', reason: 'ACCESS_REFUSED' }))).toBe('failed: ACCESS_REFUSED')
    expect(isLive(status({ state: 'reconnecting', attempt: 1 }))).toBe(true)
    expect(isLive(status({ state: 'failed' }))).toBe(false)
  })

  it('ignores a status older than the one it has', () => {
    const store = createAppStore({ api: () => createFakeApi({}).api })
    store.getState().applyStatus(status({ state: 'open', at: 2000 }))
    store.getState().applyStatus(status({ state: 'connecting', at: 1000 }))
    expect(selectStatus('p1')(store.getState())?.state).toBe('open')
  })

  it('connects and toasts the broker reason when the connection fails', async () => {
    const fake = createFakeApi({
      connectionConnect: async () => status({ state: 'failed', reason: 'connect ECONNREFUSED 127.0.0.1:5673', at: 5 }),
    })
    const store = createAppStore({ api: () => fake.api })
    store.setState({ profiles: [profile()] })
    await store.getState().connect('p1')
    expect(selectStatus('p1')(store.getState())?.state).toBe('failed')
    expect(store.getState().toasts).toMatchObject([{ kind: 'error', title: 'Connect to Local Redis', message: 'connect ECONNREFUSED 127.0.0.1:5673' }])
  })

  it('opens another vhost or database only when asked to', async () => {
    const fake = createFakeApi({ connectionConnect: async () => status({ scope: 'billing', at: 5 }) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().connect('p1')
    await store.getState().connect('p1', 'billing')
    expect(fake.calls.map((c) => c.request)).toEqual([{ profileId: 'p1' }, { profileId: 'p1', scope: 'billing' }])
  })
})
