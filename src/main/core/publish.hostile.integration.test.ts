import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, type TestRedis, type TestVhost } from '../../test-support/brokers'
import { createTestCore, type TestCore } from '../../test-support/core'

/**
 * Publishing what a hostile or unusual client sends: header names that are JavaScript's own
 * (`__proto__`, `constructor`) reach the broker as written, from the JSON a front end sends.
 */
describe('publishing unusual header names (real brokers)', () => {
  let vhost: TestVhost
  let redis: TestRedis
  let t: TestCore
  let rabbit: string
  let red: string

  beforeAll(async () => {
    vhost = await createTestVhost('hostile')
    redis = await createTestRedis('hostile')
    t = await createTestCore('hostile')
    rabbit = (await t.connectRabbit(vhost)).id
    red = (await t.connectRedis()).id
  })

  afterAll(async () => {
    await t?.core.close()
    await vhost?.remove()
    await redis?.remove()
  })

  // As a transport delivers it: parsed from JSON text, where "__proto__" is an own key.
  const request = (connectionId: string, target: string) =>
    JSON.parse(
      `{"connectionId":"${connectionId}","target":"${target}","body":"hello","headers":{"__proto__":"kept","constructor":"too","nested":{"__proto__":{"deep":1}}}}`,
    ) as unknown

  it('RabbitMQ: the broker holds a header named __proto__ (read back through the management API)', async () => {
    const auth = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, 'content-type': 'application/json' }
    const queue = `${MANAGEMENT_URL}/api/queues/${encodeURIComponent(vhost.name)}/protos`
    expect((await fetch(queue, { method: 'PUT', headers: auth, body: '{}' })).ok).toBe(true)
    expect(await t.ok('messages:publish', request(rabbit, 'queue:protos'))).toEqual({ routed: true })
    const got = await fetch(`${queue}/get`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ count: 1, ackmode: 'ack_requeue_true', encoding: 'auto' }),
    })
    const text = await got.text()
    expect(text).toContain('"__proto__":"kept"')
    expect(text).toContain('"constructor":"too"')
  })

  it('Redis: the stream entry has a field named __proto__', async () => {
    const stream = `${redis.prefix}protos`
    expect(await t.ok('messages:publish', request(red, `stream:${stream}`))).toMatchObject({ routed: true })
    const fields = ((await redis.client.xrange(stream, '-', '+')) as [string, string[]][])[0]![1]
    const pairs = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]))
    expect(Object.getOwnPropertyNames(pairs)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'nested']))
    expect(fields).toEqual(expect.arrayContaining(['__proto__', 'kept', 'nested', '{"__proto__":{"deep":1}}']))
  })
})
