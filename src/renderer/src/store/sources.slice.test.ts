import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import type { SourcesListing } from './sources.slice'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { selectSelectedSource, selectSourceItems } from './sources.selectors'
import { queue } from './test-data'

const listing = (names: string[]): SourcesListing => ({ items: names.map((n) => queue(n)), warnings: [], scope: '/', listedAt: 1, broker: 'rabbitmq' })

describe('sources slice', () => {
  it('stores the listing per connection', async () => {
    const fake = createFakeApi({ sourcesList: async () => listing(['orders']) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().refreshSources('p1')
    expect(selectSourceItems('p1')(store.getState()).map((i) => i.name)).toEqual(['orders'])
    expect(selectSourceItems('p2')(store.getState())).toEqual([])
  })

  it('keeps the last listing when a refresh fails, and says why', async () => {
    let fail = false
    const fake = createFakeApi({
      sourcesList: async () => {
        if (fail) throw new QsError('NOT_CONNECTED', 'connection "p1" is not open; connect first')
        return listing(['orders'])
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().refreshSources('p1')
    fail = true
    await store.getState().refreshSources('p1')
    const entry = store.getState().sources['p1']!
    expect(entry.listing?.items).toHaveLength(1)
    expect(entry.error).toEqual({ code: 'NOT_CONNECTED', message: 'connection "p1" is not open; connect first' })
  })

  it('does not start a second listing while one runs', async () => {
    let release!: () => void
    const fake = createFakeApi({ sourcesList: () => new Promise<SourcesListing>((r) => (release = () => r(listing([])))) })
    const store = createAppStore({ api: () => fake.api })
    const first = store.getState().refreshSources('p1')
    await store.getState().refreshSources('p1')
    release()
    await first
    expect(fake.calls.filter((c) => c.method === 'sourcesList')).toHaveLength(1)
  })

  it('flips the direction on the same column and starts numbers largest first', () => {
    const store = createAppStore({ api: () => createFakeApi({}).api })
    store.getState().toggleSort('name')
    expect(store.getState().sort).toEqual({ column: 'name', direction: 'desc' })
    store.getState().toggleSort('messages')
    expect(store.getState().sort).toEqual({ column: 'messages', direction: 'desc' })
    store.getState().toggleSort('messages')
    expect(store.getState().sort).toEqual({ column: 'messages', direction: 'asc' })
  })

  it('finds the selected row in the selected connection, and forgets it when it goes away', async () => {
    let names = ['orders', 'payments']
    const fake = createFakeApi({ sourcesList: async () => listing(names) })
    const store = createAppStore({ api: () => fake.api })
    store.setState({ selectedProfileId: 'p1' })
    await store.getState().refreshSources('p1')
    store.getState().selectSource('queue:payments')
    expect(selectSelectedSource(store.getState())?.name).toBe('payments')
    names = ['orders']
    await store.getState().refreshSources('p1')
    expect(selectSelectedSource(store.getState())).toBeNull()
  })
})
