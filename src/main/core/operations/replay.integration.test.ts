import * as amqp from 'amqplib'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProfileView } from '../../../shared/model'
import type { ReplayProgress, ReplayReport } from '../../../shared/replay'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../../../test-support/brokers'
import { startTcpProxy } from '../../../test-support/tcp-proxy'
import { createDispatcher } from '../dispatch'
import { createCore, type Core } from '../core'
import { DEFAULT_REPLAY_WINDOW } from './replay.engine'

/** The replay engine through the contract, against a real RabbitMQ, in a vhost of this file's own. */
describe('replay (real RabbitMQ)', () => {
  let vhost: TestVhost
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let core: Core
  let call: ReturnType<typeof createDispatcher>
  let rabbit: ProfileView

  const ok = async <T>(channel: string, payload: unknown): Promise<T> => {
    const envelope = await call(channel, payload)
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`)
    return envelope.data as T
  }

  const count = async (queue: string): Promise<number> => (await ch.checkQueue(queue)).messageCount

  /** Everything in a queue, consumed by another client. */
  async function drain(queue: string): Promise<amqp.GetMessage[]> {
    const out: amqp.GetMessage[] = []
    for (;;) {
      const message = await ch.get(queue, { noAck: true })
      if (message === false) return out
      out.push(message)
    }
  }

  async function fill(queue: string, n: number, options: (i: number) => amqp.Options.Publish = (i) => ({ messageId: `m-${i}` })): Promise<void> {
    await ch.assertQueue(queue)
    for (let i = 0; i < n; i++) {
      if (!ch.sendToQueue(queue, Buffer.from(JSON.stringify({ n: i, tenant: i % 2 ? 'acme' : 'globex' })), options(i))) {
        await new Promise((resolve) => ch.once('drain', resolve))
      }
    }
    await ch.waitForConfirms()
  }

  beforeAll(async () => {
    vhost = await createTestVhost('replay')
    client = await amqp.connect(vhost.url)
    ch = await client.createConfirmChannel()
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-replay-')), mode: 'web', version: 'test' })
    call = createDispatcher(core)
    rabbit = await ok<ProfileView>('profiles:save', {
      name: 'rabbit',
      broker: 'rabbitmq',
      url: vhost.url.replace('guest:guest@', 'guest@'),
      password: 'guest',
      managementUrl: MANAGEMENT_URL,
    })
    expect(await ok('connection:connect', { profileId: rabbit.id })).toMatchObject({ state: 'open' })
  })

  afterAll(async () => {
    await core?.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
  })

  it('moves 10,000 dead-lettered messages back to their origin: each id once, the DLQ empty, properties and headers intact', async () => {
    await ch.assertExchange('orders.dlx', 'fanout')
    await ch.assertQueue('orders.dlq')
    await ch.bindQueue('orders.dlq', 'orders.dlx', '')
    await ch.assertExchange('orders', 'direct')
    await ch.assertQueue('orders.created', { arguments: { 'x-dead-letter-exchange': 'orders.dlx' } })
    await ch.bindQueue('orders.created', 'orders', 'created')
    const N = 10_000
    for (let i = 0; i < N; i++) {
      const sent = ch.publish('orders', 'created', Buffer.from(`order ${i}`), {
        messageId: `order-${i}`,
        correlationId: `c-${i}`,
        contentType: 'text/plain',
        headers: { tenant: 'acme', seq: i },
      })
      if (!sent) await new Promise((resolve) => ch.once('drain', resolve))
    }
    await ch.waitForConfirms()
    // A consumer that rejects everything: the broker dead-letters each message with x-death.
    const rejecter = await client.createChannel()
    await rejecter.prefetch(500)
    await rejecter.consume('orders.created', (m) => m && rejecter.nack(m, false, false))
    await expect.poll(() => count('orders.dlq'), { timeout: 30_000 }).toBe(N)
    await rejecter.close()

    const progress: ReplayProgress[] = []
    const off = core.replays.onProgress((p) => progress.push(p))
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:orders.dlq',
      to: { toOrigin: true },
      mode: 'move',
      confirm: 'orders.dlq',
    })
    off()
    expect(report).toMatchObject({ total: N, scanned: N, published: N, acknowledged: N, failed: 0, skipped: 0, left: 0, duplicates: 0, cancelled: false })
    expect(report.error).toBeUndefined()
    expect(progress.at(-1)).toMatchObject({ scanned: N, total: N })
    expect(await count('orders.dlq')).toBe(0)

    const back = await drain('orders.created')
    const ids = back.map((m) => m.properties.messageId as string)
    expect(new Set(ids).size).toBe(N)
    expect(ids.length).toBe(N)
    const sample = back.find((m) => m.properties.messageId === 'order-1234')!
    expect(sample.content.toString()).toBe('order 1234')
    expect(sample.properties).toMatchObject({ correlationId: 'c-1234', contentType: 'text/plain' })
    expect(sample.properties.headers).toMatchObject({ tenant: 'acme', seq: 1234, 'qs-replayed-from': 'queue:orders.dlq', 'qs-replay-count': 1 })
    // x-death is the broker's history and stays as it was.
    expect(sample.properties.headers?.['x-death']).toEqual([
      expect.objectContaining({ reason: 'rejected', queue: 'orders.created', exchange: 'orders', 'routing-keys': ['created'] }),
    ])

    const journal = await readFile(join(core.configDir, 'replays.ndjson'), 'utf8')
    expect(journal).toContain('"order-1234"')
    const { replays } = await ok<{ replays: { id: string; report?: ReplayReport }[] }>('replay:list', {})
    expect(replays[0]).toMatchObject({ id: report.id, source: 'queue:orders.dlq', mode: 'move', report: { acknowledged: N } })
  })

  it('a replay into its own source with "all that are there now" stops after the initial count', async () => {
    await fill('loop', 500)
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:loop',
      to: { connectionId: rabbit.id, target: 'queue:loop' },
      mode: 'move',
      confirm: 'loop',
    })
    expect(report).toMatchObject({ total: 500, scanned: 500, published: 500, acknowledged: 500, left: 0 })
    const after = await drain('loop')
    expect(after).toHaveLength(500)
    expect(after.every((m) => m.properties.headers?.['qs-replay-count'] === 1)).toBe(true)
    expect(after.map((m) => m.properties.messageId)).toEqual(Array.from({ length: 500 }, (_, i) => `m-${i}`))
  })

  it('a dry run lists what would go and changes nothing', async () => {
    await fill('dry', 40)
    await ch.assertQueue('dry.target')
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:dry',
      to: { connectionId: rabbit.id, target: 'queue:dry.target' },
      mode: 'move',
      dryRun: true,
      filters: [{ field: 'body', name: 'tenant', op: 'equals', value: 'acme' }],
    })
    expect(report).toMatchObject({ dryRun: true, total: 40, scanned: 40, published: 20, skipped: 20, acknowledged: 0, left: 40 })
    expect(report.preview.map((p) => p.id)).toEqual(Array.from({ length: 20 }, (_, i) => `m-${2 * i + 1}`))
    expect(report.preview[0]).toMatchObject({ exchange: '', routingKeys: ['dry.target'] })
    await expect.poll(() => count('dry'), { timeout: 3000 }).toBe(40)
    expect(await count('dry.target')).toBe(0)
    expect((await drain('dry')).map((m) => m.properties.messageId)).toEqual(Array.from({ length: 40 }, (_, i) => `m-${i}`))
  })

  it('copies with filters on headers and properties, leaving the source as it was', async () => {
    await fill('copy.src', 30, (i) => ({ messageId: `m-${i}`, type: i < 10 ? 'order.created' : 'order.paid', headers: { region: i % 3 === 0 ? 'eu' : 'us' } }))
    await ch.assertQueue('copy.dst')
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:copy.src',
      to: { connectionId: rabbit.id, target: 'queue:copy.dst' },
      mode: 'copy',
      filters: [
        { field: 'property', name: 'type', op: 'contains', value: 'created' },
        { field: 'header', name: 'region', op: 'equals', value: 'eu' },
      ],
    })
    expect(report).toMatchObject({ mode: 'copy', scanned: 30, published: 4, skipped: 26, acknowledged: 0, left: 30 })
    expect((await drain('copy.dst')).map((m) => m.properties.messageId)).toEqual(['m-0', 'm-3', 'm-6', 'm-9'])
    await expect.poll(() => count('copy.src'), { timeout: 3000 }).toBe(30)

    // A selection from the message browser, by message id: only those, and it stops once found.
    const selected = await ok<ReplayReport>('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:copy.src',
      to: { connectionId: rabbit.id, target: 'queue:copy.dst' },
      mode: 'move',
      confirm: 'copy.src',
      messageIds: ['m-2', 'm-5'],
    })
    expect(selected).toMatchObject({ published: 2, acknowledged: 2, scanned: 6 })
    expect((await drain('copy.dst')).map((m) => m.properties.messageId)).toEqual(['m-2', 'm-5'])
    await expect.poll(() => count('copy.src'), { timeout: 3000 }).toBe(28)
  })

  it('unroutable targets fail without losing the source messages; a move needs the typed confirmation', async () => {
    await fill('stuck', 25)
    await ch.assertExchange('nowhere', 'topic')
    const refused = await call('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:stuck',
      to: { connectionId: rabbit.id, target: 'exchange:nowhere', routingKey: 'x' },
      mode: 'move',
    })
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('type the source name "stuck"') } })
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:stuck',
      to: { connectionId: rabbit.id, target: 'exchange:nowhere', routingKey: 'x' },
      mode: 'move',
      confirm: 'stuck',
    })
    expect(report).toMatchObject({ scanned: 25, published: 0, failed: 25, acknowledged: 0, left: 25 })
    expect(report.failures[0]).toMatchObject({
      id: 'm-0',
      exchange: 'nowhere',
      routingKeys: ['x'],
      reason: expect.stringContaining('unroutable at the target (NO_ROUTE)'),
    })
    await expect.poll(() => count('stuck'), { timeout: 3000 }).toBe(25)

    const missing = await ok<ReplayReport>('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:stuck',
      to: { connectionId: rabbit.id, target: 'exchange:no-such-exchange' },
      mode: 'move',
      confirm: 'stuck',
    })
    expect(missing).toMatchObject({ published: 0, acknowledged: 0, error: expect.stringContaining('exchange "no-such-exchange" does not exist') })
    await expect.poll(() => count('stuck'), { timeout: 3000 }).toBe(25)
    const noQueue = await call('replay:start', { connectionId: rabbit.id, source: 'queue:no-such-queue', to: { toOrigin: true }, mode: 'copy' })
    expect(noQueue).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('queue "no-such-queue" does not exist') } })
  })

  it('cancel mid-way stops cleanly with a report that matches both queues', async () => {
    await fill('slow', 2000)
    await ch.assertQueue('slow.dst')
    let published = 0
    const off = core.replays.onProgress((p) => {
      if (p.id === 'cancel-me') published = p.published
    })
    const running = ok<ReplayReport>('replay:start', {
      id: 'cancel-me',
      connectionId: rabbit.id,
      source: 'queue:slow',
      to: { connectionId: rabbit.id, target: 'queue:slow.dst' },
      mode: 'move',
      confirm: 'slow',
      rate: 400,
    })
    // Mid-way: once some have gone (at 400/s the whole move takes 5 s), not after a fixed time.
    await expect.poll(() => published, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0)
    off()
    expect(await ok('replay:cancel', { id: 'cancel-me' })).toEqual({ cancelled: true })
    const report = await running
    expect(report.cancelled).toBe(true)
    expect(report.published).toBeGreaterThan(0)
    expect(report.published).toBeLessThan(2000)
    expect(report.acknowledged).toBe(report.published)
    expect(report.left).toBe(2000 - report.published)
    await expect.poll(() => count('slow'), { timeout: 3000 }).toBe(report.left)
    expect(await count('slow.dst')).toBe(report.published)
  })

  it('when the broker connection is cut in the middle of a 50,000-message move, no message is lost and duplicates stay within the window', async () => {
    const N = 50_000
    await fill('big.src', N)
    await ch.assertQueue('big.dst')
    const proxy = await startTcpProxy(5672)
    try {
      const flaky = await ok<ProfileView>('profiles:save', {
        name: 'flaky',
        broker: 'rabbitmq',
        url: vhost.url.replace('guest:guest@', 'guest@').replace(':5672/', `:${proxy.port}/`),
        password: 'guest',
        managementUrl: MANAGEMENT_URL,
      })
      await ok('connection:connect', { profileId: flaky.id })
      const running = call('replay:start', {
        connectionId: flaky.id,
        source: 'queue:big.src',
        to: { connectionId: flaky.id, target: 'queue:big.dst' },
        mode: 'move',
        confirm: 'big.src',
      })
      await expect.poll(() => count('big.dst'), { timeout: 30_000, interval: 50 }).toBeGreaterThan(5000)
      proxy.cut()
      const envelope = await running
      // Either the engine reports the failure in its report, or (cut before it started) as an error.
      expect(envelope.ok).toBe(true)
      const report = (envelope as { data: ReplayReport }).data
      expect(report.error).toMatch(/connection|closed|channel/i)
      expect(report.acknowledged).toBeLessThan(N)

      // The broker requeues what was not acknowledged, in its own time: wait until every message
      // is back in one queue or the other (duplicates counted twice), then count every id.
      await expect.poll(async () => (await count('big.src')) + (await count('big.dst')), { timeout: 15_000, interval: 200 }).toBeGreaterThanOrEqual(N)
      const inSource = (await drain('big.src')).map((m) => m.properties.messageId as string)
      const inTarget = (await drain('big.dst')).map((m) => m.properties.messageId as string)
      const all = new Set([...inSource, ...inTarget])
      expect(all.size).toBe(N)
      const source = new Set(inSource)
      const duplicates = inTarget.filter((id) => source.has(id)).length
      expect(new Set(inTarget).size).toBe(inTarget.length)
      expect(duplicates).toBeLessThanOrEqual(DEFAULT_REPLAY_WINDOW)
      expect(duplicates).toBeLessThanOrEqual(report.duplicates)
    } finally {
      await proxy.close()
    }
  }, 120_000)
})
