import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Redis } from 'ioredis'
import { Job, Queue, Worker, type ConnectionOptions } from 'bullmq'
import { parseConnectionUrl } from '../../../shared/connection-url'
import type { BullmqSource } from '../../../shared/model'
import { createTestRedis, REDIS_URL, type TestRedis } from '../../../test-support/brokers'
import { RedisAdapter } from './redis.adapter'
import { bullmqSourcesFromMeta, JOB_DATA_LIMIT } from './redis.bullmq'

const url = new URL(REDIS_URL)
/** Workers block (BZPOPMIN), so bullmq wants maxRetriesPerRequest null on their connections. */
const workerConnection: ConnectionOptions = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null }

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'paused'] as const

/** Every state bullmq itself counts, in the shape of BullmqCounts. */
async function bullmqCounts(queue: Queue): Promise<Record<(typeof STATES)[number], number>> {
  // bullmq 6 still counts the legacy "paused" list, though its JobType no longer names it.
  const counts = await queue.getJobCounts(...(STATES as unknown as Parameters<Queue['getJobCounts']>))
  return Object.fromEntries(STATES.map((state) => [state, counts[state] ?? 0])) as Record<(typeof STATES)[number], number>
}

describe('BullMQ queues made by the bullmq package, against a real Redis', () => {
  let redis: TestRedis
  let prefix: string
  let orders: Queue
  let emails: Queue
  let idleWorker: Worker
  let adapter: RedisAdapter
  const failedIds: string[] = []
  const completedIds: string[] = []

  beforeAll(async () => {
    redis = await createTestRedis('bullmq')
    // A custom BullMQ prefix under the test's own key prefix, so cleanup removes every key.
    prefix = `${redis.prefix}bull`
    orders = new Queue('orders', { connection: workerConnection, prefix })
    emails = new Queue('emails', { connection: workerConnection, prefix })

    // Six jobs through a real Worker: odd ones throw (attempts 1, so they fail at once).
    for (let n = 0; n < 6; n++) await orders.add('charge', { n, card: `card-${n}` })
    const worker = new Worker(
      'orders',
      async (job) => {
        if (job.data.n % 2 === 1) throw new Error(`card declined for order ${job.data.n}`)
        return { charged: job.data.n }
      },
      { connection: workerConnection, prefix },
    )
    await new Promise<void>((resolve) => {
      let finished = 0
      const done = (): void => {
        if (++finished === 6) resolve()
      }
      worker.on('completed', (job) => {
        completedIds.push(job.id!)
        done()
      })
      worker.on('failed', (job) => {
        failedIds.push(job!.id!)
        done()
      })
    })
    await worker.close()

    // With no worker running these stay where they are: delayed, prioritized and waiting.
    await orders.add('charge', { n: 10 }, { delay: 3_600_000 })
    await orders.add('charge', { n: 11 }, { delay: 7_200_000 })
    await orders.add('charge', { n: 12 }, { priority: 5 })
    await orders.add('charge', { n: 13 }, { priority: 2 })
    await orders.add('charge', { n: 14 })

    // A paused queue with a worker attached (it takes nothing while paused) and one large job.
    await emails.pause()
    await emails.add('send', { to: 'a@example.com' })
    await emails.add('send', { body: 'é'.repeat(JOB_DATA_LIMIT) })
    idleWorker = new Worker('emails', async () => undefined, { connection: workerConnection, prefix })
    await idleWorker.waitUntilReady()

    // Hashes named like a meta key that BullMQ did not write.
    await redis.client.hset(`${prefix}:impostor:meta`, 'owner', 'someone else')
    await redis.client.set(`${prefix}:plain:meta`, 'not a hash')

    const { target, password } = parseConnectionUrl(REDIS_URL)
    if (target.broker !== 'redis') throw new Error('not redis')
    adapter = new RedisAdapter(target, password)
    await adapter.connect()
  })

  afterAll(async () => {
    await adapter?.close()
    await idleWorker?.close()
    await orders?.close()
    await emails?.close()
    await redis?.remove()
  })

  /** The meta keys discovery would hand over: SCAN (never KEYS) under the test's prefix. */
  async function metaKeys(): Promise<string[]> {
    const keys = new Set<string>()
    let cursor = '0'
    do {
      const [next, batch] = await redis.client.scan(cursor, 'MATCH', `${redis.prefix}*:meta`, 'COUNT', 1000)
      cursor = next
      for (const key of batch) keys.add(key)
    } while (cursor !== '0')
    return [...keys]
  }

  async function sources(): Promise<BullmqSource[]> {
    const found = await bullmqSourcesFromMeta(redis.client, await metaKeys())
    return found.sort((a, b) => a.name.localeCompare(b.name))
  }

  it('finds the queues under their prefix with the counts bullmq reports, and ignores other meta keys', async () => {
    // The real eval, watched: all four meta keys are read server-side in one script call.
    const evalSpy = vi.spyOn(redis.client, 'eval')
    const found = await sources()
    expect(evalSpy).toHaveBeenCalledTimes(1)
    await expect(evalSpy.mock.results[0]!.value).resolves.toHaveLength(4)
    evalSpy.mockRestore()
    expect(found.map((s) => s.name)).toEqual([`${prefix}:emails`, `${prefix}:orders`])
    const [emailsSource, ordersSource] = found as [BullmqSource, BullmqSource]

    expect(ordersSource).toMatchObject({ kind: 'bullmq', prefix, queue: 'orders', paused: false, consumers: 0 })
    expect(ordersSource.counts).toEqual(await bullmqCounts(orders))
    expect(ordersSource.counts).toMatchObject({ completed: 3, failed: 3, delayed: 2, prioritized: 2, waiting: 1 })
    expect(ordersSource.messages).toBe(5)
    expect(ordersSource.version).toBe(await orders.getVersion())

    expect(emailsSource).toMatchObject({ paused: true, consumers: await emails.getWorkersCount() })
    expect(emailsSource.consumers).toBe(1)
    expect(emailsSource.counts).toEqual(await bullmqCounts(emails))
  })

  it('counts the same without scripting and says workers are unknown without CLIENT LIST (ACL user)', async () => {
    const user = `${redis.prefix}limited`
    await redis.client.call('ACL', 'SETUSER', user, 'on', '>secret', '~*', '&*', '+@all', '-@scripting', '-client|list')
    const limited = new Redis({ host: url.hostname, port: Number(url.port || 6379), username: user, password: 'secret', lazyConnect: true })
    try {
      await limited.connect()
      await expect(limited.eval('return 1', 0)).rejects.toThrow(/NOPERM/)
      const found = (await bullmqSourcesFromMeta(limited, await metaKeys())).sort((a, b) => a.name.localeCompare(b.name))
      expect(found.map((s) => ({ ...s, consumers: null }))).toEqual((await sources()).map((s) => ({ ...s, consumers: null })))
      expect(found.map((s) => s.consumers)).toEqual([null, null])
    } finally {
      limited.disconnect()
      await redis.client.call('ACL', 'DELUSER', user)
    }
  })

  it('pages failed jobs newest first with their reason and stack trace', async () => {
    const source = `bullmq:${prefix}:orders`
    const first = await adapter.bullmqJobs({ source, state: 'failed', start: 0, count: 2 })
    const second = await adapter.bullmqJobs({ source, state: 'failed', start: 2, count: 2 })
    expect(first.total).toBe(3)
    expect(first.counts).toEqual(await bullmqCounts(orders))
    expect(first.jobs).toHaveLength(2)
    expect(second.jobs).toHaveLength(1)

    const newestFirst = (await orders.getJobs(['failed'], 0, -1, false)).map((job) => job.id)
    expect([...first.jobs, ...second.jobs].map((job) => job.id)).toEqual(newestFirst)

    const job = first.jobs[0]!
    const n = (JSON.parse(job.data) as { n: number }).n
    expect(job).toMatchObject({ name: 'charge', state: 'failed', attemptsMade: 1, attempts: 1, dataTruncated: false, returnValue: null })
    expect(job.failedReason).toBe(`card declined for order ${n}`)
    expect(job.stacktrace[0]).toContain(`Error: card declined for order ${n}`)
    expect(job.finishedOn).toBeGreaterThanOrEqual(job.processedOn!)
  })

  it('shows completed return values, delays, priorities and cuts large data at 64 KiB', async () => {
    const source = `bullmq:${prefix}:orders`
    const completed = await adapter.bullmqJobs({ source, state: 'completed', start: 0, count: 50 })
    expect(completed.jobs.map((job) => JSON.parse(job.returnValue!) as unknown).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { charged: 0 },
      { charged: 2 },
      { charged: 4 },
    ])
    const delayed = await adapter.bullmqJobs({ source, state: 'delayed', start: 0, count: 50 })
    expect(delayed.jobs.map((job) => job.delay).sort()).toEqual([3_600_000, 7_200_000])
    const prioritized = await adapter.bullmqJobs({ source, state: 'prioritized', start: 0, count: 50 })
    expect(prioritized.jobs.map((job) => job.priority).sort()).toEqual([2, 5])

    const waiting = await adapter.bullmqJobs({ source: `bullmq:${prefix}:emails`, state: 'waiting', start: 0, count: 50 })
    const large = waiting.jobs.find((job) => job.dataTruncated)!
    expect(Buffer.byteLength(large.data)).toBeLessThanOrEqual(JOB_DATA_LIMIT)
    expect(Buffer.byteLength(large.data)).toBeGreaterThan(JOB_DATA_LIMIT - 4)
    expect(large.data.startsWith('{"body":"éé')).toBe(true)
    expect(waiting.jobs.find((job) => !job.dataTruncated)!.data).toBe('{"to":"a@example.com"}')
  })

  it('retries a failed job back to waiting as bullmq reports, and says why others were not retried', async () => {
    const source = `bullmq:${prefix}:orders`
    const before = await bullmqCounts(orders)
    const [retryId] = failedIds as [string]
    const result = await adapter.bullmqRetry({ source, jobIds: [retryId, completedIds[0]!, 'no-such-job'] })

    expect(result.retried).toBe(1)
    expect(result.notRetried).toEqual([
      { id: completedIds[0], reason: 'not failed: the job is completed' },
      { id: 'no-such-job', reason: 'no such job (it was removed or never existed)' },
    ])
    expect(await (await Job.fromId(orders, retryId))!.getState()).toBe('waiting')
    expect(await bullmqCounts(orders)).toEqual({ ...before, failed: before.failed - 1, waiting: before.waiting + 1 })
  })

  it('retries every failed job through Queue.retryJobs and counts them', async () => {
    const source = `bullmq:${prefix}:orders`
    const before = await bullmqCounts(orders)
    expect(before.failed).toBe(2)
    const result = await adapter.bullmqRetry({ source })
    expect(result).toEqual({ retried: 2, notRetried: [] })
    expect(await bullmqCounts(orders)).toEqual({ ...before, failed: 0, waiting: before.waiting + 2 })
    for (const id of failedIds) expect(await orders.getJobState(id)).toBe('waiting')
  })

  it('cleans completed jobs through Queue.clean', async () => {
    const result = await adapter.bullmqClean({ source: `bullmq:${prefix}:orders`, state: 'completed', graceMs: 0, limit: 10_000 })
    expect(result).toEqual({ removed: 3 })
    expect((await bullmqCounts(orders)).completed).toBe(0)
    for (const id of completedIds) expect(await Job.fromId(orders, id)).toBeUndefined()
  })

  it('refuses a missing queue, a meta hash that is not BullMQ’s and a state BullMQ does not know, in words', async () => {
    await expect(adapter.bullmqJobs({ source: `bullmq:${prefix}:nope`, state: 'failed', start: 0, count: 10 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(`BullMQ queue "nope" with prefix "${prefix}" not found`),
    })
    await expect(adapter.bullmqRetry({ source: `bullmq:${prefix}:impostor` })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(adapter.bullmqClean({ source: `bullmq:${prefix}:plain`, state: 'completed', graceMs: 0, limit: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(adapter.bullmqJobs({ source: `bullmq:${prefix}:orders`, state: 'stuck' as 'failed', start: 0, count: 10 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('BullMQ has no job state "stuck"'),
    })
    await expect(adapter.bullmqJobs({ source: `stream:${prefix}:orders`, state: 'failed', start: 0, count: 10 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
    // Nothing was created or changed by the refused calls.
    expect(await redis.client.exists(`${prefix}:nope:meta`)).toBe(0)
    expect(await redis.client.hgetall(`${prefix}:impostor:meta`)).toEqual({ owner: 'someone else' })
  })
})
