/**
 * Benchmarks across brokers: move 100,000 Redis stream entries to a RabbitMQ exchange, in
 * messages/s, against a minimal loop with the same guarantees (XRANGE a page, publish each with
 * confirms, XDEL only after the confirms) that delivers the same messages (body and the two replay
 * headers), in the same run; and the peak memory of exporting a 1,000,000-entry stream to NDJSON
 * (bounded: the export holds one page at a time), in a process of its own that holds only the core
 * (memory.child.ts), as the move's memory is measured.
 */
import * as amqp from 'amqplib'
import type { Redis } from 'ioredis'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createDispatcher } from '../src/main/core/dispatch'
import { createCore } from '../src/main/core/core'
import { REPLAY_COUNT_HEADER, REPLAYED_FROM_HEADER } from '../src/main/core/operations/replay.engine'
import type { ReplayReport } from '../src/shared/replay'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, REDIS_URL } from '../src/test-support/brokers'
import { formatThroughput, type ThroughputRow } from './replay.bench'
import { measureInChild } from './support'

const ENTRIES = Number(process.env['QS_BENCH_REDIS_REPLAY_ENTRIES'] ?? 100_000)
const RUNS = Number(process.env['QS_BENCH_REDIS_REPLAY_RUNS'] ?? 3)
const EXPORT_ENTRIES = Number(process.env['QS_BENCH_EXPORT_ENTRIES'] ?? 1_000_000)
const EXPORT_BODY_BYTES = 256
const MEMORY_BUDGET_BYTES = 300 * 2 ** 20
/** The reference's page, the engine's window. */
const PAGE = 256

export interface RedisReplayResult {
  throughput: ThroughputRow[]
  export: { entries: number; bodyBytes: number; fileBytes: number; seconds: number; baselineRss: number; peakRss: number }
}

/** XADDs `count` entries with a `body` field, 1,000 to a pipeline (the fill is not timed). */
async function fillStream(redis: Redis, key: string, count: number, bodyBytes: number): Promise<void> {
  const body = Buffer.alloc(bodyBytes, 120)
  for (let done = 0; done < count;) {
    const pipeline = redis.pipeline()
    const n = Math.min(1000, count - done)
    for (let i = 0; i < n; i++) pipeline.xadd(key, '*', 'body', body)
    await pipeline.exec()
    done += n
  }
}

/**
 * The reference: the simplest loop that loses nothing. A page of entries up to the last one there
 * at the start, each published `mandatory` on a confirm channel, then XDEL once all are confirmed.
 * With `stamp`, each message carries the two headers every replay adds (qs-replayed-from and
 * qs-replay-count), so the same messages arrive as Queuescope's; without, only the body (the two
 * headers cost the broker and amqplib a fifth to a third of this loop's rate; that row is for comparison).
 */
async function minimalMove(redis: Redis, key: string, ch: amqp.ConfirmChannel, exchange: string, routingKey: string, stamp: boolean): Promise<void> {
  const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0]
  if (last === undefined) return
  const source = `stream:${key}`
  let cursor: string | null = null
  while (cursor !== last) {
    const entries: [Buffer, Buffer[]][] = await redis.xrangeBuffer(key, cursor === null ? '-' : `(${cursor}`, last, 'COUNT', PAGE)
    if (entries.length === 0) break
    for (const [, fields] of entries) {
      const at = fields.findIndex((field, i) => i % 2 === 0 && field.toString() === 'body')
      ch.publish(
        exchange,
        routingKey,
        fields[at + 1]!,
        stamp ? { mandatory: true, headers: { [REPLAYED_FROM_HEADER]: source, [REPLAY_COUNT_HEADER]: 1 } } : { mandatory: true },
      )
    }
    await ch.waitForConfirms()
    const ids: string[] = entries.map(([id]) => id.toString())
    await redis.xdel(key, ...ids)
    cursor = ids.at(-1)!
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

export async function benchRedisReplay(log: (line: string) => void): Promise<RedisReplayResult> {
  const vhost = await createTestVhost('bench-replay-redis')
  const redis = await createTestRedis('bench-replay-redis')
  const connection = await amqp.connect(vhost.url)
  const ch = await connection.createConfirmChannel()
  const dir = await mkdtemp(join(tmpdir(), 'qs-bench-replay-redis-'))
  const core = await createCore({ configDir: join(dir, 'config'), mode: 'web', version: 'bench' })
  const stream = `${redis.prefix}src`
  try {
    await ch.assertExchange('bench.events', 'topic', { durable: false })
    await ch.assertQueue('bench.dst', { durable: false })
    await ch.bindQueue('bench.dst', 'bench.events', 'bench.#')
    const call = createDispatcher(core)
    const ok = async <T>(channel: string, payload: unknown): Promise<T> => {
      const envelope = await call(channel, payload)
      if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`)
      return envelope.data as T
    }
    const rabbit = await ok<{ id: string }>('profiles:save', {
      name: 'bench rabbit',
      broker: 'rabbitmq',
      url: vhost.url.replace('guest:guest@', 'guest@'),
      password: 'guest',
      managementUrl: MANAGEMENT_URL,
    })
    const red = await ok<{ id: string }>('profiles:save', { name: 'bench redis', broker: 'redis', url: REDIS_URL })
    await ok('connection:connect', { profileId: rabbit.id })
    await ok('connection:connect', { profileId: red.id })

    log(`export: filling ${EXPORT_ENTRIES.toLocaleString('en-US')} entries of ${EXPORT_BODY_BYTES} B…`)
    await fillStream(redis.client, stream, EXPORT_ENTRIES, EXPORT_BODY_BYTES)
    log('export: exporting in a process of its own…')
    const file = join(dir, 'export.ndjson')
    const exported = await measureInChild(['export', REDIS_URL, `stream:${stream}`, file])
    if (exported.done !== EXPORT_ENTRIES) throw new Error(`exported ${exported.done} of ${EXPORT_ENTRIES}`)
    const fileBytes = (await stat(file)).size
    await rm(file)
    await redis.client.unlink(stream)
    log(
      `export: ${EXPORT_ENTRIES.toLocaleString('en-US')} entries in ${exported.seconds.toFixed(1)} s, peak RSS ${(exported.peak / 2 ** 20).toFixed(0)} MB (before: ${(exported.before / 2 ** 20).toFixed(0)} MB)`,
    )

    const timed = async (label: string, move: () => Promise<void>): Promise<number> => {
      await ch.purgeQueue('bench.dst')
      await redis.client.unlink(stream)
      await fillStream(redis.client, stream, ENTRIES, 1024)
      const started = performance.now()
      await move()
      const seconds = (performance.now() - started) / 1000
      const arrived = (await ch.checkQueue('bench.dst')).messageCount
      const left = await redis.client.xlen(stream)
      if (arrived !== ENTRIES || left !== 0) throw new Error(`${label}: ${arrived} of ${ENTRIES} arrived, ${left} left in the stream`)
      log(`${label}: ${Math.round(ENTRIES / seconds).toLocaleString('en-US')} msg/s`)
      return ENTRIES / seconds
    }
    const queuescopeMove = async () => {
      const report = await ok<ReplayReport>('replay:start', {
        connectionId: red.id,
        source: `stream:${stream}`,
        to: { connectionId: rabbit.id, target: 'exchange:bench.events', routingKey: 'bench.replayed' },
        mode: 'move',
        confirm: stream,
      })
      if (report.acknowledged !== ENTRIES) throw new Error(`moved ${report.acknowledged}: ${report.error ?? ''}`)
    }
    // Interleaved, each round starting with the next one, so all three meet the same machine
    // (other work on it comes and goes).
    const movers = [
      { label: 'Queuescope replay', move: queuescopeMove, rates: [] as number[] },
      {
        label: 'minimal loop, same messages',
        move: () => minimalMove(redis.client, stream, ch, 'bench.events', 'bench.replayed', true),
        rates: [] as number[],
      },
      { label: 'minimal loop, body only', move: () => minimalMove(redis.client, stream, ch, 'bench.events', 'bench.replayed', false), rates: [] as number[] },
    ]
    for (let run = 0; run < RUNS; run++) {
      log(`run ${run + 1}/${RUNS}: ${ENTRIES.toLocaleString('en-US')} entries each (fills untimed)`)
      for (const mover of [...movers.slice(run % movers.length), ...movers.slice(0, run % movers.length)])
        mover.rates.push(await timed(mover.label, mover.move))
    }
    await ch.purgeQueue('bench.dst')
    const what = `move ${ENTRIES.toLocaleString('en-US')} Redis stream entries (1 KiB body) → RabbitMQ topic exchange`
    const [queuescope, same, bare] = movers.map((m) => median(m.rates)) as [number, number, number]
    return {
      throughput: [
        {
          benchmark: what,
          queuescope,
          reference: same,
          referenceName: 'minimal XRANGE + publish with confirms + XDEL loop, pages of 256, each message with the two replay headers',
          target: '≥ 0.9×',
        },
        {
          benchmark: what,
          queuescope,
          reference: bare,
          referenceName: 'the same loop publishing the body alone, without the replay headers',
          target: 'for comparison',
        },
      ],
      export: {
        entries: EXPORT_ENTRIES,
        bodyBytes: EXPORT_BODY_BYTES,
        fileBytes,
        seconds: exported.seconds,
        baselineRss: exported.before,
        peakRss: exported.peak,
      },
    }
  } finally {
    await core.close()
    await connection.close().catch(() => undefined)
    await redis.client.unlink(stream).catch(() => undefined)
    await redis.remove()
    await vhost.remove()
    await rm(dir, { recursive: true, force: true })
  }
}

export function formatRedisReplay(result: RedisReplayResult): string {
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`
  const e = result.export
  return `${formatThroughput(result.throughput)}

| benchmark | peak RSS while exporting | RSS before | budget | peak / budget |
|---|---:|---:|---:|---:|
| export ${e.entries.toLocaleString('en-US')} stream entries (${e.bodyBytes} B bodies) to NDJSON (${mb(e.fileBytes)} written in ${e.seconds.toFixed(0)} s) | ${mb(e.peakRss)} | ${mb(e.baselineRss)} | ${mb(MEMORY_BUDGET_BYTES)} | ${(e.peakRss / MEMORY_BUDGET_BYTES).toFixed(2)}× (target < 1.0×) |`
}
