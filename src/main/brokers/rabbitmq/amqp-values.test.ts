import { describe, expect, it } from 'vitest'
import { amqpTimestampMs, decodeXDeath, toHeaders, toMessageProperties } from './amqp-values'

describe('decodeXDeath', () => {
  it('decodes the broker entries, newest first, with the AMQP timestamp as epoch ms', () => {
    const raw = [
      { count: 2, reason: 'expired', queue: 'orders.retry', time: { '!': 'timestamp', value: 1_700_000_100 }, exchange: 'retry', 'routing-keys': ['orders'] },
      { count: 1, reason: 'rejected', queue: 'orders', time: { '!': 'timestamp', value: 1_700_000_000 }, exchange: '', 'routing-keys': ['orders', 'cc'] },
    ]
    expect(decodeXDeath(raw)).toEqual([
      { reason: 'expired', count: 2, queue: 'orders.retry', exchange: 'retry', routingKeys: ['orders'], time: 1_700_000_100_000 },
      { reason: 'rejected', count: 1, queue: 'orders', exchange: '', routingKeys: ['orders', 'cc'], time: 1_700_000_000_000 },
    ])
  })

  it('tolerates byte-string fields, missing fields and junk entries', () => {
    expect(decodeXDeath([{ reason: Buffer.from('maxlen'), queue: 'q' }, 'junk', null, [1]])).toEqual([
      { reason: 'maxlen', count: 0, queue: 'q', exchange: '', routingKeys: [], time: null },
    ])
  })

  it('is undefined when there is no x-death list', () => {
    expect(decodeXDeath(undefined)).toBeUndefined()
    expect(decodeXDeath('rejected')).toBeUndefined()
  })
})

describe('amqp values', () => {
  it('timestamps: trapdoor objects and bare seconds', () => {
    expect(amqpTimestampMs({ '!': 'timestamp', value: 2 })).toBe(2000)
    expect(amqpTimestampMs(3)).toBe(3000)
    expect(amqpTimestampMs('x')).toBeNull()
  })

  it('headers become JSON: byte arrays as text or base64, typed values kept, bigints as numbers', () => {
    expect(
      toHeaders({
        s: 'a',
        b: Buffer.from('text'),
        bin: Buffer.from([0xff]),
        t: { '!': 'timestamp', value: 5 },
        big: BigInt(7),
        nested: { list: [1, Buffer.from('x')] },
      }),
    ).toEqual({
      s: 'a',
      b: 'text',
      bin: '/w==',
      t: { '!': 'timestamp', value: 5 },
      big: 7,
      nested: { list: [1, 'x'] },
    })
    expect(toHeaders(undefined)).toEqual({})
  })

  it('a header or table key named __proto__ stays a key (assignment would set the prototype instead)', () => {
    const headers = toHeaders(JSON.parse('{"__proto__":{"__proto__":"inner","a":1}}') as Record<string, unknown>)
    const outer = Object.getOwnPropertyDescriptor(headers, '__proto__')?.value as Record<string, unknown>
    expect(Object.keys(headers)).toEqual(['__proto__'])
    expect(Object.keys(outer)).toEqual(['__proto__', 'a'])
    expect(Object.getOwnPropertyDescriptor(outer, '__proto__')?.value).toBe('inner')
    expect(Object.getPrototypeOf(outer)).toBe(Object.prototype)
  })

  it('properties: only the ones set, and only valid values', () => {
    expect(toMessageProperties({ contentType: 'text/plain', messageId: undefined, deliveryMode: 2, priority: 4, timestamp: 10, headers: {} })).toEqual({
      contentType: 'text/plain',
      deliveryMode: 2,
      priority: 4,
      timestamp: 10,
    })
    expect(toMessageProperties({ deliveryMode: 0, priority: -1 })).toEqual({})
  })
})
