import * as amqp from 'amqplib'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ProfileView } from '../../../shared/model'
import type { TailBatch, TailMessage } from '../../../shared/tail'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, type TestRedis, type TestVhost } from '../../../test-support/brokers'
import { startTcpProxy, type TcpProxy } from '../../../test-support/tcp-proxy'
import { startWebServer } from '../../web/server'
import { WebSocket } from 'ws'
import type { Core } from '../core'
import { createTestCore, type TestCore } from '../../../test-support/core'
import { expectStays } from '../../../test-support/wait'

const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`
const WAIT = { timeout: 15_000, interval: 50 }

/** Live tails through the contract, against real brokers (own vhost and key prefix). */
describe('live tail (real RabbitMQ and Redis)', () => {
  let vhost: TestVhost
  let redis: TestRedis
  let amqpClient: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let t: TestCore
  let core: Core
  let ok: TestCore['ok']
  let failure: TestCore['failure']
  let rabbit: ProfileView
  let red: ProfileView
  let proxy: TcpProxy
  const batches = new Map<string, TailBatch[]>()

  const start = async (connectionId: string, source: string, extra: Record<string, unknown> = {}): Promise<string> =>
    (await ok<{ tailId: string }>('tail:start', { connectionId, source, ...extra })).tailId
  const received = (tailId: string): TailMessage[] => (batches.get(tailId) ?? []).flatMap((b) => b.messages)
  const endOf = (tailId: string): string | undefined => batches.get(tailId)?.find((b) => b.ended !== undefined)?.ended
  const vhostQueues = async (): Promise<string[]> => {
    const response = await fetch(`${MANAGEMENT_URL}/api/queues/${encodeURIComponent(vhost.name)}?columns=name`, { headers: { authorization: AUTH } })
    return ((await response.json()) as { name: string }[]).map((q) => q.name)
  }

  beforeAll(async () => {
    vhost = await createTestVhost('tail')
    redis = await createTestRedis('tail')
    proxy = await startTcpProxy(6379)
    amqpClient = await amqp.connect(vhost.url)
    ch = await amqpClient.createConfirmChannel()
    t = await createTestCore('tail')
    ;({ core, ok, failure } = t)
    core.onEvent((channel, payload) => {
      if (channel !== 'tail:batch') return
      const batch = payload as TailBatch
      batches.set(batch.tailId, [...(batches.get(batch.tailId) ?? []), batch])
    })
    rabbit = await t.connectRabbit(vhost)
    red = await t.connectRedis()
  })

  afterAll(async () => {
    await core?.close()
    await amqpClient?.close().catch(() => undefined)
    await proxy?.close()
    await vhost?.remove()
    await redis?.remove()
  })

  it('a stream tail sees only entries added after it started, in order, in batches, and stop ends it', async () => {
    const key = `${redis.prefix}orders`
    const before = await redis.client.xadd(key, '*', 'body', 'old')
    const tailId = await start(red.id, `stream:${key}`)
    const pipeline = redis.client.pipeline()
    for (let i = 0; i < 300; i++) pipeline.xadd(key, '*', 'body', JSON.stringify({ order: i }), 'tenant', 'acme')
    pipeline.xadd(key, '*', 'body', Buffer.from([0, 1, 2, 255]))
    const ids = ((await pipeline.exec()) ?? []).map(([, id]) => String(id))

    await vi.waitFor(() => expect(received(tailId)).toHaveLength(301), WAIT)
    const messages = received(tailId)
    expect(messages.map((m) => m.id)).toEqual(ids)
    expect(messages.map((m) => m.id)).not.toContain(before)
    expect(messages[0]).toMatchObject({ body: '{"order":0}', encoding: 'utf8', headers: { tenant: 'acme' }, at: Number.parseInt(ids[0]!, 10) })
    expect(messages[300]).toMatchObject({ body: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64', size: 4 })
    // Batched: far fewer events than messages, and nothing dropped with the default buffer.
    expect(batches.get(tailId)!.length).toBeLessThan(20)
    expect(batches.get(tailId)!.every((b) => b.dropped === 0)).toBe(true)

    expect(await ok('tail:stop', { tailId })).toEqual({ stopped: true })
    expect(endOf(tailId)).toBe('stopped')
    expect(await ok('tail:stop', { tailId })).toEqual({ stopped: false })
    await redis.client.xadd(key, '*', 'body', 'after stop')
    await expectStays(
      'messages received after the stop',
      () => received(tailId).length,
      (n) => n === 301,
      300,
    )
  })

  it('a full buffer drops the oldest messages and counts them', async () => {
    const key = `${redis.prefix}burst`
    await redis.client.xadd(key, '*', 'body', 'seed')
    const tailId = await start(red.id, `stream:${key}`, { buffer: 5 })
    const pipeline = redis.client.pipeline()
    for (let i = 0; i < 1000; i++) pipeline.xadd(key, '*', 'body', String(i))
    const ids = ((await pipeline.exec()) ?? []).map(([, id]) => String(id))

    const total = (): number => (batches.get(tailId) ?? []).reduce((sum, b) => sum + b.messages.length + b.dropped, 0)
    await vi.waitFor(() => expect(total()).toBe(1000), WAIT)
    const tailBatches = batches.get(tailId)!
    expect(tailBatches.every((b) => b.messages.length <= 5)).toBe(true)
    expect(tailBatches.reduce((sum, b) => sum + b.dropped, 0)).toBeGreaterThan(0)
    const kept = received(tailId).map((m) => m.id)
    // What is kept is in order and always includes the newest entry.
    expect(kept).toEqual(ids.filter((id) => kept.includes(id)))
    expect(kept.at(-1)).toBe(ids.at(-1))
    await ok('tail:stop', { tailId })
  })

  it('a channel tail and a pattern tail give each message with its channel', async () => {
    const news = `${redis.prefix}news`
    const channelTail = await start(red.id, `channel:${news}`)
    const patternTail = await start(red.id, `channel:${redis.prefix}news.*`, { pattern: true })
    await redis.client.publish(news, 'hello')
    await redis.client.publish(`${news}.eu`, Buffer.from([0xff, 0x00]))
    await redis.client.publish(`${news}.us`, '{"n":2}')
    await redis.client.publish(`${redis.prefix}other`, 'not for us')

    await vi.waitFor(() => expect(received(patternTail)).toHaveLength(2), WAIT)
    await vi.waitFor(() => expect(received(channelTail)).toHaveLength(1), WAIT)
    expect(received(channelTail)[0]).toMatchObject({ channel: news, body: 'hello', encoding: 'utf8' })
    expect(received(patternTail)).toEqual([
      expect.objectContaining({ channel: `${news}.eu`, body: Buffer.from([0xff, 0x00]).toString('base64'), encoding: 'base64', size: 2 }),
      expect.objectContaining({ channel: `${news}.us`, body: '{"n":2}', encoding: 'utf8' }),
    ])
    await ok('tail:stop', { tailId: channelTail })
    await ok('tail:stop', { tailId: patternTail })
    expect(endOf(patternTail)).toBe('stopped')
  })

  it('refuses a missing stream, a list, and more tails than a connection may run', async () => {
    expect(await failure('tail:start', { connectionId: red.id, source: `stream:${redis.prefix}ghost` })).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/does not exist/),
    })
    await redis.client.rpush(`${redis.prefix}jobs`, 'a')
    expect(await failure('tail:start', { connectionId: red.id, source: `list:${redis.prefix}jobs` })).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/popping/),
    })
    expect(await failure('tail:start', { connectionId: red.id, source: `stream:${redis.prefix}jobs` })).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/not a stream/),
    })

    const ids: string[] = []
    for (let i = 0; i < 16; i++) ids.push(await start(red.id, `channel:${redis.prefix}many`))
    expect(await failure('tail:start', { connectionId: red.id, source: `channel:${redis.prefix}many` })).toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/at most 16/),
    })
    for (const tailId of ids) await ok('tail:stop', { tailId })
  })

  it('ends a stream tail whose key is deleted', async () => {
    const key = `${redis.prefix}doomed`
    await redis.client.xadd(key, '*', 'body', 'x')
    const tailId = await start(red.id, `stream:${key}`)
    await redis.client.del(key)
    await vi.waitFor(() => expect(endOf(tailId)).toBe(`stream "${key}" was deleted`), WAIT)
  })

  it('ends the tails of a connection that is closed or lost', async () => {
    const key = `${redis.prefix}closing`
    await redis.client.xadd(key, '*', 'body', 'x')
    const closing = await ok<ProfileView>('profiles:save', { name: 'closing', broker: 'redis', url: 'redis://127.0.0.1:6379/0' })
    await ok('connection:connect', { profileId: closing.id })
    const streamTail = await start(closing.id, `stream:${key}`)
    const channelTail = await start(closing.id, `channel:${redis.prefix}closing`)
    await ok('connection:disconnect', { connectionId: closing.id })
    expect(endOf(streamTail)).toBe('the connection was closed')
    expect(endOf(channelTail)).toBe('the connection was closed')

    // Through a proxy that is then cut: the tail's own connection drops with the adapter's.
    const cut = await ok<ProfileView>('profiles:save', { name: 'cut', broker: 'redis', url: `redis://127.0.0.1:${proxy.port}/0` })
    await ok('connection:connect', { profileId: cut.id })
    const lostTail = await start(cut.id, `stream:${key}`)
    proxy.cut()
    await vi.waitFor(() => expect(endOf(lostTail)).toMatch(/^connection lost/), WAIT)
    await ok('connection:disconnect', { connectionId: cut.id })
  })

  it('stops the tails a web page started when its WebSocket closes', async () => {
    const key = `${redis.prefix}web`
    await redis.client.xadd(key, '*', 'body', 'x')
    const server = await startWebServer({ core, rendererDir: tmpdir() })
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
      const answer = new Promise<{ ok: boolean; data: { tailId: string } }>((resolve) =>
        ws.once('message', (data) => resolve(JSON.parse(data.toString()) as { ok: boolean; data: { tailId: string } })),
      )
      ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'tail:start', payload: { connectionId: red.id, source: `stream:${key}` } }))
      const { ok: started, data } = await answer
      expect(started).toBe(true)
      expect(core.tails.running()).toContain(data.tailId)
      ws.close()
      await vi.waitFor(() => expect(endOf(data.tailId)).toBe('the web page that started it went away'), WAIT)
      expect(core.tails.running()).not.toContain(data.tailId)
    } finally {
      await server.close()
    }
  })

  it('a RabbitMQ exchange tail sees every message through a queue of its own, removed on stop', async () => {
    await ch.assertExchange('events', 'topic', { durable: false })
    await ch.assertExchange('fan', 'fanout', { durable: false })
    await ch.assertExchange('hdrs', 'headers', { durable: false })
    await ch.assertExchange('direct.x', 'direct', { durable: false })
    const before = await vhostQueues()
    const topicTail = await start(rabbit.id, 'exchange:events')
    const fanoutTail = await start(rabbit.id, 'exchange:fan')
    const headersTail = await start(rabbit.id, 'exchange:hdrs')
    const directTail = await start(rabbit.id, 'exchange:direct.x', { routingKey: 'payments' })
    expect(await vhostQueues()).toHaveLength(before.length + 4)

    ch.publish('events', 'order.created.eu', Buffer.from('{"id":1}'), { messageId: 'm-1', contentType: 'application/json', headers: { tenant: 'acme' } })
    ch.publish('events', 'audit', Buffer.from([0, 200]))
    ch.publish('fan', 'anything', Buffer.from('fanned'))
    ch.publish('hdrs', '', Buffer.from('by headers'), { headers: { region: 'eu' } })
    ch.publish('direct.x', 'payments', Buffer.from('paid'))
    ch.publish('direct.x', 'refunds', Buffer.from('not watched'))
    await ch.waitForConfirms()

    await vi.waitFor(() => expect(received(topicTail)).toHaveLength(2), WAIT)
    expect(received(topicTail)[0]).toMatchObject({
      body: '{"id":1}',
      routingKey: 'order.created.eu',
      headers: { tenant: 'acme' },
      properties: { messageId: 'm-1', contentType: 'application/json' },
    })
    expect(received(topicTail)[1]).toMatchObject({ encoding: 'base64', routingKey: 'audit' })
    await vi.waitFor(() => expect(received(fanoutTail).map((m) => m.body)).toEqual(['fanned']), WAIT)
    await vi.waitFor(() => expect(received(headersTail).map((m) => m.body)).toEqual(['by headers']), WAIT)
    await vi.waitFor(() => expect(received(directTail).map((m) => m.body)).toEqual(['paid']), WAIT)

    for (const tailId of [topicTail, fanoutTail, headersTail, directTail]) await ok('tail:stop', { tailId })
    expect(endOf(topicTail)).toBe('stopped')
    await vi.waitFor(async () => expect((await vhostQueues()).sort()).toEqual([...before].sort()), WAIT)
  })

  it('refuses a direct exchange without a routing key, the default exchange and a missing one', async () => {
    await ch.assertExchange('direct.y', 'direct', { durable: false })
    expect(await failure('tail:start', { connectionId: rabbit.id, source: 'exchange:direct.y' })).toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/direct exchange.*routing key/),
    })
    expect(await failure('tail:start', { connectionId: rabbit.id, source: 'exchange:' })).toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/default exchange/),
    })
    expect(await failure('tail:start', { connectionId: rabbit.id, source: 'exchange:nope' })).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('a stream queue tail starts at the next message; a classic queue is refused, untouched', async () => {
    await ch.assertQueue('ledger', { durable: true, arguments: { 'x-queue-type': 'stream' } })
    ch.sendToQueue('ledger', Buffer.from('before'))
    await ch.waitForConfirms()
    const tailId = await start(rabbit.id, 'queue:ledger')
    for (let i = 0; i < 3; i++) ch.sendToQueue('ledger', Buffer.from(`after ${i}`))
    await ch.waitForConfirms()
    await vi.waitFor(() => expect(received(tailId).map((m) => m.body)).toEqual(['after 0', 'after 1', 'after 2']), WAIT)
    expect(received(tailId).map((m) => Number(m.id))).toEqual([1, 2, 3])
    await ok('tail:stop', { tailId })

    await ch.assertExchange('orders.in', 'topic', { durable: false })
    await ch.assertQueue('orders')
    await ch.bindQueue('orders', 'orders.in', '#')
    ch.sendToQueue('orders', Buffer.from('keep me'))
    await ch.waitForConfirms()
    const refused = await failure('tail:start', { connectionId: rabbit.id, source: 'queue:orders' })
    expect(refused.code).toBe('UNSUPPORTED')
    expect(refused.message).toMatch(/classic queue.*consuming.*exchange:orders\.in/)
    expect((await ch.checkQueue('orders')).messageCount).toBe(1)
  })
})
