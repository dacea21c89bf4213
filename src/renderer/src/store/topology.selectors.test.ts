import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import type { SourceDetails } from '../../../shared/topology'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { ackMode, exchangeName, maxLengthOf, selectTopologyFor, settingOrigin } from './topology.selectors'

const details = (name: string): SourceDetails => ({
  kind: 'queue',
  name,
  queueType: 'classic',
  state: 'running',
  node: 'rabbit@local',
  durable: true,
  autoDelete: false,
  exclusive: false,
  policy: null,
  settings: [{ key: 'x-max-length', label: 'Max length', value: '1,000 messages', from: 'policy' }],
  consumers: [],
  bindings: [],
})

describe('topology', () => {
  it("says where a setting comes from only when it is not the queue's own argument", () => {
    expect(settingOrigin({ key: 'x-message-ttl', label: 'Message TTL', value: '1 min', from: 'argument' })).toBeNull()
    expect(settingOrigin({ key: 'message-ttl', label: 'Message TTL', value: '1 min', from: 'policy' })).toBe('policy')
    expect(settingOrigin({ key: 'message-ttl', label: 'Message TTL', value: '1 min', from: 'operator-policy' })).toBe('operator policy')
  })

  it('names ack modes, the default exchange and the max length in words', () => {
    expect([ackMode(true), ackMode(false), ackMode(null)]).toEqual(['manual ack', 'auto ack', '—'])
    expect(exchangeName('')).toBe('(default exchange)')
    expect(maxLengthOf([{ key: 'max-length', label: 'Max length', value: '1,000 messages', from: 'policy' }])).toBe(1000)
    expect(maxLengthOf([])).toBeNull()
  })

  it('loads the details of one source, and forgets an answer for a source no longer asked', async () => {
    let release!: () => void
    const fake = createFakeApi({
      sourcesDetails: (req) => {
        const { source } = req as { source: string }
        const name = source.slice('queue:'.length)
        if (name === 'slow') return new Promise<SourceDetails>((r) => (release = () => r(details(name))))
        return Promise.resolve(details(name))
      },
    })
    const store = createAppStore({ api: () => fake.api })
    const slow = store.getState().loadSourceDetails('p1', 'queue:slow')
    await store.getState().loadSourceDetails('p1', 'queue:orders')
    release()
    await slow
    expect(selectTopologyFor('p1', 'queue:orders')(store.getState())?.details?.name).toBe('orders')
    expect(selectTopologyFor('p1', 'queue:slow')(store.getState())).toBeNull()
  })

  it('keeps the last answer and says why when a reload fails', async () => {
    let fail = false
    const fake = createFakeApi({
      sourcesDetails: async () => {
        if (fail) throw new QsError('NOT_FOUND', 'queue "orders" not found')
        return details('orders')
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadSourceDetails('p1', 'queue:orders')
    fail = true
    await store.getState().loadSourceDetails('p1', 'queue:orders')
    const entry = selectTopologyFor('p1', 'queue:orders')(store.getState())!
    expect(entry.details?.name).toBe('orders')
    expect(entry.error?.code).toBe('NOT_FOUND')
  })
})
