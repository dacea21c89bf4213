import * as amqp from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProfileView } from '../../../shared/model'
import type { ReplayReport } from '../../../shared/replay'
import { createTestRedis, createTestVhost, type TestRedis, type TestVhost } from '../../../test-support/brokers'
import { createTestCore, drainQueue, type TestCore } from '../../../test-support/core'

/** Replay across brokers (RabbitMQ <-> Redis), against real brokers: own vhost and key prefix. */
describe('replay across brokers (real RabbitMQ and Redis)', () => {
  let vhost: TestVhost
  let redis: TestRedis
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let t: TestCore
  let call: TestCore['call']
  let ok: TestCore['ok']
  let rabbit: ProfileView
  let red: ProfileView
  const drain = (queue: string) => drainQueue(ch, queue)

  beforeAll(async () => {
    vhost = await createTestVhost('replay-cross')
    redis = await createTestRedis('replay-cross')
    client = await amqp.connect(vhost.url)
    ch = await client.createConfirmChannel()
    t = await createTestCore('replay-cross')
    ;({ call, ok } = t)
    rabbit = await t.connectRabbit(vhost)
    red = await t.connectRedis()
  })

  afterAll(async () => {
    await t?.core.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
    await redis?.remove()
  })

  it('RabbitMQ queue -> Redis stream and back keeps bodies, properties and headers', async () => {
    const stream = `${redis.prefix}orders`
    await ch.assertQueue('orders')
    await ch.assertQueue('orders.back')
    const binary = Buffer.from([0, 1, 2, 250, 255])
    for (let i = 0; i < 50; i++) {
      ch.sendToQueue('orders', i === 7 ? binary : Buffer.from(JSON.stringify({ order: i })), {
        messageId: `o-${i}`,
        contentType: i === 7 ? 'application/octet-stream' : 'application/json',
        correlationId: `c-${i}`,
        priority: 2,
        headers: { tenant: 'acme', seq: i, nested: { region: 'eu', ids: [1, 2] }, flag: true },
      })
    }
    await ch.waitForConfirms()

    const there = await ok<ReplayReport>('replay:start', {
      connectionId: rabbit.id,
      source: 'queue:orders',
      to: { connectionId: red.id, target: `stream:${stream}` },
      mode: 'move',
      confirm: 'orders',
    })
    expect(there).toMatchObject({ total: 50, published: 50, acknowledged: 50, failed: 0, left: 0 })
    expect((await ch.checkQueue('orders')).messageCount).toBe(0)
    expect(await redis.client.xlen(stream)).toBe(50)
    // Other Redis clients see plain fields: the body, each header, the properties as JSON.
    const [first] = (await redis.client.xrange(stream, '-', '+', 'COUNT', 1)) as [string, string[]][]
    expect(first![1].slice(0, 4)).toEqual(['body', '{"order":0}', 'tenant', 'acme'])

    const back = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `stream:${stream}`,
      to: { connectionId: rabbit.id, target: 'queue:orders.back' },
      mode: 'move',
      confirm: stream,
    })
    expect(back).toMatchObject({ total: 50, published: 50, acknowledged: 50, left: 0 })
    expect(await redis.client.xlen(stream)).toBe(0)
    const arrived = await drain('orders.back')
    expect(arrived.map((m) => m.properties.messageId)).toEqual(Array.from({ length: 50 }, (_, i) => `o-${i}`))
    const seven = arrived[7]!
    expect(seven.content).toEqual(binary)
    const nine = arrived[9]!
    expect(nine.content.toString()).toBe('{"order":9}')
    expect(nine.properties).toMatchObject({ contentType: 'application/json', correlationId: 'c-9', priority: 2 })
    expect(nine.properties.headers).toMatchObject({
      tenant: 'acme',
      seq: 9,
      nested: { region: 'eu', ids: [1, 2] },
      flag: true,
      'qs-replay-count': 2,
      'qs-replayed-from': `stream:${stream}`,
    })
  })

  it('a Redis list used as a queue moves to RabbitMQ in pop order, and nothing is left held', async () => {
    const list = `${redis.prefix}jobs`
    await redis.client.lpush(list, 'job-0', 'job-1', 'job-2', 'job-3', 'job-4') // workers pop job-0 first (right end)
    await ch.assertQueue('jobs')
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `list:${list}`,
      to: { connectionId: rabbit.id, target: 'queue:jobs' },
      mode: 'move',
      confirm: list,
      limit: 3,
    })
    expect(report).toMatchObject({ total: 3, published: 3, acknowledged: 3, left: 0 })
    expect((await drain('jobs')).map((m) => m.content.toString())).toEqual(['job-0', 'job-1', 'job-2'])
    expect(await redis.client.lrange(list, 0, -1)).toEqual(['job-4', 'job-3'])
    const [, held] = await redis.client.scan('0', 'MATCH', `${list}:qs-replay:*`, 'COUNT', 10_000)
    expect(held).toEqual([])
  })

  it('a copy from a list puts every item back in order; a channel nobody listens to fails and loses nothing', async () => {
    const list = `${redis.prefix}copyme`
    await redis.client.lpush(list, 'a', 'b', 'c', 'd')
    const before = await redis.client.lrange(list, 0, -1)
    const copy = `${redis.prefix}copied`
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `list:${list}`,
      to: { connectionId: red.id, target: `list:${copy}` },
      mode: 'copy',
    })
    expect(report).toMatchObject({ published: 4, acknowledged: 0, left: 4 })
    expect(await redis.client.lrange(list, 0, -1)).toEqual(before)
    expect(await redis.client.llen(copy)).toBe(4)

    const lonely = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `list:${list}`,
      to: { connectionId: red.id, target: `channel:${redis.prefix}nobody` },
      mode: 'move',
      confirm: list,
    })
    expect(lonely).toMatchObject({ published: 0, failed: 4, acknowledged: 0, left: 4 })
    expect(lonely.failures[0]?.reason).toMatch(/NO_SUBSCRIBERS/)
    expect(await redis.client.lrange(list, 0, -1)).toEqual(before)
  })

  it('a replay of a stream into itself stops after the entries that were there', async () => {
    const stream = `${redis.prefix}self`
    for (let i = 0; i < 20; i++) await redis.client.xadd(stream, '*', 'body', `e${i}`)
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `stream:${stream}`,
      to: { connectionId: red.id, target: `stream:${stream}` },
      mode: 'move',
      confirm: stream,
    })
    expect(report).toMatchObject({ total: 20, scanned: 20, published: 20, acknowledged: 20 })
    const entries = (await redis.client.xrange(stream, '-', '+')) as [string, string[]][]
    expect(entries.map(([, f]) => f[1])).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`))
  })

  it('back to origin on Redis follows each entry’s qs-origin; one without it fails and stays', async () => {
    const dlq = `${redis.prefix}dlq`
    const orders = `${redis.prefix}origin-orders`
    const jobs = `${redis.prefix}origin-jobs`
    await redis.client.xadd(orders, '*', 'body', 'already-there')
    await redis.client.xadd(dlq, '*', 'body', 'o-1', 'qs-origin', `stream:${orders}`, 'tenant', 'acme')
    await redis.client.xadd(dlq, '*', 'body', 'j-1', 'qs-origin', `list:${jobs}`)
    await redis.client.xadd(dlq, '*', 'body', 'lost')
    await redis.client.xadd(dlq, '*', 'body', 'o-2', 'qs-origin', `stream:${orders}`)
    await redis.client.xadd(dlq, '*', 'body', 'odd', 'qs-origin', 'queue:orders')

    const dry = await ok<ReplayReport>('replay:start', { connectionId: red.id, source: `stream:${dlq}`, to: { toOrigin: true }, mode: 'move', dryRun: true })
    expect(dry).toMatchObject({ total: 5, published: 3, failed: 2, target: 'origin (each message’s qs-origin)', targetConnection: red.id })
    expect(dry.preview.map((item) => item.target)).toEqual([`stream:${orders}`, `list:${jobs}`, `stream:${orders}`])
    expect(dry.preview[0]).toMatchObject({ exchange: null, routingKeys: [] })
    expect(await redis.client.xlen(dlq)).toBe(5)

    const report = await ok<ReplayReport>('replay:start', { connectionId: red.id, source: `stream:${dlq}`, to: { toOrigin: true }, mode: 'move', confirm: dlq })
    expect(report).toMatchObject({ total: 5, published: 3, acknowledged: 3, failed: 2, left: 2, duplicates: 0 })
    expect(report.failures.map((f) => f.reason)).toEqual([
      expect.stringContaining('no qs-origin field'),
      expect.stringContaining('a Redis connection takes stream:<key> or list:<key>'),
    ])
    // The failures stay in the dead-letter stream; the others are back where they say they came from.
    const left = (await redis.client.xrange(dlq, '-', '+')) as [string, string[]][]
    expect(left.map(([, f]) => f[1])).toEqual(['lost', 'odd'])
    const back = (await redis.client.xrange(orders, '-', '+')) as [string, string[]][]
    expect(back.map(([, f]) => f[1])).toEqual(['already-there', 'o-1', 'o-2'])
    // Fields are kept (qs-origin too, so it can go back again), with the replay bookkeeping added.
    expect(back[1]![1]).toEqual(
      expect.arrayContaining(['qs-origin', `stream:${orders}`, 'tenant', 'acme', 'qs-replayed-from', `stream:${dlq}`, 'qs-replay-count', '1']),
    )
    expect(await redis.client.lrange(jobs, 0, -1)).toEqual(['j-1'])
  })

  it('back to origin on RabbitMQ takes a qs-origin queue when a message has no x-death', async () => {
    const parked = `${redis.prefix}parked`
    await ch.assertQueue('origin.q')
    await redis.client.xadd(parked, '*', 'body', 'p-1', 'qs-origin', 'queue:origin.q')
    await redis.client.xadd(parked, '*', 'body', 'p-2', 'qs-origin', `stream:${redis.prefix}elsewhere`)
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `stream:${parked}`,
      to: { toOrigin: true, connectionId: rabbit.id },
      mode: 'move',
      confirm: parked,
    })
    expect(report).toMatchObject({
      published: 1,
      acknowledged: 1,
      failed: 1,
      left: 1,
      targetConnection: rabbit.id,
      target: 'origin (each message’s x-death, else qs-origin)',
    })
    expect(report.failures[0]?.reason).toContain('a RabbitMQ connection takes queue:<name> or exchange:<name>')
    expect((await drain('origin.q')).map((m) => m.content.toString())).toEqual(['p-1'])
    expect(await redis.client.xlen(parked)).toBe(1)
  })

  it('pending entries of a group move to a RabbitMQ exchange, acknowledged (XACK) only after the confirm', async () => {
    const stream = `${redis.prefix}pel`
    for (let i = 0; i < 10; i++) await redis.client.xadd(stream, '*', 'body', `e${i}`, 'tenant', 'acme')
    await redis.client.xgroup('CREATE', stream, 'billing', '0')
    await redis.client.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', 6, 'STREAMS', stream, '>')
    await ch.assertExchange('pel.events', 'topic')
    await ch.assertQueue('pel.all')
    await ch.bindQueue('pel.all', 'pel.events', '#')

    const dry = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `stream:${stream}`,
      sourceGroup: 'billing',
      to: { connectionId: rabbit.id, target: 'exchange:pel.events', routingKey: 'billing.retry' },
      mode: 'move',
      dryRun: true,
    })
    expect(dry).toMatchObject({ total: 6, published: 6 })
    expect(((await redis.client.xpending(stream, 'billing')) as unknown[])[0]).toBe(6)

    const report = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `stream:${stream}`,
      sourceGroup: 'billing',
      to: { connectionId: rabbit.id, target: 'exchange:pel.events', routingKey: 'billing.retry' },
      mode: 'move',
      confirm: stream,
    })
    expect(report).toMatchObject({ total: 6, published: 6, acknowledged: 6, failed: 0, left: 0 })
    expect(((await redis.client.xpending(stream, 'billing')) as unknown[])[0]).toBe(0)
    // XACK settles the group; the entries themselves stay in the stream for other groups.
    expect(await redis.client.xlen(stream)).toBe(10)
    const arrived = await drain('pel.all')
    expect(arrived.map((m) => m.content.toString())).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5'])
    expect(arrived[0]!.fields.routingKey).toBe('billing.retry')
    expect(arrived[0]!.properties.headers).toMatchObject({ tenant: 'acme', 'qs-replayed-from': `stream:${stream}` })
  })

  it('pending entries re-added to their own stream get new ids, and the replay ends', async () => {
    const stream = `${redis.prefix}readd`
    for (let i = 0; i < 5; i++) await redis.client.xadd(stream, '*', 'body', `r${i}`)
    await redis.client.xgroup('CREATE', stream, 'shipping', '0')
    await redis.client.xreadgroup('GROUP', 'shipping', 'worker-1', 'COUNT', 3, 'STREAMS', stream, '>')
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `stream:${stream}`,
      sourceGroup: 'shipping',
      to: { connectionId: red.id, target: `stream:${stream}` },
      mode: 'move',
      confirm: stream,
    })
    expect(report).toMatchObject({ total: 3, scanned: 3, published: 3, acknowledged: 3 })
    expect(((await redis.client.xpending(stream, 'shipping')) as unknown[])[0]).toBe(0)
    const entries = (await redis.client.xrange(stream, '-', '+')) as [string, string[]][]
    expect(entries.map(([, f]) => f[1])).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r0', 'r1', 'r2'])
    // The group now reads the re-added entries (after the two it had not read yet).
    const next = (await redis.client.xreadgroup('GROUP', 'shipping', 'worker-2', 'COUNT', 10, 'STREAMS', stream, '>')) as [string, [string, string[]][]][]
    expect(next[0]![1].map(([, f]) => f[1])).toEqual(['r3', 'r4', 'r0', 'r1', 'r2'])
  })

  it('selected pending entries (by entry id) are re-added; the others stay pending', async () => {
    const stream = `${redis.prefix}readd-some`
    const ids: string[] = []
    for (let i = 0; i < 4; i++) ids.push((await redis.client.xadd(stream, '*', 'body', `s${i}`))!)
    await redis.client.xgroup('CREATE', stream, 'billing', '0')
    await redis.client.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', 4, 'STREAMS', stream, '>')
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: red.id,
      source: `stream:${stream}`,
      sourceGroup: 'billing',
      messageIds: [ids[1], ids[3]],
      to: { connectionId: red.id, target: `stream:${stream}` },
      mode: 'move',
      confirm: stream,
    })
    expect(report).toMatchObject({ total: 2, published: 2, acknowledged: 2, failed: 0 })
    const pending = (await redis.client.xpending(stream, 'billing', '-', '+', 10)) as [string, string, number, number][]
    expect(pending.map(([id]) => id)).toEqual([ids[0], ids[2]])
    const entries = (await redis.client.xrange(stream, '-', '+')) as [string, string[]][]
    expect(entries.map(([, f]) => f[1])).toEqual(['s0', 's1', 's2', 's3', 's1', 's3'])
  })

  it('says clearly what cannot be done', async () => {
    expect(
      await call('replay:start', {
        connectionId: red.id,
        source: `stream:${redis.prefix}missing`,
        to: { connectionId: rabbit.id, target: 'queue:x' },
        mode: 'copy',
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('does not exist') } })
    expect(
      await call('replay:start', { connectionId: rabbit.id, source: 'queue:orders', to: { connectionId: red.id, target: 'queue:x' }, mode: 'copy' }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('a Redis connection takes messages into stream:') } })
    expect(
      await call('replay:start', {
        connectionId: red.id,
        source: `list:${redis.prefix}jobs`,
        sourceGroup: 'g',
        to: { connectionId: rabbit.id, target: 'queue:x' },
        mode: 'copy',
      }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('pending entries come from a Redis stream') } })
    // List items carry the body alone: no qs-origin, so back to origin fails each one and keeps it.
    const list = `${redis.prefix}jobs`
    const before = await redis.client.lrange(list, 0, -1)
    const origin = await ok<ReplayReport>('replay:start', { connectionId: red.id, source: `list:${list}`, to: { toOrigin: true }, mode: 'move', confirm: list })
    expect(origin).toMatchObject({ published: 0, failed: before.length, left: before.length })
    expect(await redis.client.lrange(list, 0, -1)).toEqual(before)
  })
})
