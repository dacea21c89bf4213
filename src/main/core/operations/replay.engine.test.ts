import { describe, expect, it } from 'vitest'
import type { ReplayProgress } from '../../../shared/replay'
import type { BatchReader, ReadMessage, ReplayMessage, Route, TargetWriter } from '../../brokers/replay'
import { originRoutes, runReplay, type ReplayPlan } from './replay.engine'
import { compileFilters } from './replay.filter'

/** Pure engine logic over an in-memory source and target (the brokers' own tests use real ones). */
function message(n: number, extra: Partial<ReadMessage> = {}): ReadMessage {
  return {
    id: String(n),
    body: Buffer.from(`m${n}`),
    properties: { messageId: `m-${n}` },
    headers: {},
    redelivered: false,
    exchange: '',
    routingKey: 'rk',
    ...extra,
  }
}

function memoryReader(messages: ReadMessage[]): BatchReader & { acked: string[] } {
  let next = 0
  const acked: string[] = []
  return {
    available: messages.length,
    removable: true,
    lost: false,
    acked,
    read: async (max) => {
      const batch = messages.slice(next, next + max)
      next += batch.length
      return batch
    },
    ack: (batch) => acked.push(...batch.map((m) => m.id)),
    release: () => undefined,
    close: async () => undefined,
  }
}

function memoryWriter(): TargetWriter & { written: { message: ReplayMessage; route: Route }[] } {
  const written: { message: ReplayMessage; route: Route }[] = []
  return {
    inFlight: 0,
    waits: 0,
    written,
    write: async (message, route) => {
      written.push({ message, route })
      return { routed: true }
    },
    close: async () => undefined,
  }
}

const PLAN: ReplayPlan = {
  id: 'r',
  mode: 'move',
  dryRun: false,
  source: 'queue:dlq',
  target: 'queue:t',
  route: { kind: 'fixed', exchange: '', routingKey: 't' },
  filters: [],
}

describe('replay engine', () => {
  it('sends progress while a rate-limited batch is still being paced, not only after each batch', async () => {
    const events: ReplayProgress[] = []
    const report = await runReplay(
      { ...PLAN, rate: 10 },
      { reader: memoryReader(Array.from({ length: 10 }, (_, i) => message(i))), writer: memoryWriter(), onProgress: (p) => events.push(p) },
    )
    expect(report).toMatchObject({ published: 10, acknowledged: 10 })
    // One read takes all 10; at 10 msg/s the batch takes about a second, and progress came meanwhile.
    expect(events.some((p) => p.scanned > 0 && p.scanned < 10)).toBe(true)
    expect(events.at(-1)).toMatchObject({ scanned: 10, total: 10, published: 10 })
  })

  it('counts a replay of selected messages by the selection: total and progress are the ids found', async () => {
    const events: ReplayProgress[] = []
    const reader = memoryReader(Array.from({ length: 50 }, (_, i) => message(i)))
    const report = await runReplay(
      { ...PLAN, messageIds: ['m-3', 'm-7', 'm-7', 'm-99'] },
      { reader, writer: memoryWriter(), onProgress: (p) => events.push(p) },
    )
    // m-99 is not there: all 50 are looked at, 2 of the 3 selected are moved, 1 is left (not found).
    expect(report).toMatchObject({ total: 3, scanned: 50, published: 2, acknowledged: 2, left: 1, cancelled: false })
    expect(reader.acked).toEqual(['3', '7'])
    expect(events.at(-1)).toMatchObject({ total: 3, scanned: 2 })
  })

  it('a cancel that comes while a read waits publishes nothing of what that read returns', async () => {
    const controller = new AbortController()
    const source = memoryReader(Array.from({ length: 20 }, (_, i) => message(i)))
    const released: string[] = []
    const reader: BatchReader = {
      ...source,
      read: async (max) => {
        // The second read waits (as a RabbitMQ reader does for credit); the user cancels meanwhile.
        if (source.acked.length > 0) controller.abort()
        return source.read(max)
      },
      release: (batch) => released.push(...batch.map((m) => m.id)),
    }
    const writer = memoryWriter()
    const report = await runReplay({ ...PLAN, window: 5 }, { reader, writer, signal: controller.signal })
    expect(report).toMatchObject({ cancelled: true, published: 5, acknowledged: 5, scanned: 5, left: 15 })
    expect(writer.written).toHaveLength(5)
    expect(released).toEqual(['5', '6', '7', '8', '9'])
  })

  it('names the target connection in the report', async () => {
    const report = await runReplay({ ...PLAN, targetConnection: 'p2' }, { reader: memoryReader([message(1)]), writer: memoryWriter() })
    expect(report).toMatchObject({ target: 'queue:t', targetConnection: 'p2' })
  })

  it('stamps qs-replayed-from and qs-replay-count and keeps every header, a __proto__ one too', async () => {
    const headers = JSON.parse('{"__proto__":"kept","qs-replay-count":2,"tenant":"acme"}') as ReadMessage['headers']
    const writer = memoryWriter()
    await runReplay(PLAN, { reader: memoryReader([message(1, { headers })]), writer })
    const sent = writer.written[0]!.message.headers
    expect(Object.getOwnPropertyDescriptor(sent, '__proto__')?.value).toBe('kept')
    expect({ ...sent }).toMatchObject({ tenant: 'acme', 'qs-replay-count': 3, 'qs-replayed-from': PLAN.source })
  })

  it('filters on a header or property the message has, never on what every object inherits', () => {
    const has = (field: 'header' | 'property', name: string) => compileFilters([{ field, name, op: 'exists', value: '' }])
    expect(has('header', 'constructor')(message(1))).toBe(false)
    expect(has('header', 'toString')(message(1))).toBe(false)
    expect(has('property', 'constructor')(message(1))).toBe(false)
    expect(has('header', 'constructor')(message(1, { headers: { constructor: 'mine' } }))).toBe(true)
    expect(has('property', 'messageId')(message(1))).toBe(true)
  })

  it('routes back to origin: x-death first on RabbitMQ, else qs-origin, each broker only its own kinds', () => {
    const xDeath = [{ queue: 'orders', reason: 'rejected', count: 1, exchange: 'shop', routingKeys: ['order.created', 'order.any'], time: null }]
    expect(originRoutes(message(1, { xDeath, headers: { 'qs-origin': 'queue:ignored' } }), 'rabbitmq')).toEqual({
      routes: [
        { exchange: 'shop', routingKey: 'order.created' },
        { exchange: 'shop', routingKey: 'order.any' },
      ],
    })
    expect(originRoutes(message(1, { headers: { 'qs-origin': 'queue:orders' } }), 'rabbitmq')).toEqual({ routes: [{ exchange: '', routingKey: 'orders' }] })
    expect(originRoutes(message(1, { headers: { 'qs-origin': Buffer.from('exchange:shop') } }), 'rabbitmq')).toEqual({
      routes: [{ exchange: 'shop', routingKey: 'rk' }],
    })
    expect(originRoutes(message(1, { headers: { 'qs-origin': 'stream:orders:events' } }), 'redis')).toEqual({
      routes: [{ exchange: '', routingKey: 'orders:events', target: { kind: 'stream', name: 'orders:events' } }],
    })
    expect(originRoutes(message(1, { headers: { 'qs-origin': 'list:jobs' } }), 'redis')).toMatchObject({ routes: [{ target: { kind: 'list', name: 'jobs' } }] })
    // x-death means nothing to a Redis target.
    expect(originRoutes(message(1, { xDeath }), 'redis')).toEqual({ reason: expect.stringContaining('no qs-origin field') })
    expect(originRoutes(message(1), 'rabbitmq')).toEqual({ reason: expect.stringContaining('no x-death header and no qs-origin') })
    expect(originRoutes(message(1, { headers: { 'qs-origin': 'channel:news' } }), 'redis')).toEqual({
      reason: expect.stringContaining('a Redis connection takes stream:<key> or list:<key>'),
    })
    expect(originRoutes(message(1, { headers: { 'qs-origin': 'orders' } }), 'redis')).toEqual({ reason: expect.stringContaining('is not <kind>:<name>') })
  })

  it('keeps at most the window in flight, and fewer when messages are large (the byte budget)', async () => {
    /** A writer that confirms only when told to, recording the most messages and bytes it held at once. */
    function slowWriter(): TargetWriter & { most: { messages: number; bytes: number } } {
      const held = new Set<{ size: number; confirm: () => void }>()
      const most = { messages: 0, bytes: 0 }
      const tick = setInterval(() => {
        for (const entry of held) entry.confirm()
      }, 2)
      return {
        waits: 0,
        most,
        get inFlight() {
          return held.size
        },
        write: (m) =>
          new Promise((resolve) => {
            const entry = {
              size: m.body.length,
              confirm: () => {
                held.delete(entry)
                resolve({ routed: true })
              },
            }
            held.add(entry)
            most.messages = Math.max(most.messages, held.size)
            most.bytes = Math.max(
              most.bytes,
              [...held].reduce((sum, e) => sum + e.size, 0),
            )
          }),
        close: async () => clearInterval(tick),
      }
    }
    const small = Array.from({ length: 500 }, (_, i) => message(i))
    const smallWriter = slowWriter()
    expect(await runReplay({ ...PLAN, window: 50 }, { reader: memoryReader(small), writer: smallWriter })).toMatchObject({ acknowledged: 500 })
    expect(smallWriter.most.messages).toBe(50)

    // 64 KiB messages, a 256 KiB budget: at most 4 in flight although the window allows 50.
    const large = Array.from({ length: 40 }, (_, i) => message(i, { body: Buffer.alloc(64 * 1024, i) }))
    const largeWriter = slowWriter()
    expect(await runReplay({ ...PLAN, window: 50, windowBytes: 256 * 1024 }, { reader: memoryReader(large), writer: largeWriter })).toMatchObject({
      acknowledged: 40,
    })
    expect(largeWriter.most.bytes).toBeLessThanOrEqual(256 * 1024)
    expect(largeWriter.most.messages).toBe(4)

    // One message larger than the whole budget still goes, alone.
    const huge = [message(1, { body: Buffer.alloc(512 * 1024) }), message(2, { body: Buffer.alloc(512 * 1024) })]
    const hugeWriter = slowWriter()
    expect(await runReplay({ ...PLAN, windowBytes: 256 * 1024 }, { reader: memoryReader(huge), writer: hugeWriter })).toMatchObject({ acknowledged: 2 })
    expect(hugeWriter.most.messages).toBe(1)
  })

  it('takes what a push reader holds as soon as there is room, also when it arrives during a wait', async () => {
    /** Like a RabbitMQ consumer: the broker delivers ahead up to the prefetch, and an ack frees one more. */
    function pushReader(count: number, prefetch: number): BatchReader & { acked: string[] } {
      const source = Array.from({ length: count }, (_, i) => message(i))
      const buffer: ReadMessage[] = []
      const acked: string[] = []
      let unacked = 0
      let listener: (() => void) | null = null
      let waiter: (() => void) | null = null
      const deliver = (): void => {
        while (unacked < prefetch && source.length > 0) {
          unacked++
          buffer.push(source.shift()!)
          if (buffer.length === 1) listener?.()
          waiter?.()
        }
      }
      setImmediate(deliver)
      return {
        available: count,
        removable: true,
        lost: false,
        acked,
        get buffered() {
          return buffer.length
        },
        onBuffered: (l) => {
          listener = l
        },
        read: async (max) => {
          if (buffer.length === 0 && acked.length < count) await new Promise<void>((resolve) => (waiter = resolve))
          waiter = null
          return buffer.splice(0, max)
        },
        ack: (batch) => {
          acked.push(...batch.map((m) => m.id))
          unacked -= batch.length
          setImmediate(deliver) // the next deliveries arrive a little later, as from a broker
        },
        release: () => undefined,
        close: async () => undefined,
      }
    }
    const confirms: Array<() => void> = []
    const writer: TargetWriter & { written: number } = {
      inFlight: 0,
      waits: 0,
      written: 0,
      write: () =>
        new Promise((resolve) => {
          writer.written++
          confirms.push(() => resolve({ routed: true }))
        }),
      close: async () => undefined,
    }
    const ticks = async (n = 5): Promise<void> => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve))
    }
    const reader = pushReader(30, 10)
    const done = runReplay({ ...PLAN, window: 10 }, { reader, writer })
    await ticks()
    expect(writer.written).toBe(10)
    // One confirm frees one slot; the broker delivers one more during the engine's wait, and the
    // engine publishes it at once rather than waiting for half the window to be free.
    confirms.shift()!()
    await ticks()
    expect(reader.acked).toHaveLength(1)
    expect(writer.written).toBe(11)
    for (let i = 0; i < 10_000 && reader.acked.length < 30; i++) {
      confirms.shift()?.()
      await ticks(1)
    }
    expect(reader.acked).toHaveLength(30)
    expect(await done).toMatchObject({ published: 30, acknowledged: 30, left: 0 })
  })
})
