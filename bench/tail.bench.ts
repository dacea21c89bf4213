/**
 * Benchmark: the live tail of a Redis stream receiving 20,000 entries/s. A producer
 * XADDs in paced pipelines from a process of its own; the same rate is delivered to a raw ioredis
 * XREAD BLOCK loop (the reference), then through Queuescope's tail to a core event listener, then
 * end to end through the web server's WebSocket to a client parsing the frames, as the web UI would.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Redis } from 'ioredis'
import { WebSocket } from 'ws'
import { createCore } from '../src/main/core/core'
import { createDispatcher } from '../src/main/core/dispatch'
import { startWebServer } from '../src/main/web/server'
import type { TailBatch } from '../src/shared/tail'
import { parseConnectionUrl } from '../src/shared/connection-url'
import { REDIS_URL } from '../src/test-support/brokers'

const RATE = Number(process.env['QS_BENCH_TAIL_RATE'] ?? 20_000)
const SECONDS = Number(process.env['QS_BENCH_TAIL_SECONDS'] ?? 10)
/** After the producer stops, how long a side may take to deliver what is left. */
const DRAIN_MS = 5000
const BODY = JSON.stringify({ order: 'o-000000', customer: 'c-1234', total: 42.5, currency: 'EUR', items: 3 })

export interface TailPhase {
  name: string
  produced: number
  delivered: number
  dropped: number
  /** Delivered entries per second, from the producer's start to the last delivery. */
  rate: number
  peakRss: number
  peakHeap: number
}

/** Peak RSS and heap of this process while `work` runs (sampled every 50 ms). */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; peakRss: number; peakHeap: number }> {
  let peakRss = 0
  let peakHeap = 0
  const sample = (): void => {
    const usage = process.memoryUsage()
    peakRss = Math.max(peakRss, usage.rss)
    peakHeap = Math.max(peakHeap, usage.heapUsed)
  }
  const timer = setInterval(sample, 50)
  try {
    const result = await work()
    sample()
    return { result, peakRss, peakHeap }
  } finally {
    clearInterval(timer)
  }
}

/**
 * The producer, in a process of its own so that it takes nothing from the side being measured
 * (and its memory is not counted): XADDs RATE entries/s for SECONDS in pipelines every ~5 ms,
 * prints "started" when it begins and {produced, lastId} when it is done.
 */
const PRODUCER = `
const { Redis } = require('ioredis')
const [url, key, rate, seconds, body] = process.argv.slice(1)
const producer = new Redis(url)
const total = Number(rate) * Number(seconds)
;(async () => {
  let produced = 0
  let lastId = ''
  const startedAt = performance.now()
  process.stdout.write('started\\n')
  while (produced < total) {
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * Number(rate)))
    if (due > produced) {
      const pipeline = producer.pipeline()
      for (let i = produced; i < due; i++) pipeline.xadd(key, '*', 'body', body, 'seq', String(i))
      lastId = String((await pipeline.exec()).at(-1)[1])
      produced = due
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  process.stdout.write(JSON.stringify({ produced, lastId }) + '\\n')
  producer.disconnect()
})()
`

async function produce(key: string): Promise<{ produced: number; lastId: string; startedAt: number }> {
  const child = spawn(process.execPath, ['-e', PRODUCER, REDIS_URL, key, String(RATE), String(SECONDS), BODY], { stdio: ['ignore', 'pipe', 'inherit'] })
  let startedAt = 0
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (startedAt === 0 && chunk.startsWith('started')) startedAt = performance.now()
    output += chunk
  })
  const [code] = (await once(child, 'exit')) as [number | null]
  if (code !== 0) throw new Error(`the producer exited with ${code}`)
  const done = JSON.parse(output.split('\n')[1]!) as { produced: number; lastId: string }
  return { ...done, startedAt }
}

/** The reference: a dedicated connection in an XREAD BLOCK loop, COUNT 1000, counting entries. */
async function rawPhase(key: string): Promise<TailPhase> {
  const reader = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: null })
  await reader.connect()
  let lastId = '$'
  let delivered = 0
  let lastAt = 0
  let target: string | null = null
  const read = (async () => {
    for (;;) {
      const reply = await reader.xreadBuffer('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', key, lastId)
      if (reply) {
        for (const [, entries] of reply) {
          delivered += entries.length
          lastId = entries.at(-1)![0].toString()
        }
        lastAt = performance.now()
      }
      if (target !== null && (lastId === target || performance.now() - lastAt > DRAIN_MS)) return
    }
  })()
  // XREAD with `$` must be waiting before the producer starts.
  await new Promise((resolve) => setTimeout(resolve, 200))
  const { result, peakRss, peakHeap } = await sampled(async () => {
    const production = await produce(key)
    target = production.lastId
    await read
    return production
  })
  reader.disconnect()
  return {
    name: 'raw ioredis XREAD BLOCK loop',
    produced: result.produced,
    delivered,
    dropped: 0,
    rate: delivered / ((lastAt - result.startedAt) / 1000),
    peakRss,
    peakHeap,
  }
}

/** How the measuring side receives the tail's batches. */
type Transport = 'events' | 'websocket'

/**
 * Queuescope: tail:start and `tail:batch` either straight from the core (core.onEvent, what a
 * transport sees) or over the web server's WebSocket to a client in this process that parses every
 * frame (so that row also pays the browser's JSON.parse).
 */
async function queuescopePhase(key: string, transport: Transport): Promise<TailPhase> {
  const configDir = await mkdtemp(join(tmpdir(), 'qs-bench-tail-'))
  const core = await createCore({ configDir, mode: 'web', version: 'bench' })
  const status = await core.workspace.open('bench', parseConnectionUrl(REDIS_URL), { readOnly: true })
  if (status.state !== 'open') throw new Error(`Redis: ${status.reason ?? status.state}`)

  let delivered = 0
  let dropped = 0
  let lastAt = 0
  let lastId = ''
  const onBatch = (batch: TailBatch): void => {
    delivered += batch.messages.length
    dropped += batch.dropped
    if (batch.messages.length > 0) lastId = batch.messages.at(-1)!.id
    lastAt = performance.now()
  }

  let call: (channel: string, payload: unknown) => Promise<unknown>
  let closeTransport: () => Promise<void>
  if (transport === 'events') {
    const dispatch = createDispatcher(core)
    const off = core.onEvent((channel, payload) => channel === 'tail:batch' && onBatch(payload as TailBatch))
    call = async (channel, payload) => {
      const envelope = await dispatch(channel, payload)
      if (!envelope.ok) throw new Error(envelope.error.message)
      return envelope.data
    }
    closeTransport = async () => off()
  } else {
    const server = await startWebServer({ core, rendererDir: configDir })
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const answers = new Map<number, (frame: { ok?: boolean; data?: unknown; error?: { message: string } }) => void>()
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as {
        type: string
        id?: number
        channel?: string
        payload?: unknown
        ok?: boolean
        data?: unknown
        error?: { message: string }
      }
      if (frame.type === 'result') answers.get(frame.id!)?.(frame)
      else if (frame.type === 'event' && frame.channel === 'tail:batch') onBatch(frame.payload as TailBatch)
    })
    let nextId = 1
    call = (channel, payload) =>
      new Promise((resolve, reject) => {
        const id = nextId++
        answers.set(id, (frame) => (frame.ok ? resolve(frame.data) : reject(new Error(frame.error?.message))))
        ws.send(JSON.stringify({ type: 'call', id, channel, payload }))
      })
    closeTransport = async () => {
      ws.close()
      await server.close()
    }
  }

  try {
    const { result, peakRss, peakHeap } = await sampled(async () => {
      const { tailId } = (await call('tail:start', { connectionId: 'bench', source: `stream:${key}` })) as { tailId: string }
      const production = await produce(key)
      const deadline = performance.now() + DRAIN_MS
      while (lastId !== production.lastId && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      await call('tail:stop', { tailId })
      return production
    })
    const name = transport === 'events' ? 'Queuescope tail → core events' : 'Queuescope tail → WebSocket client'
    return { name, produced: result.produced, delivered, dropped, rate: delivered / ((lastAt - result.startedAt) / 1000), peakRss, peakHeap }
  } finally {
    await closeTransport()
    await core.close()
    await rm(configDir, { recursive: true, force: true })
  }
}

export async function benchTail(log: (line: string) => void): Promise<{ reference: TailPhase; queuescope: TailPhase[]; baselineRss: number }> {
  const key = `qs-bench-tail-${randomBytes(4).toString('hex')}`
  const admin = new Redis(REDIS_URL, { lazyConnect: true })
  await admin.connect()
  try {
    await admin.xadd(key, '*', 'body', 'seed')
    const baselineRss = process.memoryUsage().rss
    log(`reference: ${RATE.toLocaleString('en-US')} entries/s for ${SECONDS} s into ${key}…`)
    const reference = await rawPhase(key)
    log(`reference: ${Math.round(reference.rate).toLocaleString('en-US')} entries/s delivered`)
    const queuescope: TailPhase[] = []
    for (const transport of ['events', 'websocket'] as const) {
      log(`Queuescope (${transport}): the same rate through the core's tail…`)
      const phase = await queuescopePhase(key, transport)
      log(`Queuescope (${transport}): ${Math.round(phase.rate).toLocaleString('en-US')} entries/s delivered, ${phase.dropped} dropped`)
      queuescope.push(phase)
    }
    return { reference, queuescope, baselineRss }
  } finally {
    await admin.del(key)
    admin.disconnect()
  }
}

export function formatTail({ reference, queuescope, baselineRss }: Awaited<ReturnType<typeof benchTail>>): string {
  const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`
  const n = (value: number): string => Math.round(value).toLocaleString('en-US')
  const rows = [reference, ...queuescope].map(
    (p) =>
      `| ${p.name} | ${n(p.produced)} | ${n(p.delivered)} | ${n(p.dropped)} | ${n(p.rate)} /s | ${p === reference ? '1.00×' : `${(p.rate / reference.rate).toFixed(2)}×`} | ${mb(p.peakRss)} | ${mb(p.peakHeap)} |`,
  )
  return [
    '| side | produced | delivered | dropped | delivered per second | ratio to the reference | peak RSS | peak heap used |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Target: a ratio of at least 0.95 (the tail keeps up with whatever the raw loop keeps up with).',
    `Memory is of the benchmark process, measured per phase (the producer runs in a process of its own): the core and, in the last row, the web server and its WebSocket client too; it was ${mb(baselineRss)} RSS before the first phase.`,
  ].join('\n')
}
