/**
 * Benchmark: counting hundreds of BullMQ queues during discovery. Queuescope's
 * bullmqSourcesFromMeta (one read-only script call of LLEN / ZCARD / HMGET, and one CLIENT LIST)
 * against bullmq itself doing the same with one Queue object per queue (getJobCounts + isPaused +
 * getWorkersCount, all queues at once) in the same run.
 */
import { Queue } from 'bullmq'
import { bullmqSourcesFromMeta } from '../src/main/brokers/redis/redis.bullmq'
import { createTestRedis, REDIS_URL } from '../src/test-support/brokers'
import { measure, type ComparisonRow } from './support'

const QUEUES = Number(process.env['QS_BENCH_BULLMQ_QUEUES'] ?? 300)
const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'paused'] as unknown as Parameters<Queue['getJobCounts']>

export async function benchBullmq(log: (line: string) => void): Promise<ComparisonRow[]> {
  const redis = await createTestRedis('bench-bullmq')
  const prefix = `${redis.prefix}bull`
  const queues: Queue[] = []
  try {
    log(`creating ${QUEUES} BullMQ queues with 3 jobs each under ${prefix}…`)
    for (let i = 0; i < QUEUES; i++) {
      const queue = new Queue(`q${i}`, { connection: redis.client, prefix })
      queues.push(queue)
      await queue.addBulk([
        { name: 'a', data: { i } },
        { name: 'b', data: { i }, opts: { delay: 60_000 } },
        { name: 'c', data: { i }, opts: { priority: 3 } },
      ])
    }
    const metaKeys = queues.map((queue) => `${prefix}:${queue.name}:meta`)

    const found = await bullmqSourcesFromMeta(redis.client, metaKeys)
    if (found.length !== QUEUES) throw new Error(`Queuescope found ${found.length} queues, expected ${QUEUES}`)

    const reference = await measure('bullmq Queue per queue: getJobCounts + isPaused + getWorkersCount', 7, () =>
      Promise.all(queues.map((queue) => Promise.all([queue.getJobCounts(...STATES), queue.isPaused(), queue.getWorkersCount()]))),
    )
    const queuescope = await measure('bullmqSourcesFromMeta', 7, () => bullmqSourcesFromMeta(redis.client, metaKeys))
    return [
      {
        benchmark: `counts, paused flag and workers of ${QUEUES} BullMQ queues (${REDIS_URL})`,
        queuescope,
        reference,
        target: '≤ 1.0× (two calls in all instead of three per queue)',
      },
    ]
  } finally {
    await Promise.all(queues.map((queue) => queue.close()))
    await redis.remove()
  }
}
