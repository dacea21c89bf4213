/**
 * The replay engine through the contract against a real RabbitMQ, in a vhost of its own: the
 * fixture replay.integration.test.ts works with, and the two checks that run at two sizes (a
 * moderate one there, the large one in the soak tier: replay.soak.test.ts).
 */
import * as amqp from 'amqplib'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { ProfileView } from '../shared/model'
import type { ReplayProgress, ReplayReport } from '../shared/replay'
import { createCore, type Core } from '../main/core/core'
import { createDispatcher, type Dispatcher } from '../main/core/dispatch'
import { DEFAULT_REPLAY_WINDOW } from '../main/core/operations/replay.engine'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from './brokers'
import { startTcpProxy } from './tcp-proxy'

export interface ReplayFixture {
  vhost: TestVhost
  client: amqp.ChannelModel
  ch: amqp.ConfirmChannel
  core: Core
  call: Dispatcher
  /** A RabbitMQ profile on the vhost, connected. */
  rabbit: ProfileView
  /** The call's data, or a thrown error with its code and message. */
  ok<T>(channel: string, payload: unknown): Promise<T>
  /** Ready messages in a queue. */
  count(queue: string): Promise<number>
  /** Everything in a queue, consumed by another client. */
  drain(queue: string): Promise<amqp.GetMessage[]>
  /** Declares the queue and publishes `n` JSON messages (message ids m-0, m-1, …) with confirms. */
  fill(queue: string, n: number, options?: (i: number) => amqp.Options.Publish): Promise<void>
  close(): Promise<void>
}

export async function openReplayFixture(label: string): Promise<ReplayFixture> {
  const vhost = await createTestVhost(label)
  const client = await amqp.connect(vhost.url)
  const ch = await client.createConfirmChannel()
  const core = await createCore({ configDir: await mkdtemp(join(tmpdir(), `qs-${label}-`)), mode: 'web', version: 'test' })
  const call = createDispatcher(core)
  const ok = async <T>(channel: string, payload: unknown): Promise<T> => {
    const envelope = await call(channel, payload)
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`)
    return envelope.data as T
  }
  const rabbit = await ok<ProfileView>('profiles:save', {
    name: 'rabbit',
    broker: 'rabbitmq',
    url: vhost.url.replace('guest:guest@', 'guest@'),
    password: 'guest',
    managementUrl: MANAGEMENT_URL,
  })
  expect(await ok('connection:connect', { profileId: rabbit.id })).toMatchObject({ state: 'open' })
  return {
    vhost,
    client,
    ch,
    core,
    call,
    rabbit,
    ok,
    count: async (queue) => (await ch.checkQueue(queue)).messageCount,
    drain: async (queue) => {
      const out: amqp.GetMessage[] = []
      for (;;) {
        const message = await ch.get(queue, { noAck: true })
        if (message === false) return out
        out.push(message)
      }
    },
    fill: async (queue, n, options = (i) => ({ messageId: `m-${i}` })) => {
      await ch.assertQueue(queue)
      for (let i = 0; i < n; i++) {
        if (!ch.sendToQueue(queue, Buffer.from(JSON.stringify({ n: i, tenant: i % 2 ? 'acme' : 'globex' })), options(i))) {
          await new Promise((resolve) => ch.once('drain', resolve))
        }
      }
      await ch.waitForConfirms()
    },
    close: async () => {
      await core.close()
      await client.close().catch(() => undefined)
      await vhost.remove()
    },
  }
}

/**
 * `n` messages dead-lettered by a consumer that rejects them, moved back to their origin: each id
 * once, the DLQ empty, properties and headers intact (message order-1234 is looked at: n > 1234).
 */
export async function moveDeadLettersToOrigin(fx: ReplayFixture, n: number): Promise<void> {
  const { ch, core, rabbit, client } = fx
  await ch.assertExchange('orders.dlx', 'fanout')
  await ch.assertQueue('orders.dlq')
  await ch.bindQueue('orders.dlq', 'orders.dlx', '')
  await ch.assertExchange('orders', 'direct')
  await ch.assertQueue('orders.created', { arguments: { 'x-dead-letter-exchange': 'orders.dlx' } })
  await ch.bindQueue('orders.created', 'orders', 'created')
  for (let i = 0; i < n; i++) {
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
  await expect.poll(() => fx.count('orders.dlq'), { timeout: 30_000 }).toBe(n)
  await rejecter.close()

  const progress: ReplayProgress[] = []
  const off = core.replays.onProgress((p) => progress.push(p))
  const report = await fx.ok<ReplayReport>('replay:start', {
    connectionId: rabbit.id,
    source: 'queue:orders.dlq',
    to: { toOrigin: true },
    mode: 'move',
    confirm: 'orders.dlq',
  })
  off()
  expect(report).toMatchObject({ total: n, scanned: n, published: n, acknowledged: n, failed: 0, skipped: 0, left: 0, duplicates: 0, cancelled: false })
  expect(report.error).toBeUndefined()
  expect(progress.at(-1)).toMatchObject({ scanned: n, total: n })
  expect(await fx.count('orders.dlq')).toBe(0)

  const back = await fx.drain('orders.created')
  const ids = back.map((m) => m.properties.messageId as string)
  expect(new Set(ids).size).toBe(n)
  expect(ids.length).toBe(n)
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
  const { replays } = await fx.ok<{ replays: { id: string; report?: ReplayReport }[] }>('replay:list', {})
  expect(replays[0]).toMatchObject({ id: report.id, source: 'queue:orders.dlq', mode: 'move', report: { acknowledged: n } })
}

/**
 * A move of `n` messages whose broker connection is cut once a tenth of them has arrived: no
 * message is lost, and duplicates stay within the replay window.
 */
export async function cutMidMove(fx: ReplayFixture, n: number): Promise<void> {
  const { ch, vhost } = fx
  await fx.fill('big.src', n)
  await ch.assertQueue('big.dst')
  const proxy = await startTcpProxy(5672)
  try {
    const flaky = await fx.ok<ProfileView>('profiles:save', {
      name: 'flaky',
      broker: 'rabbitmq',
      url: vhost.url.replace('guest:guest@', 'guest@').replace(':5672/', `:${proxy.port}/`),
      password: 'guest',
      managementUrl: MANAGEMENT_URL,
    })
    await fx.ok('connection:connect', { profileId: flaky.id })
    const running = fx.call('replay:start', {
      connectionId: flaky.id,
      source: 'queue:big.src',
      to: { connectionId: flaky.id, target: 'queue:big.dst' },
      mode: 'move',
      confirm: 'big.src',
    })
    await expect.poll(() => fx.count('big.dst'), { timeout: 30_000, interval: 50 }).toBeGreaterThan(n / 10)
    proxy.cut()
    const envelope = await running
    // Either the engine reports the failure in its report, or (cut before it started) as an error.
    expect(envelope.ok).toBe(true)
    const report = (envelope as { data: ReplayReport }).data
    expect(report.error).toMatch(/connection|closed|channel/i)
    expect(report.acknowledged).toBeLessThan(n)

    // The broker requeues what was not acknowledged, in its own time: wait until every message
    // is back in one queue or the other (duplicates counted twice), then count every id.
    await expect.poll(async () => (await fx.count('big.src')) + (await fx.count('big.dst')), { timeout: 15_000, interval: 200 }).toBeGreaterThanOrEqual(n)
    const inSource = (await fx.drain('big.src')).map((m) => m.properties.messageId as string)
    const inTarget = (await fx.drain('big.dst')).map((m) => m.properties.messageId as string)
    const all = new Set([...inSource, ...inTarget])
    expect(all.size).toBe(n)
    const source = new Set(inSource)
    const duplicates = inTarget.filter((id) => source.has(id)).length
    expect(new Set(inTarget).size).toBe(inTarget.length)
    expect(duplicates).toBeLessThanOrEqual(DEFAULT_REPLAY_WINDOW)
    expect(duplicates).toBeLessThanOrEqual(report.duplicates)
  } finally {
    await proxy.close()
  }
}
