import { describe, expect, it } from 'vitest'
import type { BrokerOverview } from '../../../shared/broker-overview'
import type { MetricsHistory } from '../../../shared/metrics'
import { QsError } from '../../../shared/errors'
import { createAppStore } from './app.store'
import { selectOverview, selectSwitchingScope } from './broker.selectors'
import { createFakeApi } from './fake-api'
import { selectSelectedSource, selectSourceItems } from './sources.selectors'
import type { SourcesListing } from './sources.slice'
import { profile, queue, status } from './test-data'

const listing = (scope: string, names: string[]): SourcesListing => ({
  items: names.map((n) => queue(n)),
  warnings: [],
  scope,
  listedAt: 1,
  broker: 'rabbitmq',
})

const overview = (scope: string, connections: number | null = 2): BrokerOverview => ({
  scope,
  scopeKind: 'vhost',
  scopes: [
    { name: '/', items: 10 },
    { name: 'billing', items: null },
  ],
  counts: { connections, channels: 3, consumers: null, scope: `vhost ${scope}` },
  warnings: [],
})

const history: MetricsHistory = {
  series: { 'queue:orders': [{ at: 1, ready: 1, unacked: 0, consumers: 0, consumerCapacity: 0.5, publishRate: null, deliverRate: null, ackRate: null }] },
  intervalMs: 5000,
}

/** A store with `/` open, its listing, samples and the orders row selected. */
async function openOnDefaultVhost(handlers: Parameters<typeof createFakeApi>[0]) {
  const fake = createFakeApi({
    sourcesList: async () => listing('/', ['orders']),
    metricsHistory: async () => history,
    brokerOverview: async () => overview('/'),
    ...handlers,
  })
  const store = createAppStore({ api: () => fake.api })
  store.setState({ profiles: [profile({ broker: 'rabbitmq', name: 'Local RabbitMQ' })], selectedProfileId: 'p1' })
  store.getState().applyStatus(status({ scope: '/', at: 1 }))
  await store.getState().refreshSources('p1')
  await store.getState().refreshMetrics('p1')
  await store.getState().refreshOverview('p1')
  store.getState().selectSource('queue:orders')
  return { fake, store }
}

describe('broker overview', () => {
  it('keeps the overview per connection, and an error without losing the last answer', async () => {
    let fail = false
    const { store } = await openOnDefaultVhost({
      brokerOverview: async () => {
        if (fail) throw new QsError('NOT_CONNECTED', 'connection "p1" is reconnecting')
        return overview('/')
      },
    })
    expect(selectOverview('p1')(store.getState())?.counts.connections).toBe(2)
    fail = true
    await store.getState().refreshOverview('p1')
    expect(store.getState().overviews['p1']).toMatchObject({ overview: { scope: '/' }, loading: false, error: { code: 'NOT_CONNECTED' } })
  })
})

describe('switching vhost', () => {
  it('re-opens the connection on the chosen vhost and drops everything of the old one at once', async () => {
    let release!: () => void
    const { fake, store } = await openOnDefaultVhost({
      connectionConnect: () => new Promise((resolve) => (release = () => resolve(status({ scope: 'billing', at: 3 })))),
    })
    store.setState({ browse: { connectionId: 'p1', source: 'queue:orders', loading: false, result: null, error: null, selectedMessageId: null } })

    const switching = store.getState().switchScope('p1', 'billing')
    // While the connection re-opens, nothing of `/` shows under the new vhost's name.
    expect(selectSwitchingScope('p1')(store.getState())).toBe('billing')
    expect(selectSourceItems('p1')(store.getState())).toEqual([])
    expect(store.getState().metrics['p1']).toBeUndefined()
    expect(selectSelectedSource(store.getState())).toBeNull()
    expect(store.getState().browse).toBeNull()
    // The vhost list stays: it is the broker's, and the picker needs it if the switch fails.
    expect(selectOverview('p1')(store.getState())?.scopes).toHaveLength(2)

    release()
    await switching
    expect(fake.calls.find((c) => c.method === 'connectionConnect')?.request).toEqual({ profileId: 'p1', scope: 'billing' })
    expect(store.getState().statuses['p1']?.scope).toBe('billing')
    expect(selectSwitchingScope('p1')(store.getState())).toBeNull()
  })

  it('drops a listing, samples and overview of the old vhost that arrive after the switch', async () => {
    const pending: (() => void)[] = []
    const late = <T>(value: T) => new Promise<T>((resolve) => pending.push(() => resolve(value)))
    const fake = createFakeApi({
      sourcesList: () => late(listing('/', ['orders'])),
      metricsHistory: () => late(history),
      brokerOverview: () => late(overview('/')),
      connectionConnect: async () => status({ scope: 'billing', at: 3 }),
    })
    const store = createAppStore({ api: () => fake.api })
    store.setState({ profiles: [profile({ broker: 'rabbitmq' })], selectedProfileId: 'p1' })
    store.getState().applyStatus(status({ scope: '/', at: 1 }))
    const inFlight = [store.getState().refreshSources('p1'), store.getState().refreshMetrics('p1'), store.getState().refreshOverview('p1')]

    await store.getState().switchScope('p1', 'billing')
    pending.forEach((resolve) => resolve())
    await Promise.all(inFlight)

    expect(store.getState().sources['p1']).toBeUndefined()
    expect(store.getState().metrics['p1']).toBeUndefined()
    expect(selectOverview('p1')(store.getState())).toBeNull()
    // Nothing left "loading" either: the next refresh on the new vhost is not blocked.
    expect(store.getState().overviews['p1']?.loading).toBe(false)
  })

  it('forgets the old vhost when a status says the connection moved (another window switched it)', async () => {
    const { store } = await openOnDefaultVhost({})
    store.getState().applyStatus(status({ scope: '/', state: 'closed', at: 2 }))
    expect(selectSourceItems('p1')(store.getState())).toHaveLength(1)
    store.getState().applyStatus(status({ scope: 'billing', state: 'connecting', at: 3 }))
    expect(selectSourceItems('p1')(store.getState())).toEqual([])
    expect(store.getState().selectedSourceKey).toBeNull()
  })

  it('does not re-open the vhost that is already open', async () => {
    const { fake, store } = await openOnDefaultVhost({})
    await store.getState().switchScope('p1', '/')
    expect(fake.calls.some((c) => c.method === 'connectionConnect')).toBe(false)
    expect(selectSourceItems('p1')(store.getState())).toHaveLength(1)
  })

  it('keeps the picker usable when the new vhost refuses the connection', async () => {
    const { store } = await openOnDefaultVhost({
      connectionConnect: async () => status({ scope: 'billing', state: 'failed', reason: 'ACCESS_REFUSED', at: 3 }),
    })
    await store.getState().switchScope('p1', 'billing')
    expect(store.getState().statuses['p1']).toMatchObject({ state: 'failed', scope: 'billing' })
    expect(selectOverview('p1')(store.getState())?.scopes.map((s) => s.name)).toEqual(['/', 'billing'])
    expect(store.getState().toasts).toMatchObject([{ kind: 'error', title: 'Connect to Local RabbitMQ', message: 'ACCESS_REFUSED' }])
  })
})
