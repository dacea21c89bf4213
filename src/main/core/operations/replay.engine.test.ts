import { describe, expect, it } from 'vitest'
import type { ReplayProgress } from '../../../shared/replay'
import type { BatchReader, ReadMessage, ReplayMessage, Route, TargetWriter } from '../../brokers/replay'
import { runReplay, type ReplayPlan } from './replay.engine'
import { rabbitRouting } from '../../brokers/rabbitmq/rabbitmq.capabilities'
import { redisRouting } from '../../brokers/redis/redis.capabilities'
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
    expect(rabbitRouting.originRoutes(message(1, { xDeath, headers: { 'qs-origin': 'queue:ignored' } }))).toEqual({
      routes: [
        { exchange: 'shop', routingKey: 'order.created' },
        { exchange: 'shop', routingKey: 'order.any' },
      ],
    })
    expect(rabbitRouting.originRoutes(message(1, { headers: { 'qs-origin': 'queue:orders' } }))).toEqual({ routes: [{ exchange: '', routingKey: 'orders' }] })
    expect(rabbitRouting.originRoutes(message(1, { headers: { 'qs-origin': Buffer.from('exchange:shop') } }))).toEqual({
      routes: [{ exchange: 'shop', routingKey: 'rk' }],
    })
    expect(redisRouting.originRoutes(message(1, { headers: { 'qs-origin': 'stream:orders:events' } }))).toEqual({
      routes: [{ exchange: '', routingKey: 'orders:events', target: { kind: 'stream', name: 'orders:events' } }],
    })
    expect(redisRouting.originRoutes(message(1, { headers: { 'qs-origin': 'list:jobs' } }))).toMatchObject({
      routes: [{ target: { kind: 'list', name: 'jobs' } }],
    })
    // x-death means nothing to a Redis target.
    expect(redisRouting.originRoutes(message(1, { xDeath }))).toEqual({ reason: expect.stringContaining('no qs-origin field') })
    expect(rabbitRouting.originRoutes(message(1))).toEqual({ reason: expect.stringContaining('no x-death header and no qs-origin') })
    expect(redisRouting.originRoutes(message(1, { headers: { 'qs-origin': 'channel:news' } }))).toEqual({
      reason: expect.stringContaining('a Redis connection takes stream:<key> or list:<key>'),
    })
    expect(redisRouting.originRoutes(message(1, { headers: { 'qs-origin': 'orders' } }))).toEqual({ reason: expect.stringContaining('is not <kind>:<name>') })
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

describe('replay engine reports', () => {
  /** A writer that answers each message by its id: unroutable, refused, or confirmed as routed. */
  function answeringWriter(answers: Record<string, 'unroutable' | 'refused'>): TargetWriter & { written: { message: ReplayMessage; route: Route }[] } {
    const written: { message: ReplayMessage; route: Route }[] = []
    return {
      inFlight: 0,
      waits: 0,
      written,
      write: async (message, route) => {
        written.push({ message, route })
        const answer = answers[message.properties.messageId ?? '']
        if (answer === 'refused') throw new Error('nack from the broker')
        return answer === 'unroutable' ? { routed: false, reason: 'NO_ROUTE' } : { routed: true }
      },
      close: async () => undefined,
    }
  }
  /** memoryReader that also records what it released. */
  function recordingReader(messages: ReadMessage[]): BatchReader & { acked: string[]; released: string[] } {
    const released: string[] = []
    return Object.assign(memoryReader(messages), { released, release: (batch: readonly ReadMessage[]) => void released.push(...batch.map((m) => m.id)) })
  }
  const timeless = { startedAt: expect.any(Number), finishedAt: expect.any(Number) }

  it('counts a message the target could not route and one it refused as failures, leaves both in the source and stops after a refusal', async () => {
    const reader = recordingReader(Array.from({ length: 5 }, (_, i) => message(i)))
    const report = await runReplay(PLAN, { reader, writer: answeringWriter({ 'm-1': 'unroutable', 'm-2': 'refused' }) })
    expect(report).toEqual({
      ...timeless,
      id: 'r',
      mode: 'move',
      dryRun: false,
      source: 'queue:dlq',
      target: 'queue:t',
      total: 5,
      scanned: 5,
      published: 3,
      acknowledged: 3,
      failed: 2,
      skipped: 0,
      left: 2,
      duplicates: 1,
      cancelled: false,
      error: 'the target failed: nack from the broker',
      failures: [
        { id: 'm-1', exchange: '', routingKeys: ['t'], size: 2, reason: 'unroutable at the target (NO_ROUTE): no queue is bound for routing key t' },
        {
          id: 'm-2',
          exchange: '',
          routingKeys: ['t'],
          size: 2,
          reason: 'not confirmed by the target, so it may or may not have arrived there: nack from the broker',
        },
      ],
      preview: [],
    })
    expect(reader.acked).toEqual(['0', '3', '4'])
    expect(reader.released).toEqual(['1', '2'])
  })

  it('names a Redis target that took nothing by its ref, and keeps at most 100 failures', async () => {
    const reader = recordingReader(Array.from({ length: 150 }, (_, i) => message(i)))
    const answers = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`m-${i}`, 'unroutable' as const]))
    const report = await runReplay(
      { ...PLAN, target: 'channel:news', route: { kind: 'fixed', exchange: '', routingKey: 'news', target: { kind: 'channel', name: 'news' } } },
      { reader, writer: answeringWriter(answers) },
    )
    expect(report).toMatchObject({ scanned: 150, published: 0, acknowledged: 0, failed: 150, left: 150, duplicates: 0 })
    expect(report.error).toBeUndefined()
    expect(report.failures).toHaveLength(100)
    expect(report.failures[0]).toEqual({
      id: 'm-0',
      exchange: null,
      routingKeys: [],
      target: 'channel:news',
      size: 2,
      reason: 'unroutable at the target (NO_ROUTE): channel:news took nothing',
    })
    expect(reader.released).toHaveLength(150)
  })

  it('a copy releases each message after its confirm and acknowledges none', async () => {
    const reader = recordingReader(Array.from({ length: 3 }, (_, i) => message(i)))
    const writer = memoryWriter()
    const report = await runReplay({ ...PLAN, mode: 'copy' }, { reader, writer })
    expect(report).toMatchObject({ total: 3, scanned: 3, published: 3, acknowledged: 0, left: 3, failed: 0 })
    expect(reader.acked).toEqual([])
    expect(reader.released).toEqual(['0', '1', '2'])
    expect(writer.written).toHaveLength(3)
  })

  it('a dry run publishes nothing, previews at most 1000 messages with their routes and gives every message back', async () => {
    const reader = recordingReader(Array.from({ length: 1200 }, (_, i) => message(i)))
    const report = await runReplay({ ...PLAN, dryRun: true, route: { kind: 'fixed', exchange: 'shop', routingKey: null } }, { reader, writer: null })
    expect(report).toMatchObject({ dryRun: true, total: 1200, scanned: 1200, published: 1200, acknowledged: 0, left: 1200, failed: 0 })
    expect(report.preview).toHaveLength(1000)
    expect(report.preview[0]).toEqual({ id: 'm-0', exchange: 'shop', routingKeys: ['rk'], size: 2 })
    expect(reader.acked).toEqual([])
    expect(reader.released).toHaveLength(1200)
  })

  it('routes back to origin message by message: every x-death routing key, and a failure for a message without an origin', async () => {
    const xDeath = [{ queue: 'orders', reason: 'rejected', count: 1, exchange: 'shop', routingKeys: ['a', 'b'], time: null }]
    const reader = recordingReader([message(1, { xDeath }), message(2), message(3, { headers: { 'qs-origin': 'queue:orders' } })])
    const writer = memoryWriter()
    const report = await runReplay({ ...PLAN, route: { kind: 'origin', routing: rabbitRouting } }, { reader, writer })
    expect(report).toMatchObject({ scanned: 3, published: 2, acknowledged: 2, failed: 1, left: 1 })
    expect(report.failures).toEqual([{ id: 'm-2', exchange: null, routingKeys: [], size: 2, reason: expect.stringContaining('no x-death header') }])
    expect(writer.written.map((w) => w.route)).toEqual([
      { exchange: 'shop', routingKey: 'a' },
      { exchange: 'shop', routingKey: 'b' },
      { exchange: '', routingKey: 'orders' },
    ])
    expect([...reader.acked].sort()).toEqual(['1', '3'])
    expect(reader.released).toEqual(['2'])
  })

  it('an exchange target without a routing key keeps each message’s own, and a Redis target rides along', async () => {
    const writer = memoryWriter()
    const target = { kind: 'stream' as const, name: 'events' }
    await runReplay(
      { ...PLAN, route: { kind: 'fixed', exchange: 'shop', routingKey: null, target } },
      { reader: memoryReader([message(1, { routingKey: 'x.1' }), message(2, { routingKey: 'x.2' })]), writer },
    )
    expect(writer.written.map((w) => w.route)).toEqual([
      { exchange: 'shop', routingKey: 'x.1', target },
      { exchange: 'shop', routingKey: 'x.2', target },
    ])
    const plain = memoryWriter()
    await runReplay({ ...PLAN, route: { kind: 'fixed', exchange: 'shop', routingKey: null } }, { reader: memoryReader([message(1)]), writer: plain })
    expect(plain.written[0]!.route).toStrictEqual({ exchange: 'shop', routingKey: 'rk' })
  })

  it('skips what the filters reject and gives it back untouched', async () => {
    const reader = recordingReader([message(1, { headers: { keep: 'yes' } }), message(2), message(3, { headers: { keep: 'yes' } })])
    const report = await runReplay({ ...PLAN, filters: [{ field: 'header', name: 'keep', op: 'equals', value: 'yes' }] }, { reader, writer: memoryWriter() })
    expect(report).toMatchObject({ scanned: 3, skipped: 1, published: 2, acknowledged: 2, left: 1 })
    expect(reader.released).toEqual(['2'])
  })

  it('selects by the source’s own id when asked, and leaves the rest of the read untouched once all were found', async () => {
    const reader = Object.assign(recordingReader(Array.from({ length: 10 }, (_, i) => message(i))), { selectBy: 'sourceId' as const })
    const report = await runReplay({ ...PLAN, messageIds: ['2', '4'] }, { reader, writer: memoryWriter() })
    expect(report).toMatchObject({ total: 2, scanned: 5, published: 2, acknowledged: 2, skipped: 3, left: 0, cancelled: false })
    expect(reader.acked).toEqual(['2', '4'])
    expect(reader.released).toEqual(['0', '1', '3', '5', '6', '7', '8', '9'])
  })

  it('hands the journal the replayed ids in batches of 1000, the rest at the end', async () => {
    const batches: number[] = []
    const report = await runReplay(
      { ...PLAN, mode: 'copy' },
      { reader: memoryReader(Array.from({ length: 2500 }, (_, i) => message(i))), writer: memoryWriter(), onReplayed: (ids) => batches.push(ids.length) },
    )
    expect(report).toMatchObject({ published: 2500 })
    expect(batches).toEqual([1000, 1000, 500])
  })

  it('ends with an error when reading fails, and counts the last window as possible duplicates when the source connection broke', async () => {
    const failing = memoryReader(Array.from({ length: 20 }, (_, i) => message(i)))
    let reads = 0
    const reader: BatchReader = {
      ...failing,
      read: async (max) => {
        if (++reads === 2) throw new Error('socket closed')
        return failing.read(max)
      },
    }
    expect(await runReplay(PLAN, { reader, writer: memoryWriter() })).toMatchObject({
      scanned: 10,
      acknowledged: 10,
      left: 10,
      duplicates: 0,
      error: 'reading queue:dlq failed: socket closed',
    })

    const source = memoryReader(Array.from({ length: 20 }, (_, i) => message(i)))
    const lost: BatchReader = { ...source, lost: true }
    expect(await runReplay({ ...PLAN, window: 8 }, { reader: lost, writer: memoryWriter() })).toMatchObject({
      acknowledged: 20,
      duplicates: 8,
      error: 'the connection to queue:dlq broke; the last acknowledgements may not have reached it',
    })
  })

  it('stops after an ack fails at the source, with the message counted as published', async () => {
    const source = memoryReader(Array.from({ length: 3 }, (_, i) => message(i)))
    const reader: BatchReader = {
      ...source,
      ack: (batch) => {
        if (batch[0]!.id === '1') throw new Error('channel closed')
        source.ack(batch)
      },
    }
    expect(await runReplay(PLAN, { reader, writer: memoryWriter() })).toMatchObject({
      published: 3,
      acknowledged: 2,
      left: 1,
      error: 'the source went away after the target confirmed a message: channel closed',
    })
  })

  it('reads a first batch of 10, then by the average size up to the window and the byte budget', async () => {
    const source = memoryReader(Array.from({ length: 300 }, (_, i) => message(i, { body: Buffer.alloc(1000) })))
    const asked: number[] = []
    const reader: BatchReader = {
      ...source,
      read: (max) => {
        asked.push(max)
        return source.read(max)
      },
    }
    expect(await runReplay({ ...PLAN, window: 100, windowBytes: 50_000 }, { reader, writer: memoryWriter() })).toMatchObject({ acknowledged: 300 })
    expect(asked[0]).toBe(10)
    expect(Math.max(...asked)).toBe(50)
  })

  it('sends progress after a batch only when 250 ms passed since the last, and once more at the end', async () => {
    let clock = 1_000
    const source = memoryReader(Array.from({ length: 40 }, (_, i) => message(i)))
    const reader: BatchReader = {
      ...source,
      read: (max) => {
        clock += 100 // each read takes 100 ms
        return source.read(Math.min(max, 10))
      },
    }
    const events: ReplayProgress[] = []
    const report = await runReplay(PLAN, { reader, writer: memoryWriter(), now: () => clock, onProgress: (p) => events.push(p) })
    expect(report).toMatchObject({ acknowledged: 40, startedAt: 1_000, finishedAt: 1_400 })
    // Batches read at 1100, 1200, 1300 and 1400: the first reports (nothing was sent yet), the next
    // two are within 250 ms of it, the last is 300 ms after it (its messages not yet confirmed).
    expect(events).toEqual([
      { id: 'r', scanned: 10, total: 40, published: 0, failed: 0, skipped: 0, rate: 100, etaMs: 300 },
      { id: 'r', scanned: 40, total: 40, published: 30, failed: 0, skipped: 0, rate: 100, etaMs: 0 },
      { id: 'r', scanned: 40, total: 40, published: 40, failed: 0, skipped: 0, rate: 100, etaMs: 0 },
    ])
  })

  it('refuses a plan it cannot run before reading anything', async () => {
    await expect(runReplay(PLAN, { reader: memoryReader([]), writer: null })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(runReplay(PLAN, { reader: { ...memoryReader([]), removable: false }, writer: memoryWriter() })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    })
    await expect(runReplay(PLAN, { reader: { ...memoryReader([]), available: null }, writer: memoryWriter() })).rejects.toMatchObject({
      message: expect.stringContaining('give a limit'),
    })
    expect(
      await runReplay({ ...PLAN, limit: 2 }, { reader: { ...memoryReader([message(1), message(2), message(3)]), available: null }, writer: memoryWriter() }),
    ).toMatchObject({
      total: 2,
      acknowledged: 2,
    })
  })
})
