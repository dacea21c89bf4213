import { describe, expect, it, vi } from 'vitest'
import { QsError } from '../../../shared/errors'
import { appendPage, type SourcesListing } from './sources.slice'
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

  describe('progressive listing (RabbitMQ pages)', () => {
    const names = (from: number, count: number) => Array.from({ length: count }, (_, i) => `q${String(from + i).padStart(4, '0')}`)
    /** 1,200 queues in pages of 500; page 1 also brings the exchanges. */
    function paged(total: number) {
      const all = names(0, total)
      const pageCount = Math.ceil(total / 500)
      return (req: unknown): SourcesListing => {
        const { page = 1, pageSize = 500 } = req as { page?: number; pageSize?: number }
        const items = all.slice((page - 1) * pageSize, page * pageSize).map((n) => queue(n))
        if (page === 1)
          items.push({ kind: 'exchange', name: 'amq.direct', exchangeType: 'direct', durable: true, internal: false, messages: null, consumers: null })
        return { items, warnings: [], scope: '/', listedAt: page, broker: 'rabbitmq', paging: { page, pageCount, pageSize, total } }
      }
    }

    it('asks for page 1 first, shows it with how many are loaded, then appends the rest', async () => {
      const answer = paged(1200)
      const gates: (() => void)[] = []
      const fake = createFakeApi({
        sourcesList: (req) => {
          const page = (req as { page: number }).page
          if (page === 1) return Promise.resolve(answer(req))
          return new Promise<SourcesListing>((r) => gates.push(() => r(answer(req))))
        },
      })
      const store = createAppStore({ api: () => fake.api })
      const done = store.getState().refreshSources('p1')
      await vi.waitFor(() => expect(gates).toHaveLength(1))
      expect(fake.calls[0]!.request).toEqual({ connectionId: 'p1', page: 1, pageSize: 500 })
      expect(store.getState().sources['p1']!.partial).toEqual({ loaded: 500, total: 1200 })
      expect(selectSourceItems('p1')(store.getState())).toHaveLength(501)
      gates.shift()!()
      await vi.waitFor(() => expect(gates).toHaveLength(1))
      expect(store.getState().sources['p1']!.partial).toEqual({ loaded: 1000, total: 1200 })
      gates.shift()!()
      await done
      expect(store.getState().sources['p1']!.partial).toBeNull()
      expect(selectSourceItems('p1')(store.getState()).filter((i) => i.kind === 'queue')).toHaveLength(1200)
    })

    it('keeps showing the complete listing during a later refresh, and replaces it when the new one is whole', async () => {
      let total = 1200
      let hold = false
      const gates: (() => void)[] = []
      const fake = createFakeApi({
        sourcesList: (req) => {
          const answer = paged(total)(req)
          if (hold && (req as { page: number }).page > 1) return new Promise<SourcesListing>((r) => gates.push(() => r(answer)))
          return Promise.resolve(answer)
        },
      })
      const store = createAppStore({ api: () => fake.api })
      await store.getState().refreshSources('p1')
      total = 1300
      hold = true
      const refresh = store.getState().refreshSources('p1')
      await vi.waitFor(() => expect(gates).toHaveLength(1))
      // Not flicked back to page 1.
      expect(selectSourceItems('p1')(store.getState()).filter((i) => i.kind === 'queue')).toHaveLength(1200)
      expect(store.getState().sources['p1']!.partial).toBeNull()
      gates.shift()!()
      await vi.waitFor(() => expect(gates).toHaveLength(1))
      gates.shift()!()
      await refresh
      expect(selectSourceItems('p1')(store.getState()).filter((i) => i.kind === 'queue')).toHaveLength(1300)
    })

    it('keeps a queue once when it moves between pages while they are read', () => {
      const first: SourcesListing = { ...listing(['a', 'b']), paging: { page: 1, pageCount: 2, pageSize: 2, total: 3 } }
      const second: SourcesListing = { ...listing(['b', 'c']), paging: { page: 2, pageCount: 2, pageSize: 2, total: 3 } }
      expect(appendPage(first, second).items.map((i) => i.name)).toEqual(['a', 'b', 'c'])
    })
  })
})
