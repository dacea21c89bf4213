import * as amqp from 'amqplib'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProfileView } from '../../../shared/model'
import type { ReplayReport } from '../../../shared/replay'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, type TestRedis, type TestVhost } from '../../../test-support/brokers'
import { createDispatcher } from '../api'
import { createCore, type Core } from '../core'

/** Replay across brokers (RabbitMQ <-> Redis), against real brokers: own vhost and key prefix. */
describe('replay across brokers (real RabbitMQ and Redis)', () => {
  let vhost: TestVhost
  let redis: TestRedis
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let core: Core
  let call: ReturnType<typeof createDispatcher>
  let rabbit: ProfileView
  let red: ProfileView

  const ok = async <T>(channel: string, payload: unknown): Promise<T> => {
    const envelope = await call(channel, payload)
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`)
    return envelope.data as T
  }

  async function drain(queue: string): Promise<amqp.GetMessage[]> {
    const out: amqp.GetMessage[] = []
    for (;;) {
      const message = await ch.get(queue, { noAck: true })
      if (message === false) return out
      out.push(message)
    }
  }

  beforeAll(async () => {
    vhost = await createTestVhost('replay-cross')
    redis = await createTestRedis('replay-cross')
    client = await amqp.connect(vhost.url)
    ch = await client.createConfirmChannel()
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-replay-cross-')), mode: 'web', version: 'test' })
    call = createDispatcher(core)
    rabbit = await ok<ProfileView>('profiles:save', { name: 'rabbit', broker: 'rabbitmq', url: vhost.url.replace('guest:guest@', 'guest@'), password: 'guest', managementUrl: MANAGEMENT_URL })
    red = await ok<ProfileView>('profiles:save', { name: 'redis', broker: 'redis', url: 'redis://127.0.0.1:6379/0' })
    await ok('connection:connect', { profileId: rabbit.id })
    await ok('connection:connect', { profileId: red.id })
  })

  afterAll(async () => {
    await core?.close()
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

    const there = await ok<ReplayReport>('replay:start', { connectionId: rabbit.id, source: 'queue:orders', to: { connectionId: red.id, target: `stream:${stream}` }, mode: 'move', confirm: 'orders' })
    expect(there).toMatchObject({ total: 50, published: 50, acknowledged: 50, failed: 0, left: 0 })
    expect((await ch.checkQueue('orders')).messageCount).toBe(0)
    expect(await redis.client.xlen(stream)).toBe(50)
    // Other Redis clients see plain fields: the body, each header, the properties as JSON.
    const [first] = (await redis.client.xrange(stream, '-', '+', 'COUNT', 1)) as [string, string[]][]
    expect(first![1].slice(0, 4)).toEqual(['body', '{"order":0}', 'tenant', 'acme'])

    const back = await ok<ReplayReport>('replay:start', { connectionId: red.id, source: `stream:${stream}`, to: { connectionId: rabbit.id, target: 'queue:orders.back' }, mode: 'move', confirm: stream })
    expect(back).toMatchObject({ total: 50, published: 50, acknowledged: 50, left: 0 })
    expect(await redis.client.xlen(stream)).toBe(0)
    const arrived = await drain('orders.back')
    expect(arrived.map((m) => m.properties.messageId)).toEqual(Array.from({ length: 50 }, (_, i) => `o-${i}`))
    const seven = arrived[7]!
    expect(seven.content).toEqual(binary)
    const nine = arrived[9]!
    expect(nine.content.toString()).toBe('{"order":9}')
    expect(nine.properties).toMatchObject({ contentType: 'application/json', correlationId: 'c-9', priority: 2 })
    expect(nine.properties.headers).toMatchObject({ tenant: 'acme', seq: 9, nested: { region: 'eu', ids: [1, 2] }, flag: true, 'qs-replay-count': 2, 'qs-replayed-from': `stream:${stream}` })
  })

  it('a Redis list used as a queue moves to RabbitMQ in pop order, and nothing is left held', async () => {
    const list = `${redis.prefix}jobs`
    await redis.client.lpush(list, 'job-0', 'job-1', 'job-2', 'job-3', 'job-4') // workers pop job-0 first (right end)
    await ch.assertQueue('jobs')
    const report = await ok<ReplayReport>('replay:start', { connectionId: red.id, source: `list:${list}`, to: { connectionId: rabbit.id, target: 'queue:jobs' }, mode: 'move', confirm: list, limit: 3 })
    expect(report).toMatchObject({ total: 3, published: 3, acknowledged: 3, left: 0 })
    expect((await drain('jobs')).map((m) => m.content.toString())).toEqual(['job-0', 'job-1', 'job-2'])
    expect(await redis.client.lrange(list, 0, -1)).toEqual(['job-4', 'job-3'])
    expect(await redis.client.keys(`${list}:qs-replay:*`)).toEqual([])
  })

  it('a copy from a list puts every item back in order; a channel nobody listens to fails and loses nothing', async () => {
    const list = `${redis.prefix}copyme`
    await redis.client.lpush(list, 'a', 'b', 'c', 'd')
    const before = await redis.client.lrange(list, 0, -1)
    const copy = `${redis.prefix}copied`
    const report = await ok<ReplayReport>('replay:start', { connectionId: red.id, source: `list:${list}`, to: { connectionId: red.id, target: `list:${copy}` }, mode: 'copy' })
    expect(report).toMatchObject({ published: 4, acknowledged: 0, left: 4 })
    expect(await redis.client.lrange(list, 0, -1)).toEqual(before)
    expect(await redis.client.llen(copy)).toBe(4)

    const lonely = await ok<ReplayReport>('replay:start', { connectionId: red.id, source: `list:${list}`, to: { connectionId: red.id, target: `channel:${redis.prefix}nobody` }, mode: 'move', confirm: list })
    expect(lonely).toMatchObject({ published: 0, failed: 4, acknowledged: 0, left: 4 })
    expect(lonely.failures[0]?.reason).toMatch(/NO_SUBSCRIBERS/)
    expect(await redis.client.lrange(list, 0, -1)).toEqual(before)
  })

  it('a replay of a stream into itself stops after the entries that were there', async () => {
    const stream = `${redis.prefix}self`
    for (let i = 0; i < 20; i++) await redis.client.xadd(stream, '*', 'body', `e${i}`)
    const report = await ok<ReplayReport>('replay:start', { connectionId: red.id, source: `stream:${stream}`, to: { connectionId: red.id, target: `stream:${stream}` }, mode: 'move', confirm: stream })
    expect(report).toMatchObject({ total: 20, scanned: 20, published: 20, acknowledged: 20 })
    const entries = (await redis.client.xrange(stream, '-', '+')) as [string, string[]][]
    expect(entries.map(([, f]) => f[1])).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`))
  })

  it('says clearly what cannot be done', async () => {
    expect(await call('replay:start', { connectionId: red.id, source: `stream:${redis.prefix}missing`, to: { connectionId: rabbit.id, target: 'queue:x' }, mode: 'copy' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('does not exist') } })
    expect(await call('replay:start', { connectionId: rabbit.id, source: 'queue:orders', to: { connectionId: red.id, target: 'queue:x' }, mode: 'copy' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('a Redis connection takes messages into stream:') } })
    expect(await call('replay:start', { connectionId: red.id, source: `list:${redis.prefix}jobs`, to: { toOrigin: true }, mode: 'copy' })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringContaining('x-death') } })
  })
})
