/**
 * Benchmark: a page of 500 entries from a 1,000,000-entry stream (the first page, a middle
 * page by `after`, the last page backward) through the adapter's messages:peek, against a raw
 * ioredis XRANGE / XREVRANGE of the same page in the same run. The adapter does the same read in
 * one round trip (TYPE pipelined with it) and decodes each entry for the browser; the ratio is
 * what that costs.
 */
import { performance } from 'node:perf_hooks'
import { parseConnectionUrl } from '../src/shared/connection-url'
import { peekRequestSchema, type PeekRequest } from '../src/shared/messages'
import { RedisAdapter } from '../src/main/brokers/redis/redis.adapter'
import { createTestRedis, REDIS_URL } from '../src/test-support/brokers'
import type { ComparisonRow, Measurement } from './support'

const ENTRIES = Number(process.env['QS_BENCH_STREAM_ENTRIES'] ?? 1_000_000)
const PAGE = 500
const RUNS = 21

type Side = [name: string, work: () => Promise<void>]

/**
 * Both sides one run at a time, alternating, so a load spike on a shared machine hits both alike
 * (measure() would time all of one side, then all of the other).
 */
async function interleaved(...sides: [Side, Side]): Promise<[Measurement, Measurement]> {
  const runs = sides.map(() => [] as number[])
  for (const [, work] of sides) await work() // warm-up
  for (let i = 0; i < RUNS; i++) {
    for (const [s, [, work]] of sides.entries()) {
      const started = performance.now()
      await work()
      runs[s]!.push(performance.now() - started)
    }
  }
  const median = ([name]: Side, s: number): Measurement => {
    const sorted = [...runs[s]!].sort((a, b) => a - b)
    return { name, medianMs: sorted[Math.floor(sorted.length / 2)]!, runs: runs[s]! }
  }
  return [median(sides[0], 0), median(sides[1], 1)]
}

export async function benchRedisStream(log: (line: string) => void): Promise<ComparisonRow[]> {
  const redis = await createTestRedis('bench-redis-stream')
  const key = `${redis.prefix}orders`
  try {
    log(`adding ${ENTRIES.toLocaleString('en-US')} entries to ${key}…`)
    const body = JSON.stringify({ order: 0, sku: 'SKU-0000', note: 'x'.repeat(60) })
    for (let sent = 0; sent < ENTRIES; sent += 10_000) {
      const pipeline = redis.client.pipeline()
      for (let i = 1; i <= Math.min(10_000, ENTRIES - sent); i++) pipeline.xadd(key, `${sent + i}-0`, 'body', body, 'tenant', 'acme', 'n', String(sent + i))
      await pipeline.exec()
    }
    const middle = `${Math.floor(ENTRIES / 2)}-0`

    const { target, password } = parseConnectionUrl(REDIS_URL)
    if (target.broker !== 'redis') throw new Error('expected Redis')
    const adapter = new RedisAdapter(target, password)
    await adapter.connect()
    try {
      const peek = (range: PeekRequest['range']) => async () => {
        const { messages } = await adapter.peek(peekRequestSchema.parse({ connectionId: 'bench', source: `stream:${key}`, count: PAGE, range }))
        if (messages.length !== PAGE) throw new Error(`peek returned ${messages.length} entries`)
      }
      const raw = (read: () => Promise<unknown[]>) => async () => {
        const entries = await read()
        if (entries.length !== PAGE) throw new Error(`XRANGE returned ${entries.length} entries`)
      }
      const c = redis.client
      const pages: [string, PeekRequest['range'], () => Promise<unknown[]>, string][] = [
        ['first page', { direction: 'forward' }, () => c.xrange(key, '-', '+', 'COUNT', PAGE), 'XRANGE - + COUNT 500'],
        ['middle page (after an id)', { direction: 'forward', after: middle }, () => c.xrange(key, `(${middle}`, '+', 'COUNT', PAGE), 'XRANGE (id + COUNT 500'],
        ['last page (backward)', { direction: 'backward' }, () => c.xrevrange(key, '+', '-', 'COUNT', PAGE), 'XREVRANGE + - COUNT 500'],
      ]
      const rows: ComparisonRow[] = []
      for (const [label, range, read, reference] of pages) {
        log(label)
        const [queuescope, rawRead] = await interleaved(['Queuescope messages:peek', peek(range)], [`raw ioredis ${reference}`, raw(read)])
        rows.push({
          benchmark: `${label}: 500 of ${ENTRIES.toLocaleString('en-US')} entries`,
          queuescope,
          reference: rawRead,
          target: '≤ 2.0× (decoding for the browser included)',
        })
      }
      return rows
    } finally {
      await adapter.close()
    }
  } finally {
    await redis.remove()
  }
}
