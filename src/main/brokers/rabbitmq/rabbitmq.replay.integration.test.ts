import * as amqp from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { QsError } from '../../../shared/errors'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../../../test-support/brokers'
import { startTcpProxy } from '../../../test-support/tcp-proxy'
import type { BatchReader, ReadMessage } from '../replay'
import { RabbitMqAdapter } from './rabbitmq.adapter'
import { expectStays, pollUntil } from '../../../test-support/wait'

/** Replay primitives against a real broker, in a vhost of this file's own. */
describe('RabbitMQ replay primitives', () => {
  let vhost: TestVhost
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let adapter: RabbitMqAdapter

  const adapterFor = (url: string): RabbitMqAdapter => {
    const { target, password } = parseConnectionUrl(url, { managementUrl: MANAGEMENT_URL })
    if (target.broker !== 'rabbitmq') throw new Error('not rabbitmq')
    return new RabbitMqAdapter(target, password)
  }

  /** Publishes `count` messages "m<i>" from another client (not Queuescope). */
  async function fill(queue: string, count: number, options: amqp.Options.Publish = {}): Promise<void> {
    await ch.assertQueue(queue)
    for (let i = 0; i < count; i++) ch.sendToQueue(queue, Buffer.from(`m${i}`), { messageId: `id-${i}`, ...options })
    await ch.waitForConfirms()
  }

  /** Everything in a queue, consumed by another client. */
  async function drain(queue: string): Promise<amqp.GetMessage[]> {
    const out: amqp.GetMessage[] = []
    for (;;) {
      const message = await ch.get(queue, { noAck: true })
      if (message === false) return out
      out.push(message)
    }
  }

  async function readAll(reader: BatchReader, expected: number): Promise<ReadMessage[]> {
    const out: ReadMessage[] = []
    while (out.length < expected) {
      const batch = await reader.read(expected - out.length, { idleMs: 3000 })
      if (batch.length === 0) break
      out.push(...batch)
    }
    return out
  }

  beforeAll(async () => {
    vhost = await createTestVhost('replay-primitives')
    client = await amqp.connect(vhost.url)
    ch = await client.createConfirmChannel()
    adapter = adapterFor(vhost.url)
    await adapter.connect()
  })

  afterAll(async () => {
    await adapter?.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
  })

  it('hands out messages with per-message ack and release: acked ones leave, released ones stay in order', async () => {
    await fill('per-message', 20)
    // A window of 8 with 10 released messages: the reader must start fresh consumers to go on.
    const reader = await adapter.openReader({ kind: 'queue', name: 'per-message' }, { window: 8 })
    expect(reader).toMatchObject({ available: 20, removable: true })
    const seen: ReadMessage[] = []
    for (;;) {
      const batch = await reader.read(5, { idleMs: 3000 })
      if (batch.length === 0) break
      seen.push(...batch)
      reader.ack(batch.filter((m) => Number(m.body.toString().slice(1)) % 2 === 0))
      reader.release(batch.filter((m) => Number(m.body.toString().slice(1)) % 2 === 1))
    }
    expect(seen.map((m) => m.body.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`))
    expect(seen[3]).toMatchObject({ exchange: '', routingKey: 'per-message', redelivered: false, properties: { messageId: 'id-3' } })
    await reader.close()
    const left = await drain('per-message')
    expect(left.map((m) => m.content.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `m${2 * i + 1}`))
  })

  it('reads no more than its limit and leaves the rest untouched', async () => {
    await fill('limited', 10)
    const reader = await adapter.openReader({ kind: 'queue', name: 'limited' }, { window: 3, limit: 4 })
    const read: ReadMessage[] = []
    for (;;) {
      // The window holds 3: the reader only goes on as the engine acknowledges.
      const batch = await reader.read(10, { idleMs: 3000 })
      if (batch.length === 0) break
      expect(batch.length).toBeLessThanOrEqual(3)
      reader.ack(batch)
      read.push(...batch)
    }
    expect(read.map((m) => m.body.toString())).toEqual(['m0', 'm1', 'm2', 'm3'])
    await reader.close()
    const left = await drain('limited')
    expect(left.map((m) => m.content.toString())).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9'])
    expect(left.filter((m) => m.fields.redelivered).map((m) => m.content.toString())).toEqual([])
  })

  it('does not call the queue empty while every credit is held: a read waits for the held messages to settle', async () => {
    await fill('starved', 20)
    const reader = await adapter.openReader({ kind: 'queue', name: 'starved' }, { window: 8 })
    const first = await readAll(reader, 8)
    expect(first).toHaveLength(8)
    // 2 released (held until close, fewer than half the window: no fresh consumer) and 6 still
    // being published somewhere slow: the consumer has no credit left, the queue has 12 more.
    reader.release(first.slice(0, 2))
    try {
      // Waiting out the idle time here would end a replay with 12 messages counted as "left". The
      // quiet period is what is tested: the starved read must still be waiting well past its idle
      // time (a read that gave up would resolve with [] after 500 ms), and only the late ack ends it.
      // The idle time also bounds the deliveries after that ack, hence not shorter.
      let settled = false
      const reading = reader.read(4, { idleMs: 500 }).finally(() => (settled = true))
      reading.catch(() => undefined) // awaited below; a failure before that must not go unhandled
      await expectStays(
        'the starved read',
        () => settled,
        (done) => !done,
        1500,
      )
      reader.ack(first.slice(2))
      // The read returns with the first deliveries after the late ack: as many as had arrived by
      // then (the broker may send them in more than one TCP read), never none.
      const next = await reading
      expect(next.length).toBeGreaterThan(0)
      reader.ack(next)
      const rest: ReadMessage[] = [...next]
      while (rest.length < 12) {
        const batch = await reader.read(8, { idleMs: 3000 })
        if (batch.length === 0) break
        reader.ack(batch)
        rest.push(...batch)
      }
      expect(rest.map((m) => m.body.toString())).toEqual(Array.from({ length: 12 }, (_, i) => `m${i + 8}`))
      // Now the queue is empty (2 held): an idle consumer with credit to spare means it.
      expect(await reader.read(4, { idleMs: 100 })).toEqual([])
    } finally {
      await reader.close()
    }
    expect((await drain('starved')).map((m) => m.content.toString())).toEqual(['m0', 'm1'])
  })

  it('without the management API, sizes its prefetch by the first messages it reads, not by count alone', async () => {
    await ch.assertQueue('large')
    const large = Buffer.alloc(1024 * 1024, 7)
    for (let i = 0; i < 24; i++) ch.sendToQueue('large', large, { messageId: `large-${i}` })
    await ch.waitForConfirms()
    const { target, password } = parseConnectionUrl(vhost.url, { managementUrl: 'http://127.0.0.1:9' })
    if (target.broker !== 'rabbitmq') throw new Error('not rabbitmq')
    const blind = new RabbitMqAdapter(target, password)
    await blind.connect()
    try {
      // 4000 messages or 4 MiB: without the queue's average size, a prefetch of 4000 would pull
      // all 24 MiB (or, for a queue of huge messages, all of them) into memory at once.
      const reader = await blind.openReader({ kind: 'queue', name: 'large' }, { window: 4000, windowBytes: 4 * 1024 * 1024 })
      const buffered = reader as BatchReader & { buffered: number }
      // The first consumer asks for 10; after 4 MiB of them the next asks for 4 (1 MiB a message).
      await pollUntil('the first deliveries', () => (buffered.buffered > 0 ? true : undefined))
      await expectStays(
        'messages buffered',
        () => buffered.buffered,
        (n) => n <= 10 + 4,
        500,
      )
      const read = await readAll(reader, 10)
      reader.ack(read)
      await expectStays(
        'messages buffered after the acks',
        () => buffered.buffered,
        (n) => n <= 4,
        500,
      )
      while (read.length < 24) {
        const batch = await reader.read(24, { idleMs: 3000 })
        if (batch.length === 0) break
        expect(batch.length).toBeLessThanOrEqual(4)
        reader.ack(batch)
        read.push(...batch)
      }
      await reader.close()
      expect(read.map((m) => m.properties.messageId)).toEqual(Array.from({ length: 24 }, (_, i) => `large-${i}`))
    } finally {
      await blind.close()
    }
    expect((await ch.checkQueue('large')).messageCount).toBe(0)
  })

  it('without the management API, tells a stream from a classic queue, before and after the stream reports its length', async () => {
    await ch.assertQueue('blind-stream', { durable: true, arguments: { 'x-queue-type': 'stream' } })
    for (let i = 0; i < 5; i++) ch.sendToQueue('blind-stream', Buffer.from(`s${i}`))
    await ch.assertQueue('blind-classic')
    for (let i = 0; i < 3; i++) ch.sendToQueue('blind-classic', Buffer.from(`c${i}`))
    await ch.assertQueue('blind-empty')
    await ch.waitForConfirms()
    const { target, password } = parseConnectionUrl(vhost.url, { managementUrl: 'http://127.0.0.1:9' })
    if (target.broker !== 'rabbitmq') throw new Error('not rabbitmq')
    const blind = new RabbitMqAdapter(target, password)
    await blind.connect()
    const readStream = async (): Promise<void> => {
      // A stream: copy only, and its length unknown (a replay without a limit asks for one).
      const unknown = await blind.openReader({ kind: 'queue', name: 'blind-stream' })
      expect([unknown.available, unknown.removable]).toEqual([null, false])
      await unknown.close()
      const reader = await blind.openReader({ kind: 'queue', name: 'blind-stream' }, { limit: 5 })
      const read = await readAll(reader, 5)
      reader.release(read)
      await reader.close()
      expect(read.map((m) => m.body.toString())).toEqual(['s0', 's1', 's2', 's3', 's4'])
    }
    try {
      // Over AMQP the fresh stream counts 0 messages ...
      await readStream()
      // ... and its length once the broker's stream statistics come in (every 5 s).
      await expect.poll(async () => (await ch.checkQueue('blind-stream')).messageCount, { timeout: 20_000, interval: 250 }).toBe(5)
      await readStream()
      // A classic queue is still a classic queue: every message read once, in order, then gone.
      const classic = await blind.openReader({ kind: 'queue', name: 'blind-classic' })
      expect([classic.available, classic.removable]).toEqual([3, true])
      const read = await readAll(classic, 3)
      classic.ack(read)
      await classic.close()
      expect(read.map((m) => m.body.toString())).toEqual(['c0', 'c1', 'c2'])
      const empty = await blind.openReader({ kind: 'queue', name: 'blind-empty' })
      expect([empty.available, empty.removable]).toEqual([0, true])
      await empty.close()
    } finally {
      await blind.close()
    }
    expect((await ch.checkQueue('blind-classic')).messageCount).toBe(0)
  })

  it('a missing queue is a clear error and the connection stays usable', async () => {
    await expect(adapter.openReader({ kind: 'queue', name: 'no-such-queue' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `queue "no-such-queue" does not exist in vhost "${vhost.name}"`,
    })
    expect((await adapter.listSources()).items.length).toBeGreaterThan(0)
  })

  it('when the connection dies mid-read, everything not acknowledged is back in the queue', async () => {
    await fill('cut', 30)
    const proxy = await startTcpProxy(5672)
    const flaky = adapterFor(vhost.url.replace(':5672/', `:${proxy.port}/`))
    try {
      await flaky.connect()
      const reader = await flaky.openReader({ kind: 'queue', name: 'cut' }, { window: 10 })
      const read = await readAll(reader, 10)
      reader.ack(read.slice(0, 4))
      // Let the acks reach the broker before the cut. An ack has no answer, but the credit it frees
      // does: the whole window (10) was held, so the broker sends the next four messages only once
      // it has applied the four acks.
      await expect.poll(() => reader.buffered, { timeout: 10_000 }).toBe(4)
      proxy.cut()
      await expect
        .poll(() =>
          reader.read(1, { idleMs: 100 }).then(
            () => 'open',
            (e: QsError) => e.code,
          ),
        )
        .toBe('NOT_CONNECTED')
      expect(() => reader.ack(read.slice(4))).toThrow(/went back to the queue/)
      await reader.close()
      await expect.poll(async () => (await ch.checkQueue('cut')).messageCount, { timeout: 10_000 }).toBe(26)
      expect((await drain('cut')).map((m) => m.content.toString())).toEqual(Array.from({ length: 26 }, (_, i) => `m${i + 4}`))
    } finally {
      await flaky.close()
      await proxy.close()
    }
  })

  it('writes many in flight with confirms and tells returned messages apart from routed ones', async () => {
    await ch.assertExchange('events', 'topic')
    await ch.assertQueue('bound')
    await ch.bindQueue('bound', 'events', 'bound.*')
    const writer = await adapter.openWriter()
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        writer.write(
          { body: Buffer.from(`w${i}`), properties: { messageId: `w-${i}`, deliveryMode: 2 }, headers: { n: i } },
          { exchange: 'events', routingKey: i % 3 === 0 ? `unbound.${i}` : `bound.${i}` },
        ),
      ),
    )
    await writer.close()
    results.forEach((result, i) => expect(result).toEqual(i % 3 === 0 ? { routed: false, reason: 'NO_ROUTE' } : { routed: true }))
    const arrived = await drain('bound')
    expect(arrived).toHaveLength(400 - 134)
    expect(arrived[0]).toMatchObject({ properties: { messageId: 'w-1', deliveryMode: 2, headers: { n: 1 } } })
  })

  it('waits for the broker when the socket buffer is full (back-pressure), losing nothing', async () => {
    await ch.assertQueue('big')
    const writer = await adapter.openWriter()
    // More frames at once than amqplib's channel buffer takes (1,024): publish() says "wait".
    const body = Buffer.alloc(1024, 7)
    const results = await Promise.all(
      Array.from({ length: 3000 }, () => writer.write({ body, properties: {}, headers: {} }, { exchange: '', routingKey: 'big' })),
    )
    await writer.close()
    expect(results.every((r) => r.routed)).toBe(true)
    expect(writer.waits).toBeGreaterThan(0)
    expect((await ch.checkQueue('big')).messageCount).toBe(3000)
    await ch.purgeQueue('big')
  })

  it('a write to a missing exchange fails clearly; the adapter goes on publishing', async () => {
    const writer = await adapter.openWriter()
    await expect(
      writer.write({ body: Buffer.from('x'), properties: {}, headers: {} }, { exchange: 'no-such-exchange', routingKey: 'k' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `exchange "no-such-exchange" does not exist in vhost "${vhost.name}"`,
    })
    await writer.close()
    await ch.assertQueue('after')
    expect(
      await adapter.publish({ connectionId: 'c', target: 'queue:after', body: 'ok', encoding: 'utf8', headers: {}, properties: {}, listEnd: 'left' }),
    ).toEqual({ routed: true })
  })

  it('a message moved by reader and writer keeps body, properties and headers as the broker encoded them', async () => {
    const headers = {
      text: 'héllo',
      int: 42,
      neg: -7,
      flag: true,
      bytes: Buffer.from([0, 1, 254, 255]),
      nested: { a: [1, 'two', { b: null }] },
      when: { '!': 'timestamp', value: 1_700_000_000 },
    }
    await ch.assertQueue('origin')
    await ch.assertQueue('destination')
    ch.sendToQueue('origin', Buffer.from([0xde, 0xad, 0xbe, 0xef]), {
      headers,
      contentType: 'application/octet-stream',
      correlationId: 'c-1',
      priority: 3,
      timestamp: 1_700_000_001,
      appId: 'other-client',
      type: 'thing',
      deliveryMode: 2,
      expiration: '600000',
    })
    await ch.waitForConfirms()
    const before = (await ch.get('origin', { noAck: false })) as amqp.GetMessage
    ch.nack(before, false, true)
    await pollUntil('the nacked message back in origin', async () => ((await ch.checkQueue('origin')).messageCount === 1 ? true : undefined))

    const reader = await adapter.openReader({ kind: 'queue', name: 'origin' })
    const writer = await adapter.openWriter()
    const [message] = await readAll(reader, 1)
    expect(await writer.write(message!, { exchange: '', routingKey: 'destination' })).toEqual({ routed: true })
    reader.ack([message!])
    await reader.close()
    await writer.close()

    const after = (await ch.get('destination', { noAck: true })) as amqp.GetMessage
    expect(after.content).toEqual(before.content)
    const { headers: afterHeaders, ...afterProps } = after.properties
    const { headers: beforeHeaders, ...beforeProps } = before.properties
    expect(afterProps).toEqual(beforeProps)
    expect(afterHeaders).toEqual(beforeHeaders)
    expect((await ch.checkQueue('origin')).messageCount).toBe(0)
  })

  it('reads a stream queue as a copy-only source, from its first offset', async () => {
    await ch.assertQueue('events-stream', { durable: true, arguments: { 'x-queue-type': 'stream' } })
    for (let i = 0; i < 5; i++) ch.sendToQueue('events-stream', Buffer.from(`s${i}`))
    await ch.waitForConfirms()
    const reader = await adapter.openReader({ kind: 'queue', name: 'events-stream' }, { limit: 5 })
    expect(reader.removable).toBe(false)
    const read = await readAll(reader, 5)
    expect(read.map((m) => [m.id, m.body.toString()])).toEqual(Array.from({ length: 5 }, (_, i) => [String(i), `s${i}`]))
    expect(read[0]!.headers).not.toHaveProperty('x-stream-offset')
    reader.ack(read)
    await reader.close()
  })

  it('reads a stream longer than its window once, in order: a fresh consumer goes on after the last offset read', async () => {
    await ch.assertQueue('long-stream', { durable: true, arguments: { 'x-queue-type': 'stream' } })
    // One message a chunk (a stream delivers whole chunks, past the prefetch): the window then
    // holds back deliveries, and the reader must replace its consumer before the limit.
    for (let i = 0; i < 30; i++) {
      ch.sendToQueue('long-stream', Buffer.from(`s${i}`))
      await ch.waitForConfirms()
    }
    const reader = await adapter.openReader({ kind: 'queue', name: 'long-stream' }, { limit: 30, window: 8 })
    const read: ReadMessage[] = []
    for (;;) {
      const batch = await reader.read(3, { idleMs: 3000 })
      if (batch.length === 0) break
      read.push(...batch)
      reader.release(batch) // a copy: on a stream, a release only returns credit
    }
    await reader.close()
    expect(read.map((m) => [m.id, m.body.toString()])).toEqual(Array.from({ length: 30 }, (_, i) => [String(i), `s${i}`]))
  })
})
