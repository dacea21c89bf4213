import { gzipSync } from 'node:zlib'
import * as amqp from 'amqplib'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope } from '../../../shared/api'
import type { PeekResult, PeekedMessage } from '../../../shared/messages'
import type { ProfileView } from '../../../shared/model'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../../../test-support/brokers'
import { createDispatcher } from '../../core/dispatch'
import { createCore, type Core } from '../../core/core'
import { expectStays, pollUntil } from '../../../test-support/wait'

/**
 * Browsing and purging RabbitMQ through the contract, as every front end does it.
 * Every message here is written by a plain amqplib client, never by Queuescope.
 */
describe('RabbitMQ browse and purge through the contract (real broker)', () => {
  let vhost: TestVhost
  let core: Core
  let call: ReturnType<typeof createDispatcher>
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let rw: string
  let ro: string

  const ok = async <T>(channel: string, payload: unknown): Promise<T> => {
    const envelope = await call(channel, payload)
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`)
    return envelope.data as T
  }
  const peek = (source: string, extra: object = {}, connectionId = rw): Promise<Envelope<unknown>> => call('messages:peek', { connectionId, source, ...extra })
  const peekOk = (source: string, extra: object = {}): Promise<PeekResult> => ok<PeekResult>('messages:peek', { connectionId: rw, source, ...extra })

  async function profile(name: string, extra: object = {}): Promise<string> {
    const saved = await ok<ProfileView>('profiles:save', {
      name,
      broker: 'rabbitmq',
      url: vhost.url.replace('guest:guest@', 'guest@'),
      password: 'guest',
      managementUrl: MANAGEMENT_URL,
      ...extra,
    })
    expect(await ok('connection:connect', { profileId: saved.id })).toMatchObject({ state: 'open' })
    return saved.id
  }

  /** Ready messages right now, from the broker itself (passive declare), not from sampled stats. */
  async function ready(queue: string): Promise<number> {
    const probe = await client.createChannel()
    try {
      return (await probe.checkQueue(queue)).messageCount
    } finally {
      await probe.close()
    }
  }

  /** Consumes everything left (the end of a test): bodies in queue order. */
  async function drain(queue: string): Promise<string[]> {
    const consumer = await client.createChannel()
    const bodies: string[] = []
    for (let m = await consumer.get(queue, { noAck: true }); m; m = await consumer.get(queue, { noAck: true })) bodies.push(m.content.toString('utf8'))
    await consumer.close()
    return bodies
  }

  beforeAll(async () => {
    vhost = await createTestVhost('browse')
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-browse-')), mode: 'web', version: 'test' })
    call = createDispatcher(core)
    client = await amqp.connect(vhost.url)
    client.on('error', () => undefined)
    ch = await client.createConfirmChannel()
    rw = await profile('rw')
    ro = await profile('ro', { readOnly: true })
  })

  afterAll(async () => {
    await core?.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
  })

  it('shows a message from another client intact, and browsing it 10 times changes nothing', async () => {
    await ch.assertQueue('orders')
    const headers = { source: 'billing', attempt: 3, urgent: true, nested: { region: 'eu', ids: [1, 2] } }
    ch.sendToQueue('orders', Buffer.from('{"order":1}'), {
      headers,
      contentType: 'application/json',
      contentEncoding: 'identity',
      messageId: 'm-1',
      correlationId: 'c-1',
      replyTo: 'replies',
      priority: 4,
      timestamp: 1_700_000_000,
      type: 'order.created',
      appId: 'billing-service',
      deliveryMode: 2,
      expiration: '600000',
    })
    ch.sendToQueue('orders', Buffer.from([0, 1, 2, 255]))
    ch.sendToQueue('orders', Buffer.from('plain text ünïcødé'))
    await ch.waitForConfirms()

    const first = await peekOk('queue:orders')
    expect(first.messages).toHaveLength(3)
    const [json, binary, text] = first.messages as [PeekedMessage, PeekedMessage, PeekedMessage]
    expect(json).toMatchObject({
      id: '1',
      body: '{"order":1}',
      encoding: 'utf8',
      size: 11,
      headers,
      properties: {
        contentType: 'application/json',
        contentEncoding: 'identity',
        messageId: 'm-1',
        correlationId: 'c-1',
        replyTo: 'replies',
        priority: 4,
        timestamp: 1_700_000_000,
        type: 'order.created',
        appId: 'billing-service',
        deliveryMode: 2,
        expiration: '600000',
      },
    })
    expect(json.xDeath).toBeUndefined()
    expect(binary).toMatchObject({ body: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64', size: 4 })
    expect(text).toMatchObject({ body: 'plain text ünïcødé', encoding: 'utf8' })
    expect(first.warnings.join(' ')).toMatch(/redelivered.*order may shift/)

    for (let i = 0; i < 10; i++) {
      const again = await peekOk('queue:orders')
      expect(again.messages.map((m) => m.body)).toEqual(first.messages.map((m) => m.body))
      expect(again.messages.every((m) => m.redelivered)).toBe(true)
    }
    await expect.poll(() => ready('orders'), { timeout: 3000 }).toBe(3) // browsed messages are back once the browse channel closes
    expect(await drain('orders')).toEqual(['{"order":1}', Buffer.from([0, 1, 2, 255]).toString('utf8'), 'plain text ünïcødé'])
  })

  it('shows a gzip-encoded body decompressed and keeps the stored bytes', async () => {
    await ch.assertQueue('zipped')
    const json = JSON.stringify({ order: 7, lines: Array.from({ length: 20 }, (_, i) => ({ sku: `S-${i}` })) })
    const stored = gzipSync(json)
    ch.sendToQueue('zipped', stored, { contentType: 'application/json', contentEncoding: 'gzip' })
    await ch.waitForConfirms()
    const [message] = (await peekOk('queue:zipped')).messages
    expect(message).toMatchObject({
      encoding: 'base64',
      body: stored.toString('base64'),
      size: stored.length,
      decoded: { contentEncoding: 'gzip', encoding: 'utf8', body: json, size: json.length },
    })
  })

  it('pages: count limits the page and the rest stays', async () => {
    await ch.assertQueue('paged')
    for (let i = 0; i < 7; i++) ch.sendToQueue('paged', Buffer.from(`p${i}`))
    await ch.waitForConfirms()
    const page = await peekOk('queue:paged', { count: 5 })
    expect(page.messages.map((m) => m.body)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4'])
    await expect.poll(() => ready('paged'), { timeout: 3000 }).toBe(7) // browsed messages are back once the browse channel closes
    expect(await peek('queue:paged', { count: 1001 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
  })

  it('a quorum queue with delivery limit 2: browsing as often as allowed never dead-letters or drops a message', async () => {
    await ch.assertExchange('q.dlx', 'fanout')
    await ch.assertQueue('q.dlq')
    await ch.bindQueue('q.dlq', 'q.dlx', '')
    await ch.assertQueue('limited', { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2, 'x-dead-letter-exchange': 'q.dlx' } })
    for (let i = 0; i < 3; i++) ch.sendToQueue('limited', Buffer.from(`job ${i}`), { messageId: `job-${i}` })
    await ch.waitForConfirms()

    // Without accepting the risk: refused before anything is fetched, saying why.
    const refused = await peek('queue:limited')
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringMatching(/delivery limit of 2.*delivery attempt/) } })

    const outcomes: Envelope<unknown>[] = []
    for (let i = 0; i < 6; i++) outcomes.push(await peek('queue:limited', { acceptDeliveryLimitRisk: true }))
    const allowed = outcomes.filter((o) => o.ok)
    expect(allowed.length).toBeGreaterThanOrEqual(1)
    const firstPage = (allowed[0] as { data: PeekResult }).data
    expect(firstPage.messages.map((m) => m.body)).toEqual(['job 0', 'job 1', 'job 2'])
    expect(firstPage.warnings.join(' ')).toMatch(/delivery attempt.*limit of 2/)
    // Every browse after the first refusal is refused too, and the first refusal says which message, its count and the limit.
    const firstRefusal = outcomes.findIndex((o) => !o.ok)
    expect(firstRefusal).toBe(allowed.length)
    expect(outcomes.slice(firstRefusal).every((o) => !o.ok)).toBe(true)
    expect(outcomes[firstRefusal]).toMatchObject({
      ok: false,
      error: {
        code: 'UNSUPPORTED',
        message: expect.stringMatching(/message 1 of the page \(message-id job-0\).*delivery count 1 and the delivery limit is 2/),
      },
    })

    // Dead-lettering is asynchronous: watch for a second that nothing reaches the dead-letter queue.
    await expectStays(
      'q.dlq ready',
      () => ready('q.dlq'),
      (n) => n === 0,
      1000,
    )
    await expect.poll(() => ready('limited'), { timeout: 3000 }).toBe(3) // browsed messages are back once the browse channel closes
    // The refused browse returned job 0 on its own, so it went behind the others: order may shift, nothing is lost.
    expect((await drain('limited')).sort()).toEqual(['job 0', 'job 1', 'job 2'])
  })

  it('a stream queue browses from first, from an offset and from a timestamp', async () => {
    await ch.assertQueue('audit', { durable: true, arguments: { 'x-queue-type': 'stream' } })
    for (let i = 0; i < 5; i++) ch.sendToQueue('audit', Buffer.from(`early ${i}`), { headers: { n: i } })
    await ch.waitForConfirms()
    // Time is what this test reads by: the broker stamps each chunk when it writes it (before it
    // confirms), and a browse from a timestamp starts at a whole second. So the early chunks lie in
    // the second the confirms came back in or before, and `between` is the start of the next one:
    // wait for the clock to cross into it (the broker shares this machine's clock).
    const confirmedIn = Math.floor(Date.now() / 1000)
    const between = await pollUntil('the next whole second', () => (Math.floor(Date.now() / 1000) > confirmedIn ? Date.now() : undefined), {
      timeoutMs: 5000,
      everyMs: 10,
    })
    for (let i = 0; i < 3; i++) ch.sendToQueue('audit', Buffer.from(`late ${i}`))
    await ch.waitForConfirms()

    const all = await peekOk('queue:audit', { from: { type: 'first' } })
    expect(all.messages.map((m) => m.body)).toEqual(['early 0', 'early 1', 'early 2', 'early 3', 'early 4', 'late 0', 'late 1', 'late 2'])
    expect(all.messages.map((m) => m.streamOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(all.messages[2]).toMatchObject({ id: '2', headers: { n: 2 }, redelivered: false })
    expect((await peekOk('queue:audit', { count: 2 })).messages.map((m) => m.body)).toEqual(['early 0', 'early 1'])
    expect((await peekOk('queue:audit', { from: { type: 'offset', value: 6 } })).messages.map((m) => m.body)).toEqual(['late 1', 'late 2'])
    expect((await peekOk('queue:audit', { from: { type: 'timestamp', value: between } })).messages.map((m) => m.body)).toEqual(['late 0', 'late 1', 'late 2'])
    // Browsing a stream consumes nothing: from the start again, everything is still there.
    expect((await peekOk('queue:audit')).messages).toHaveLength(8)
  })

  it('messages dead-lettered by the broker show their x-death reason and origin queue', async () => {
    await ch.assertExchange('work.dlx', 'fanout')
    await ch.assertQueue('work.dead')
    await ch.bindQueue('work.dead', 'work.dlx', '')
    await ch.assertQueue('work', { arguments: { 'x-dead-letter-exchange': 'work.dlx' } })
    ch.sendToQueue('work', Buffer.from('poison'), { messageId: 'p-1' })
    await ch.waitForConfirms()
    const worker = await client.createChannel()
    const m = await worker.get('work')
    expect(m).not.toBe(false)
    worker.reject(m as amqp.GetMessage, false)
    await worker.close()
    await expect.poll(() => ready('work.dead')).toBe(1)

    const before = Date.now()
    const { messages } = await peekOk('queue:work.dead')
    expect(messages).toHaveLength(1)
    const [dead] = messages as [PeekedMessage]
    expect(dead).toMatchObject({ body: 'poison', properties: { messageId: 'p-1' } })
    expect(dead.xDeath).toEqual([{ reason: 'rejected', count: 1, queue: 'work', exchange: '', routingKeys: ['work'], time: expect.any(Number) }])
    expect(Math.abs(dead.xDeath![0]!.time! - before)).toBeLessThan(60_000)
    await expect.poll(() => ready('work.dead'), { timeout: 3000 }).toBe(1) // browsed messages are back once the browse channel closes
  })

  it('a missing queue is NOT_FOUND and the connection stays usable', async () => {
    expect(await peek('queue:no-such-queue')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: `queue "no-such-queue" does not exist in vhost "${vhost.name}"` },
    })
    await ch.assertQueue('after-missing')
    ch.sendToQueue('after-missing', Buffer.from('still fine'))
    await ch.waitForConfirms()
    expect((await peekOk('queue:after-missing')).messages.map((m) => m.body)).toEqual(['still fine'])
    expect(await ok('messages:publish', { connectionId: rw, target: 'queue:after-missing', body: 'x' })).toEqual({ routed: true })
    expect(await peek('exchange:amq.topic')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
  })

  it('without the management API: a missing queue is NOT_FOUND on a throw-away channel, streams still browse', async () => {
    const degraded = await profile('no-management', { managementUrl: 'http://127.0.0.1:1' })
    expect(await peek('queue:no-such-queue', {}, degraded)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    await ch.assertQueue('plain')
    ch.sendToQueue('plain', Buffer.from('hello'))
    await ch.waitForConfirms()
    const plain = await ok<PeekResult>('messages:peek', { connectionId: degraded, source: 'queue:plain' })
    expect(plain.messages.map((m) => m.body)).toEqual(['hello'])
    expect(plain.warnings.join(' ')).toMatch(/management API is unavailable/)
    const stream = await ok<PeekResult>('messages:peek', { connectionId: degraded, source: 'queue:audit', count: 3 })
    expect(stream.messages.map((m) => m.streamOffset)).toEqual([0, 1, 2])
    await expect.poll(() => ready('plain'), { timeout: 3000 }).toBe(1) // browsed messages are back once the browse channel closes
    // A stream cannot be purged, and trying must not take the connection down.
    expect(await call('sources:purge', { connectionId: degraded, source: 'queue:audit', confirm: 'audit' })).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED' },
    })
    expect(await call('sources:purge', { connectionId: rw, source: 'queue:audit', confirm: 'audit' })).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED', message: expect.stringMatching(/is a stream/) },
    })
    expect(core.workspace.status(degraded)?.state).toBe('open')
    expect((await ok<PeekResult>('messages:peek', { connectionId: degraded, source: 'queue:plain' })).messages).toHaveLength(1)
  })

  it('purge removes ready messages, reports the count, and needs the queue name typed', async () => {
    await ch.assertQueue('to-purge')
    for (let i = 0; i < 5; i++) ch.sendToQueue('to-purge', Buffer.from(`x${i}`))
    await ch.waitForConfirms()
    // One message held unacked by a consumer elsewhere: purge leaves it.
    const holder = await client.createChannel()
    const held = await holder.get('to-purge')
    expect(held).not.toBe(false)

    expect(await call('sources:purge', { connectionId: rw, source: 'queue:to-purge', confirm: 'to-purg' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/type the queue name "to-purge" exactly/) },
    })
    await expect.poll(() => ready('to-purge'), { timeout: 3000 }).toBe(4) // browsed messages are back once the browse channel closes
    expect(await call('sources:purge', { connectionId: ro, source: 'queue:to-purge', confirm: 'to-purge' })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    })
    await expect.poll(() => ready('to-purge'), { timeout: 3000 }).toBe(4) // browsed messages are back once the browse channel closes

    expect(await ok('sources:purge', { connectionId: rw, source: 'queue:to-purge', confirm: 'to-purge' })).toEqual({ purged: 4 })
    expect(await ready('to-purge')).toBe(0)
    holder.nack(held as amqp.GetMessage, false, true)
    await holder.close()
    expect(await drain('to-purge')).toEqual(['x0'])
    expect(await call('sources:purge', { connectionId: rw, source: 'queue:gone', confirm: 'gone' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('a read-only profile may still browse', async () => {
    await ch.assertQueue('ro-browse')
    ch.sendToQueue('ro-browse', Buffer.from('look only'))
    await ch.waitForConfirms()
    expect(await ok<PeekResult>('messages:peek', { connectionId: ro, source: 'queue:ro-browse' })).toMatchObject({ messages: [{ body: 'look only' }] })
    await expect.poll(() => ready('ro-browse'), { timeout: 3000 }).toBe(1) // browsed messages are back once the browse channel closes
  })
})
