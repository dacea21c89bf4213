/**
 * Benchmark: a page of 500 entries from a 1,000,000-entry stream (the first page, a middle
 * page by `after`, the last page backward) through the adapter's messages:peek in summary form (the
 * page the app's list shows: one XRANGE, each entry's id, time, size, field names and preview),
 * against a raw ioredis XRANGE / XREVRANGE of the same page in the same run; the ratio is what the
 * summaries cost. Two more rows for comparison: the first page fully decoded (the form the CLI
 * prints), and one entry read whole by id (what opening an entry costs) against a raw XRANGE of it.
 */
import { performance } from 'node:perf_hooks'
import { parseConnectionUrl } from '../src/shared/connection-url'
import { peekRequestSchema, type PeekRequest } from '../src/shared/messages'
import { RedisAdapter } from '../src/main/brokers/redis/redis.adapter'
import { createTestRedis, REDIS_URL } from '../src/test-support/brokers'
import type { ComparisonRow, Measurement } from './support'

const ENTRIES = Number(process.env['QS_BENCH_STREAM_ENTRIES'] ?? 1_000_000)
const PAGE = 500
/** Timed runs per side: a page takes a millisecond or two, so many runs cost little and steady the median on a shared machine. */
export const RUNS = 201
/** Untimed runs first: connections, JIT, Redis's caches. */
export const WARMUP = 20

type Side = [name: string, work: () => Promise<void>]

/**
 * Both sides one run at a time, alternating, so a load spike on a shared machine hits both alike
 * (measure() would time all of one side, then all of the other).
 */
async function interleaved(...sides: [Side, Side]): Promise<[Measurement, Measurement]> {
  const runs = sides.map(() => [] as number[])
  for (let i = 0; i < WARMUP; i++) for (const [, work] of sides) await work()
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
      const peek =
        (range: PeekRequest['range'], form: PeekRequest['form'] = 'summary') =>
        async () => {
          const page = await adapter.peek(peekRequestSchema.parse({ connectionId: 'bench', source: `stream:${key}`, count: PAGE, range, form }))
          const got = form === 'summary' ? (page.entries?.length ?? 0) : page.messages.length
          if (got !== PAGE) throw new Error(`peek returned ${got} entries`)
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
        const [queuescope, rawRead] = await interleaved(['Queuescope messages:peek (summary)', peek(range)], [`raw ioredis ${reference}`, raw(read)])
        rows.push({
          benchmark: `${label}: 500 of ${ENTRIES.toLocaleString('en-US')} entries`,
          queuescope,
          reference: rawRead,
          target: '≤ 1.1× (summaries for the list included)',
        })
      }
      log('first page, fully decoded')
      const [decoded, rawFirst] = await interleaved(
        ['Queuescope messages:peek (full)', peek({ direction: 'forward' }, 'full')],
        ['raw ioredis XRANGE - + COUNT 500', raw(pages[0]![2])],
      )
      rows.push({
        benchmark: `first page fully decoded (the CLI's form): 500 of ${ENTRIES.toLocaleString('en-US')} entries`,
        queuescope: decoded,
        reference: rawFirst,
        target: 'none (for comparison: every entry decoded whole)',
      })
      log('one entry opened')
      const [opened, rawOne] = await interleaved(
        [
          'Queuescope streams:entry',
          async () => {
            if ((await adapter.streamEntry(key, middle)).message.size === 0) throw new Error('streams:entry returned an empty entry')
          },
        ],
        [
          'raw ioredis XRANGE id id',
          async () => {
            if ((await c.xrange(key, middle, middle)).length !== 1) throw new Error('XRANGE returned no entry')
          },
        ],
      )
      rows.push({
        benchmark: `one entry opened, read whole by id, of ${ENTRIES.toLocaleString('en-US')} entries`,
        queuescope: opened,
        reference: rawOne,
        target: 'none (for comparison: the full decoding, for one entry)',
      })
      return rows
    } finally {
      await adapter.close()
    }
  } finally {
    await redis.remove()
  }
}
