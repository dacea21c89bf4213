import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import type { PeekRequest, PeekResult } from '../../../shared/messages'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { peekRefusalOf, selectBrowseFor, selectedMessageOf } from './messages.selectors'
import { parseStreamFrom } from './messages.slice'

const page = (ids: string[]): PeekResult => ({
  messages: ids.map((id) => ({ id, body: id, encoding: 'utf8', size: id.length, properties: {}, headers: {}, redelivered: true })),
  warnings: ['browsing set redelivered'],
})

describe('messages slice', () => {
  it('browses with the chosen count and keeps the page for that source only', async () => {
    const fake = createFakeApi({ messagesPeek: async () => page(['1', '2']) })
    const store = createAppStore({ api: () => fake.api })
    store.getState().setBrowseCount(10)
    await store.getState().browseMessages('p1', 'queue:orders')
    expect(fake.calls[0]!.request).toEqual({ connectionId: 'p1', source: 'queue:orders', count: 10 })
    expect(selectBrowseFor('p1', 'queue:orders')(store.getState())?.result?.messages).toHaveLength(2)
    expect(selectBrowseFor('p1', 'queue:payments')(store.getState())).toBeNull()
  })

  it('keeps the open message across a re-browse while it is still on the page', async () => {
    let ids = ['1', '2']
    const fake = createFakeApi({ messagesPeek: async () => page(ids) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().browseMessages('p1', 'queue:orders')
    store.getState().selectMessage('2')
    await store.getState().browseMessages('p1', 'queue:orders')
    expect(selectedMessageOf(store.getState().browse)?.id).toBe('2')
    ids = ['1']
    await store.getState().browseMessages('p1', 'queue:orders')
    expect(selectedMessageOf(store.getState().browse)).toBeNull()
  })

  it('keeps a delivery-limit refusal, and browses anyway with the risk accepted', async () => {
    const fake = createFakeApi({
      messagesPeek: async (request: PeekRequest) => {
        if (!request.acceptDeliveryLimitRisk) {
          throw new QsError('UNSUPPORTED', 'quorum queue "inv" has a delivery limit of 5', { reason: 'delivery-limit', requiresAcceptance: true })
        }
        return page(['1'])
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().browseMessages('p1', 'queue:inv')
    expect(peekRefusalOf(store.getState().browse!.error)).toEqual({ message: 'quorum queue "inv" has a delivery limit of 5', requiresAcceptance: true })
    await store.getState().browseMessages('p1', 'queue:inv', { acceptRisk: true })
    expect(fake.calls[1]!.request).toMatchObject({ acceptDeliveryLimitRisk: true })
    expect(store.getState().browse!.error).toBeNull()
    expect(store.getState().browse!.result?.messages).toHaveLength(1)
  })

  it('sends "from" for stream queues and refuses a bad offset without calling the core', async () => {
    const fake = createFakeApi({ messagesPeek: async () => page([]) })
    const store = createAppStore({ api: () => fake.api })
    store.getState().setStreamFrom({ type: 'offset', value: 'abc' })
    await store.getState().browseMessages('p1', 'queue:audit', { streamQueue: true })
    expect(fake.calls).toHaveLength(0)
    expect(store.getState().browse!.error?.message).toMatch(/offset/)
    store.getState().setStreamFrom({ type: 'offset', value: '42' })
    await store.getState().browseMessages('p1', 'queue:audit', { streamQueue: true })
    expect(fake.calls[0]!.request).toMatchObject({ from: { type: 'offset', value: 42 } })
  })

  it('parses the stream "From" form', () => {
    expect(parseStreamFrom({ type: 'first', value: 'ignored' })).toEqual({ type: 'first' })
    expect(parseStreamFrom({ type: 'timestamp', value: '1700000000000' })).toEqual({ type: 'timestamp', value: 1_700_000_000_000 })
    expect(parseStreamFrom({ type: 'timestamp', value: '2026-11-26T10:00:00Z' })).toEqual({ type: 'timestamp', value: Date.parse('2026-11-26T10:00:00Z') })
    expect(typeof parseStreamFrom({ type: 'timestamp', value: 'soon' })).toBe('string')
  })
})
