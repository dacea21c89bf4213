import * as amqp from 'amqplib'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProfileView } from '../../../shared/model'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, type TestRedis, type TestVhost } from '../../../test-support/brokers'
import { createTestCore, drainQueue, type TestCore } from '../../../test-support/core'

/** Export to NDJSON and import back, against real brokers (own vhost and key prefix). */
describe('export and import (real RabbitMQ and Redis)', () => {
  let vhost: TestVhost
  let redis: TestRedis
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let t: TestCore
  let call: TestCore['call']
  let ok: TestCore['ok']
  let rabbit: ProfileView
  let red: ProfileView
  let dir: string
  const drain = (queue: string) => drainQueue(ch, queue)

  beforeAll(async () => {
    vhost = await createTestVhost('transfer')
    redis = await createTestRedis('transfer')
    client = await amqp.connect(vhost.url)
    ch = await client.createConfirmChannel()
    t = await createTestCore('transfer', { caller: 'local' })
    ;({ call, ok, configDir: dir } = t)
    rabbit = await t.connectRabbit(vhost)
    red = await t.connectRedis()
  })

  afterAll(async () => {
    await t?.core.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
    await redis?.remove()
  })

  it('exports a queue without consuming it and imports it elsewhere, byte for byte', async () => {
    await ch.assertQueue('export.src')
    await ch.assertQueue('import.dst')
    const binary = Buffer.from([0, 159, 146, 150, 255])
    for (let i = 0; i < 1000; i++) {
      ch.sendToQueue('export.src', i === 3 ? binary : Buffer.from(`message ${i}`), {
        messageId: `x-${i}`,
        type: 'thing',
        headers: { seq: i, tags: ['a', 'b'] },
      })
    }
    await ch.waitForConfirms()
    // Export creates no folders: a missing one is an error before the source is touched.
    const file = join(dir, 'out', 'queue.ndjson')
    expect(await call('messages:export', { connectionId: rabbit.id, source: 'queue:export.src', path: file })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringContaining('creates no folders') },
    })
    await mkdir(join(dir, 'out'))
    expect(await ok('messages:export', { connectionId: rabbit.id, source: 'queue:export.src', path: file })).toEqual({ exported: 1000, path: file })
    await expect.poll(async () => (await ch.checkQueue('export.src')).messageCount, { timeout: 3000 }).toBe(1000)
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n')
    expect(lines).toHaveLength(1000)
    expect(JSON.parse(lines[0]!)).toMatchObject({
      body: Buffer.from('message 0').toString('base64'),
      properties: { messageId: 'x-0', type: 'thing' },
      headers: { seq: 0, tags: ['a', 'b'] },
      origin: { source: 'queue:export.src', routingKey: 'export.src' },
    })

    expect(await ok('messages:import', { connectionId: rabbit.id, target: 'queue:import.dst', path: file })).toEqual({
      published: 1000,
      failed: 0,
      failures: [],
    })
    const imported = await drain('import.dst')
    expect(imported.map((m) => m.properties.messageId)).toEqual(Array.from({ length: 1000 }, (_, i) => `x-${i}`))
    expect(imported[3]!.content).toEqual(binary)
    expect(imported[9]!.properties.headers).toEqual({ seq: 9, tags: ['a', 'b'] })

    const again = await call('messages:export', { connectionId: rabbit.id, source: 'queue:export.src', path: file })
    expect(again).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('already exists') } })
  })

  it('a Redis stream exports with --count and imports into a RabbitMQ exchange with its routing key', async () => {
    const stream = `${redis.prefix}events`
    for (let i = 0; i < 30; i++) await redis.client.xadd(stream, '*', 'body', `{"e":${i}}`, 'kind', 'created')
    const file = join(dir, 'stream.ndjson')
    expect(await ok('messages:export', { connectionId: red.id, source: `stream:${stream}`, path: file, count: 10 })).toMatchObject({ exported: 10 })
    expect(await redis.client.xlen(stream)).toBe(30)
    await ch.assertExchange('events', 'topic')
    await ch.assertQueue('events.created')
    await ch.bindQueue('events.created', 'events', 'created')
    expect(await ok('messages:import', { connectionId: rabbit.id, target: 'exchange:events', path: file, routingKey: 'created' })).toMatchObject({
      published: 10,
      failed: 0,
    })
    const arrived = await drain('events.created')
    expect(arrived.map((m) => m.content.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `{"e":${i}}`))
    expect(arrived[0]!.properties.headers).toEqual({ kind: 'created' })
    const unrouted = await ok<{ published: number; failed: number; failures: string[] }>('messages:import', {
      connectionId: rabbit.id,
      target: 'exchange:events',
      path: file,
      routingKey: 'nobody',
    })
    expect(unrouted).toMatchObject({ published: 0, failed: 10 })
    expect(unrouted.failures[0]).toBe('line 1: not routed (NO_ROUTE)')
  })

  it('an export that finds fewer messages than the source held says so (a browse holds them meanwhile)', async () => {
    await ch.assertQueue('held')
    for (let i = 0; i < 5; i++) ch.sendToQueue('held', Buffer.from(`h${i}`))
    await ch.waitForConfirms()
    // Another client holds every message unacknowledged while the export runs.
    const holder = await client.createChannel()
    const held: unknown[] = []
    await holder.consume('held', (m) => void held.push(m), { noAck: false })
    await expect.poll(() => held.length).toBe(5)
    // The management API's statistics come every 5 s: export once they count the held messages.
    await expect
      .poll(
        async () =>
          (
            (await (
              await fetch(`${MANAGEMENT_URL}/api/queues/${encodeURIComponent(vhost.name)}/held`, {
                headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
              })
            ).json()) as { messages_unacknowledged?: number }
          ).messages_unacknowledged,
        { timeout: 20_000 },
      )
      .toBe(5)
    const file = join(dir, 'held.ndjson')
    const result = await ok<{ exported: number; warnings?: string[] }>('messages:export', {
      connectionId: rabbit.id,
      source: 'queue:held',
      path: file,
      count: 5,
    })
    expect(result.exported).toBe(0)
    expect(result.warnings).toEqual([expect.stringMatching(/^5 more messages were delivered to consumers and not acknowledged, so not exported/)])
    await holder.close()
    await expect.poll(async () => (await ch.checkQueue('held')).messageCount).toBe(5)
  })

  it('a malformed line stops the import and says which; a missing file is a clear error', async () => {
    const file = join(dir, 'broken.ndjson')
    await writeFile(file, `${JSON.stringify({ body: Buffer.from('ok').toString('base64') })}\n{not json\n${JSON.stringify({ body: 'eA==' })}\n`)
    await ch.assertQueue('broken.dst')
    expect(await call('messages:import', { connectionId: rabbit.id, target: 'queue:broken.dst', path: file })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('line 2 is not a Queuescope export line (not JSON)') },
    })
    expect((await drain('broken.dst')).map((m) => m.content.toString())).toEqual(['ok'])
    expect(await call('messages:import', { connectionId: rabbit.id, target: 'queue:broken.dst', path: join(dir, 'nope.ndjson') })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringContaining('cannot read') },
    })
  })
})
