import { describe, expect, it } from 'vitest'
import type { SourceSample } from '../../../shared/metrics'
import type { SourceItem } from '../../../shared/model'
import { capacityOf, deadLetterOf, hasGroupTrouble, hasIdleBacklog, kindLabel, sortsBySamples, sourceKey, streamLag, visibleSources } from './sources.selectors'
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

  it('sorts by consumer capacity with queues that report none, and other kinds, at the bottom', () => {
    const queues: SourceItem[] = [
      queue('slow', { consumerCapacity: 0.4 }),
      queue('idle', { consumerCapacity: null }),
      queue('fast', { consumerCapacity: 1 }),
      { kind: 'list', name: 'jobs', messages: 7, consumers: null },
      queue('half', { consumerCapacity: 0.5 }),
    ]
    expect(names(visibleSources(queues, '', { column: 'capacity', direction: 'asc' }))).toEqual(['slow', 'half', 'fast', 'idle', 'jobs'])
    expect(names(visibleSources(queues, '', { column: 'capacity', direction: 'desc' }))).toEqual(['fast', 'half', 'slow', 'idle', 'jobs'])
  })

  it('sorts by the latest rates and by the trend from the samples, without samples at the bottom', () => {
    const sample = (at: number, ready: number, publishRate: number | null, ackRate: number | null): SourceSample => ({
      at,
      ready,
      unacked: 0,
      consumers: 1,
      consumerCapacity: null,
      publishRate,
      deliverRate: null,
      ackRate,
    })
    const queues = [queue('growing'), queue('draining'), queue('steady'), queue('unsampled')]
    const series = {
      'queue:growing': [sample(0, 10, 1, 1), sample(5000, 20, 9, 1)],
      'queue:draining': [sample(0, 50, 0, 0), sample(5000, 40, 2, 6)],
      'queue:steady': [sample(0, 5, 3, 3), sample(5000, 5, 3, 3)],
    }
    expect(sortsBySamples('trend')).toBe(true)
    expect(sortsBySamples('ready')).toBe(false)
    expect(names(visibleSources(queues, '', { column: 'publishRate', direction: 'desc' }, series))).toEqual(['growing', 'steady', 'draining', 'unsampled'])
    expect(names(visibleSources(queues, '', { column: 'ackRate', direction: 'asc' }, series))).toEqual(['growing', 'steady', 'draining', 'unsampled'])
    // Net rate over the last minute: growing fastest first, draining fastest last.
    expect(names(visibleSources(queues, '', { column: 'trend', direction: 'desc' }, series))).toEqual(['growing', 'steady', 'draining', 'unsampled'])
    expect(names(visibleSources(queues, '', { column: 'trend', direction: 'asc' }, series))).toEqual(['draining', 'steady', 'growing', 'unsampled'])
    // No samples handed in: every row is "—", so the name decides.
    expect(names(visibleSources(queues, '', { column: 'trend', direction: 'desc' }))).toEqual(['draining', 'growing', 'steady', 'unsampled'])
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
    expect(kindLabel({ kind: 'exchange', name: 'amq.topic', exchangeType: 'topic', durable: true, internal: false, messages: null, consumers: null })).toBe(
      'topic',
    )
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

  it('reads consumer capacity of queues only', () => {
    expect(capacityOf(queue('q', { consumerCapacity: 0.87 }))).toBe(0.87)
    expect(capacityOf(stream('s', []))).toBeNull()
  })

  it('says the dead-letter target, naming the default exchange', () => {
    expect(deadLetterOf(queue('q', { deadLetterExchange: 'dlx', deadLetterRoutingKey: 'orders.dead' }))).toBe('dlx → orders.dead')
    expect(deadLetterOf(queue('q', { deadLetterExchange: '', deadLetterRoutingKey: 'orders.dlq' }))).toBe('(default exchange) → orders.dlq')
    expect(deadLetterOf(queue('q'))).toBeNull()
  })
})
