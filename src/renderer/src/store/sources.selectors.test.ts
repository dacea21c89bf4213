import { describe, expect, it } from 'vitest'
import type { SourceItem } from '../../../shared/model'
import { deadLetterOf, hasGroupTrouble, hasIdleBacklog, kindLabel, sourceKey, streamLag, visibleSources } from './sources.selectors'
import { queue, stream } from './test-data'

const names = (items: SourceItem[]) => items.map((i) => i.name)

describe('visibleSources', () => {
  const items: SourceItem[] = [
    queue('orders', { messages: 42 }),
    queue('Orders.DLQ', { messages: 3 }),
    queue('payments', { messages: null }),
    { kind: 'list', name: 'jobs', messages: 7, consumers: null },
  ]

  it('keeps names containing the filter, whatever the case', () => {
    expect(names(visibleSources(items, 'ORDERS', { column: 'name', direction: 'asc' }))).toEqual(['orders', 'Orders.DLQ'])
  })

  it('sorts numbers largest first and keeps unknown counts at the bottom in both directions', () => {
    expect(names(visibleSources(items, '', { column: 'messages', direction: 'desc' }))).toEqual(['orders', 'jobs', 'Orders.DLQ', 'payments'])
    expect(names(visibleSources(items, '', { column: 'messages', direction: 'asc' }))).toEqual(['Orders.DLQ', 'jobs', 'orders', 'payments'])
  })

  it('does not reorder the listing it was given', () => {
    const before = names(items)
    visibleSources(items, '', { column: 'messages', direction: 'desc' })
    expect(names(items)).toEqual(before)
  })

  it('puts streams whose lag cannot be known above every known lag', () => {
    const streams = [stream('a', [1]), stream('b', [null]), stream('c', [9])]
    expect(names(visibleSources(streams, '', { column: 'groups', direction: 'desc' }))).toEqual(['b', 'c', 'a'])
  })
})

describe('row facts', () => {
  it('names a source <kind>:<name>, keeping colons in the name', () => {
    expect(sourceKey(stream('orders:events', []))).toBe('stream:orders:events')
  })

  it('badges queues by queue type and exchanges by exchange type', () => {
    expect(kindLabel(queue('q', { queueType: 'quorum' }))).toBe('quorum')
    expect(kindLabel({ kind: 'exchange', name: 'amq.topic', exchangeType: 'topic', durable: true, internal: false, messages: null, consumers: null })).toBe('topic')
    expect(kindLabel(stream('s', []))).toBe('stream')
  })

  it('reports the worst known lag and whether some lag is unknown', () => {
    expect(streamLag(stream('s', [2, 5, 0]))).toEqual({ groups: 3, maxLag: 5, unknown: false })
    expect(streamLag(stream('s', [null, 1]))).toEqual({ groups: 2, maxLag: 1, unknown: true })
  })

  it('marks a backlog nobody consumes, and groups that are behind or unknown', () => {
    expect(hasIdleBacklog(queue('q', { messages: 5, consumers: 0 }))).toBe(true)
    expect(hasIdleBacklog(queue('q', { messages: 5, consumers: 1 }))).toBe(false)
    expect(hasIdleBacklog(queue('q', { messages: 5, consumers: 0, queueType: 'stream' }))).toBe(false)
    expect(hasIdleBacklog(queue('q', { messages: 0, consumers: 0 }))).toBe(false)
    expect(hasGroupTrouble(stream('s', [0, 0]))).toBe(false)
    expect(hasGroupTrouble(stream('s', [0, 3]))).toBe(true)
    expect(hasGroupTrouble(stream('s', [null]))).toBe(true)
  })

  it('says the dead-letter target, naming the default exchange', () => {
    expect(deadLetterOf(queue('q', { deadLetterExchange: 'dlx', deadLetterRoutingKey: 'orders.dead' }))).toBe('dlx → orders.dead')
    expect(deadLetterOf(queue('q', { deadLetterExchange: '', deadLetterRoutingKey: 'orders.dlq' }))).toBe('(default exchange) → orders.dlq')
    expect(deadLetterOf(queue('q'))).toBeNull()
  })
})
