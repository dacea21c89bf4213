import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { createTestRedis, type TestRedis } from '../../../test-support/brokers'
import { startTcpProxy, type TcpProxy } from '../../../test-support/tcp-proxy'
import type { BrokerTimeouts } from '../timeouts'
import type { RedisTarget } from './redis.connection'
import { RedisAdapter } from './redis.adapter'
import { openRedisTail } from './redis.tail'

// A dead link shows after its request has timed out: each call's own deadline comes first.
const TIMEOUTS: BrokerTimeouts = { connectMs: 1000, requestMs: 1000, deadLinkMs: 1500 }
/** The promise under test must settle well before this (a few deadlines). */
const BOUND = 4 * TIMEOUTS.connectMs

function targetOf(url: string): RedisTarget {
  const { target } = parseConnectionUrl(url)
  if (target.broker !== 'redis') throw new Error('not redis')
  return target
}

/** `promise`'s settled value or error, or a failure when it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms = BOUND): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

/** Deadlines of the Redis connections themselves (adapter and tails), below the core. */
describe('Redis connections keep their deadlines (real Redis behind a fault proxy)', () => {
  let redis: TestRedis
  let proxy: TcpProxy

  beforeAll(async () => {
    redis = await createTestRedis('deadlines')
    proxy = await startTcpProxy(6379)
  })

  afterEach(() => {
    proxy.hang(false)
    proxy.blackhole(false)
  })

  afterAll(async () => {
    await proxy?.close()
    await redis?.remove()
  })

  it.each([
    ['a standalone server', (port: number) => `redis://127.0.0.1:${port}/0`],
    ['a Sentinel', (port: number) => `redis://127.0.0.1:${port}/0?sentinelMaster=mymaster`],
    ['a Cluster seed node', (port: number) => `redis://127.0.0.1:${port}/0?cluster=1`],
  ])('connecting to %s on a port that accepts and never answers gives up in time, saying why', async (_, url) => {
    proxy.hang(true)
    const adapter = new RedisAdapter(targetOf(url(proxy.port)), null, TIMEOUTS)
    const error = await within(
      adapter.connect().then(
        () => null,
        (err: unknown) => err,
      ),
    )
    expect(error).toMatchObject({ code: expect.stringMatching(/^(TIMEOUT|UNREACHABLE)$/), message: expect.stringMatching(/timed out|cannot reach/) })
    await within(adapter.close())
  })

  it('an open connection whose link freezes reports the loss, its calls time out, and closing it does not hang', async () => {
    const adapter = new RedisAdapter(targetOf(`redis://127.0.0.1:${proxy.port}/0`), null, TIMEOUTS)
    await adapter.connect()
    const lost = new Promise<Error>((resolve) => adapter.onLost(resolve))
    proxy.blackhole(true)
    await expect(within(adapter.listSources({ pattern: `${redis.prefix}*` }))).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect((await within(lost)).message).toMatch(/stopped answering: nothing arrived for 1.5 s/)
    await within(adapter.close())
  })

  it('an idle connection whose link freezes is found dead too (health checks)', async () => {
    const adapter = new RedisAdapter(targetOf(`redis://127.0.0.1:${proxy.port}/0`), null, TIMEOUTS)
    await adapter.connect()
    const lost = new Promise<Error>((resolve) => adapter.onLost(resolve))
    proxy.blackhole(true)
    expect((await within(lost)).message).toMatch(/stopped answering/)
    await within(adapter.close())
  })

  it.each([
    ['a stream tail (XREAD BLOCK)', 'stream'],
    ['a channel tail (SUBSCRIBE)', 'channel'],
  ] as const)('%s notices a dead link by itself and ends, saying so', async (_, kind) => {
    const name = `${redis.prefix}tail-${kind}`
    if (kind === 'stream') await redis.client.xadd(name, '*', 'n', '1')
    const target = targetOf(`redis://127.0.0.1:${proxy.port}/0`)
    const ended = new Promise<string>((resolve) => {
      void openRedisTail(target, null, { kind, name }, { pattern: false }, { message: () => undefined, end: resolve }, TIMEOUTS).then((handle) => {
        proxy.blackhole(true)
        return handle
      })
    })
    expect(await within(ended, BOUND + 2000)).toMatch(/connection lost: .*stopped answering/)
  })
})
