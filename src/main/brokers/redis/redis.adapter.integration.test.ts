import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { publishRequestSchema } from '../../../shared/publish'
import { peekRequestSchema } from '../../../shared/messages'
import type { StreamSource } from '../../../shared/model'
import { createTestRedis, REDIS_URL, type TestRedis } from '../../../test-support/brokers'
import { pairsToObject } from './redis-encoding'
import { RedisAdapter } from './redis.adapter'

function adapterFor(url: string): RedisAdapter {
  const { target, password } = parseConnectionUrl(url)
  if (target.broker !== 'redis') throw new Error('not redis')
  return new RedisAdapter(target, password)
}

describe('RedisAdapter against a real Redis', () => {
  let redis: TestRedis
  let adapter: RedisAdapter
  let p: string
  let middleId: string

  beforeAll(async () => {
    redis = await createTestRedis('redis-adapter')
    p = redis.prefix
    const c = redis.client
    // Written by another client, not Queuescope: 10 entries, two groups, one behind.
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push((await c.xadd(`${p}orders:events`, '*', 'n', String(i)))!)
    middleId = ids[4]!
    await c.xgroup('CREATE', `${p}orders:events`, 'billing', '0')
    await c.xgroup('CREATE', `${p}orders:events`, 'shipping', '0')
    await c.xreadgroup('GROUP', 'billing', 'b1', 'COUNT', 10, 'STREAMS', `${p}orders:events`, '>')
    await c.xack(`${p}orders:events`, 'billing', ...ids.slice(0, 8))
    await c.xreadgroup('GROUP', 'shipping', 's1', 'COUNT', 3, 'STREAMS', `${p}orders:events`, '>')
    await c.xreadgroup('GROUP', 'shipping', 's2', 'COUNT', 1, 'STREAMS', `${p}orders:events`, '>')
    // A group moved to an arbitrary id: Redis cannot know its lag.
    await c.xgroup('CREATE', `${p}orders:events`, 'audit', '$')
    await c.xgroup('SETID', `${p}orders:events`, 'audit', middleId)
    await c.rpush(`${p}jobs`, 'a', 'b', 'c')
    await c.set(`${p}not-a-queue`, 'x')
    adapter = adapterFor(REDIS_URL)
    await adapter.connect()
  })

  afterAll(async () => {
    await adapter?.close()
    await redis?.remove()
  })

  it('finds streams and lists under the prefix with SCAN, and nothing else', async () => {
    const { items } = await adapter.listSources({ filter: p })
    expect(items.map((i) => `${i.kind}:${i.name}`).sort()).toEqual([`list:${p}jobs`, `stream:${p}orders:events`])
    expect(items.find((i) => i.kind === 'list')).toMatchObject({ messages: 3, consumers: null })
  })

  it("reports each group's lag, pending and consumers exactly as XINFO GROUPS does", async () => {
    const { items } = await adapter.listSources({ filter: p })
    const stream = items.find((i): i is StreamSource => i.kind === 'stream')!
    expect(stream).toMatchObject({ messages: 10, consumers: 3 })
    const raw = (await redis.client.xinfo('GROUPS', `${p}orders:events`)) as unknown[][]
    const expected = raw
      .map((g) => pairsToObject(g))
      .map((g) => ({
        name: g['name'],
        lag: g['lag'] ?? null,
        pending: g['pending'],
        consumers: g['consumers'],
        lastDeliveredId: g['last-delivered-id'],
      }))
    expect(stream.groups.map(({ name, lag, pending, consumers, lastDeliveredId }) => ({ name, lag, pending, consumers, lastDeliveredId }))).toEqual(expected)
    const byName = Object.fromEntries(stream.groups.map((g) => [g.name, g]))
    expect(byName['billing']).toMatchObject({ lag: 0, pending: 2, consumers: 1 })
    expect(byName['shipping']).toMatchObject({ lag: 6, pending: 4, consumers: 2 })
    expect(byName['audit']).toMatchObject({ lag: null, lastDeliveredId: middleId })
  })

  it('publishes to a stream, a list and a channel', async () => {
    const publish = (target: string, extra: object = {}) =>
      adapter.publish(publishRequestSchema.parse({ connectionId: 'x', target, body: '{"a":1}', ...extra }))
    const added = await publish(`stream:${p}orders:events`, { headers: { source: 'qs', body: 'clash' }, properties: { messageId: 'm1' } })
    expect(added).toMatchObject({ routed: true, id: expect.stringMatching(/^\d+-\d+$/) })
    const [entry] = await redis.client.xrange(`${p}orders:events`, added.id!, added.id!)
    expect(pairsToObject(entry![1])).toEqual({ body: '{"a":1}', source: 'qs', 'qs-header:body': 'clash', 'qs-properties': '{"messageId":"m1"}' })
    expect(await publish(`list:${p}jobs`, { listEnd: 'right' })).toEqual({ routed: true, count: 4 })
    expect(await redis.client.lindex(`${p}jobs`, -1)).toBe('{"a":1}')
    expect(await publish(`channel:${p}news`)).toEqual({ routed: false, count: 0, reason: 'NO_SUBSCRIBERS' })
    await expect(publish(`list:${p}not-a-queue`)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/is not a list/) })
    await expect(publish(`queue:x`)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('keeps binary bodies byte for byte', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 10, 13])
    await adapter.publish(publishRequestSchema.parse({ connectionId: 'x', target: `list:${p}bin`, body: bytes.toString('base64'), encoding: 'base64' }))
    expect(await redis.client.lpopBuffer(`${p}bin`)).toEqual(bytes)
  })

  it('says why it cannot connect: wrong password, nothing listening', async () => {
    const user = `${p}user`.replace(/:/g, '-')
    await redis.client.call('ACL', 'SETUSER', user, 'on', '>right-password', '~*', '+@all')
    try {
      await expect(adapterFor(`redis://${user}:wrong@127.0.0.1:6379`).connect()).rejects.toMatchObject({
        code: 'AUTH_FAILED',
        message: expect.stringMatching(/wrong user name or password/),
      })
      const ok = adapterFor(`redis://${user}:right-password@127.0.0.1:6379`)
      await expect(ok.connect()).resolves.toMatchObject({ server: expect.stringMatching(/^Redis \d/) })
      await ok.close()
    } finally {
      await redis.client.call('ACL', 'DELUSER', user)
    }
    await expect(adapterFor('redis://127.0.0.1:1').connect()).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringMatching(/connection refused/),
    })
  })

  it('reports connection loss when the server drops the client', async () => {
    const watched = adapterFor(REDIS_URL)
    await watched.connect()
    const lost = new Promise<Error>((resolve) => watched.onLost(resolve))
    // Our client, found by its local port (other test files may have queuescope clients open too).
    const localPort = (watched as unknown as { client: { stream: { localPort: number } } }).client.stream.localPort
    await redis.client.call('CLIENT', 'KILL', 'ADDR', `127.0.0.1:${localPort}`)
    await expect(lost).resolves.toBeInstanceOf(Error)
    await expect(watched.listSources()).rejects.toMatchObject({ code: 'NOT_CONNECTED' })
  })

  it('peeks streams (XRANGE from the start) and lists (LRANGE) with read-only commands; purge empties a list', async () => {
    const peek = (source: string, extra: object = {}) => adapter.peek(peekRequestSchema.parse({ connectionId: 'x', source, ...extra }))
    await adapter.publish(
      publishRequestSchema.parse({
        connectionId: 'x',
        target: `stream:${p}peek`,
        body: 'first',
        headers: { tenant: 'acme', n: 2 },
        properties: { contentType: 'text/plain' },
      }),
    )
    const otherId = await redis.client.xadd(`${p}peek`, '*', 'kind', 'raw', 'blob', Buffer.from([0xff]))
    await redis.client.rpush(`${p}peek-list`, 'a', Buffer.from([0, 1]), 'c')

    const stream = await peek(`stream:${p}peek`)
    expect(stream.messages).toHaveLength(2)
    expect(stream.messages[0]).toMatchObject({
      body: 'first',
      encoding: 'utf8',
      size: 5,
      headers: { tenant: 'acme', n: 2 },
      properties: { contentType: 'text/plain' },
      redelivered: false,
    })
    expect(stream.messages[1]).toMatchObject({ id: otherId, body: '', headers: { kind: 'raw', blob: '/w==' } })
    expect((await peek(`stream:${p}peek`, { count: 1 })).messages).toHaveLength(1)
    const list = await peek(`list:${p}peek-list`, { count: 2 })
    expect(list.messages.map((m) => [m.id, m.body, m.encoding])).toEqual([
      ['0', 'a', 'utf8'],
      ['1', 'AAE=', 'base64'],
    ])
    expect(await redis.client.llen(`${p}peek-list`)).toBe(3)
    await expect(peek(`list:${p}missing`)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(peek(`stream:${p}peek-list`)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/is a list, not a stream/) })
    await expect(peek('channel:news')).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect(await redis.client.llen(`${p}peek-list`)).toBe(3)
    expect(await adapter.purge({ kind: 'list', name: `${p}peek-list` })).toEqual({ purged: 3 })
    expect(await redis.client.llen(`${p}peek-list`)).toBe(0)
  })
})
