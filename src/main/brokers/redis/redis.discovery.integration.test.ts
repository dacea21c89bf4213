import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { parseConnectionUrl } from '../../../shared/connection-url'
import type { DiscoveryProgress } from '../../../shared/discovery'
import type { BullmqSource, ChannelSource } from '../../../shared/model'
import { createTestRedis, REDIS_URL, type TestRedis } from '../../../test-support/brokers'
import { RedisAdapter } from './redis.adapter'

type Progress = Omit<DiscoveryProgress, 'id' | 'connectionId'>

function adapterFor(url: string): RedisAdapter {
  const { target, password } = parseConnectionUrl(url)
  if (target.broker !== 'redis') throw new Error('not redis')
  return new RedisAdapter(target, password)
}

async function commandCalls(client: Redis, command: string): Promise<number> {
  const stats = await client.info('commandstats')
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0)
}

describe('Redis discovery against a real Redis', () => {
  let redis: TestRedis
  let adapter: RedisAdapter
  let subscriber: Redis
  let queue: Queue
  let p: string

  beforeAll(async () => {
    redis = await createTestRedis('redis-discovery')
    p = redis.prefix
    const c = redis.client
    await c.xadd(`${p}orders:events`, '*', 'n', '1')
    await c.xgroup('CREATE', `${p}orders:events`, 'billing', '0')
    await c.rpush(`${p}jobs`, 'a', 'b')
    await c.set(`${p}plain`, 'x')
    // A hash named like a meta key that BullMQ did not write is not a BullMQ queue.
    await c.hset(`${p}fake:meta`, 'owner', 'someone')
    // BullMQ with its own prefix under ours: meta hash, :events stream, :wait list, job hashes.
    queue = new Queue('mail', { connection: { host: '127.0.0.1', port: 6379 }, prefix: `${p}bull` })
    await queue.add('welcome', { to: 'a@example.com' })
    await queue.add('later', { to: 'b@example.com' }, { delay: 3_600_000 })
    subscriber = new Redis(REDIS_URL)
    await subscriber.subscribe(`${p}news`)
    await subscriber.psubscribe(`${p}news.*`)
    adapter = adapterFor(REDIS_URL)
    await adapter.connect()
  })

  afterAll(async () => {
    await adapter?.close()
    await queue?.close()
    subscriber?.disconnect()
    await redis?.remove()
  })

  it('finds streams, lists, BullMQ queues (once, without their own keys) and channels with subscribers', async () => {
    const { items, warnings } = await adapter.listSources({ filter: p })
    expect(items.map((i) => `${i.kind}:${i.name}`).sort()).toEqual(
      [`bullmq:${p}bull:mail`, `channel:${p}news`, `list:${p}jobs`, `stream:${p}orders:events`].sort(),
    )
    const bull = items.find((i): i is BullmqSource => i.kind === 'bullmq')!
    expect(bull).toMatchObject({ prefix: `${p}bull`, queue: 'mail', counts: { waiting: 1, delayed: 1 } })
    const channel = items.find((i): i is ChannelSource => i.kind === 'channel')!
    expect(channel).toMatchObject({ consumers: 1, messages: null, pattern: false })
    expect(warnings.join('\n')).toMatch(/pattern subscriptions? \(PSUBSCRIBE\)/)
  })

  it('takes a SCAN MATCH pattern instead of the substring filter, for every kind', async () => {
    const orders = await adapter.listSources({ pattern: `${p}orders:*` })
    expect(orders.items.map((i) => `${i.kind}:${i.name}`)).toEqual([`stream:${p}orders:events`])
    // A BullMQ queue matches by its base name `<prefix>:<queue>` (or its meta key).
    const bull = await adapter.listSources({ pattern: `${p}bul[a-l]:*` })
    expect(bull.items.map((i) => `${i.kind}:${i.name}`)).toEqual([`bullmq:${p}bull:mail`])
    const news = await adapter.listSources({ pattern: `${p}n?ws` })
    expect(news.items.map((i) => `${i.kind}:${i.name}`)).toEqual([`channel:${p}news`])
  })

  it('reports progress as it scans and ends with one done event that counted every key', async () => {
    const events: Progress[] = []
    await adapter.listSources({ filter: p, onProgress: (e) => events.push(e) })
    const last = events.at(-1)!
    expect(events.filter((e) => e.done)).toHaveLength(1)
    expect(last).toMatchObject({ done: true, nodes: 1, nodesDone: 1, found: 4 })
    expect(last.total).toBeGreaterThan(0)
    expect(last.scanned).toBe(last.total)
  })

  it('uses SCAN, never KEYS', async () => {
    const [keysBefore, scanBefore] = [await commandCalls(redis.client, 'keys'), await commandCalls(redis.client, 'scan')]
    await adapter.listSources({ filter: p })
    expect(await commandCalls(redis.client, 'keys')).toBe(keysBefore)
    expect(await commandCalls(redis.client, 'scan')).toBeGreaterThan(scanBefore)
  })

  describe('on a large key space', () => {
    const KEYS = 30_000

    beforeAll(async () => {
      for (let start = 0; start < KEYS; start += 5000) {
        const pipeline = redis.client.pipeline()
        for (let i = start; i < start + 5000; i++) {
          if (i % 1000 === 0) pipeline.rpush(`${p}big:list:${i}`, 'x')
          else pipeline.set(`${p}big:${i}`, 'x')
        }
        await pipeline.exec()
      }
    })

    it('stops when cancelled and returns what it found so far, saying it is partial', async () => {
      const controller = new AbortController()
      const events: Progress[] = []
      const list = await adapter.listSources({
        pattern: `${p}big:*`,
        signal: controller.signal,
        onProgress: (e) => {
          events.push(e)
          controller.abort()
        },
      })
      const last = events.at(-1)!
      expect(last.done).toBe(true)
      expect(last.scanned).toBeLessThan(last.total!)
      expect(list.warnings.join('\n')).toMatch(/cancelled after about [\d,]+ of [\d,]+ keys: this listing is partial/)
      // Whatever it found is real: lists from the big key space, read in full.
      for (const item of list.items) expect(item).toMatchObject({ kind: 'list', messages: 1 })
      const complete = await adapter.listSources({ pattern: `${p}big:*` })
      expect(complete.items).toHaveLength(KEYS / 1000)
      expect(list.items.length).toBeLessThanOrEqual(complete.items.length)
    })
  })
})
