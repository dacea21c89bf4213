/**
 * Benchmark: move 100,000 persistent 1 KiB messages queue -> queue, in messages/s,
 * against RabbitMQ's own shovel "move messages" (src-delete-after queue-length, ack-mode
 * on-confirm) and against a minimal amqplib loop with the same guarantees (consumer prefetch =
 * the replay window, publisher confirms, ack after confirm; consuming and publishing on separate
 * connections, as RabbitMQ advises and as Queuescope does), all in the same run on the same broker.
 * The three take turns, one move each per round and each round starting with the next one, so a
 * machine that slows down or speeds up during the run, or what one mover leaves the broker doing,
 * affects all three alike.
 */
import * as amqp from 'amqplib'
import { spawn } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createCore } from '../src/main/core/core'
import { createDispatcher } from '../src/main/core/dispatch'
import type { ReplayReport } from '../src/shared/replay'
import { DEFAULT_REPLAY_WINDOW } from '../src/main/core/operations/replay.engine'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../src/test-support/brokers'

const MESSAGES = Number(process.env['QS_BENCH_REPLAY_MESSAGES'] ?? 100_000)
/** Eight: with four movers (two of them the shovel), each one starts two rounds. */
export const RUNS = Number(process.env['QS_BENCH_REPLAY_RUNS'] ?? 8)
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`

/** Every mover's rate in each round, in the order measured (for the report: medians hide the spread). */
export const roundRates: Array<{ label: string; rates: number[] }> = []
/** The CPU Queuescope's process used while moving, per move, as a share of one core (0.4 = 40%). */
export const queuescopeCpu: number[] = []

/**
 * A process that keeps one core busy for `share` of every 10 ms: the CPU that Queuescope's own
 * process takes while it moves, taken from the broker the same way while the shovel moves.
 */
function cpuLoad(share: number): { stop: () => void } {
  const busyMs = Math.max(0, Math.min(1, share)) * 10
  const script = `const busy=${busyMs};(function tick(){const t=performance.now();while(performance.now()-t<busy){}setTimeout(tick,10-busy)})()`
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' })
  return { stop: () => child.kill() }
}

export interface ThroughputRow {
  benchmark: string
  queuescope: number
  reference: number
  referenceName: string
  target: string
}

async function fill(ch: amqp.ConfirmChannel, queue: string): Promise<void> {
  await ch.purgeQueue(queue)
  const body = Buffer.alloc(1024, 120)
  for (let i = 0; i < MESSAGES; i++) {
    if (!ch.sendToQueue(queue, body, { persistent: true, messageId: String(i) })) await new Promise((resolve) => ch.once('drain', resolve))
  }
  await ch.waitForConfirms()
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Minimal amqplib move with the same guarantees as Queuescope's: ack only after the target confirmed. */
async function amqplibMove(consuming: amqp.ChannelModel, publishing: amqp.ChannelModel, from: string, to: string): Promise<void> {
  const source = await consuming.createChannel()
  const target = await publishing.createConfirmChannel()
  await source.prefetch(DEFAULT_REPLAY_WINDOW)
  let moved = 0
  await new Promise<void>((resolve, reject) => {
    void source.consume(from, (message) => {
      if (!message) return
      // The prefetch bounds what is in flight, so amqplib's buffer needs no drain handling here.
      target.publish('', to, message.content, { ...message.properties, mandatory: true }, (err: unknown) => {
        if (err) return reject(err as Error)
        source.ack(message)
        if (++moved === MESSAGES) resolve()
      })
    })
  })
  await source.close()
  await target.close()
}

async function shovelMove(vhost: TestVhost, from: string, to: string, ch: amqp.ConfirmChannel): Promise<void> {
  const uri = `amqp:///${encodeURIComponent(vhost.name)}`
  const name = `bench-move-${Date.now()}`
  const response = await fetch(`${MANAGEMENT_URL}/api/parameters/shovel/${encodeURIComponent(vhost.name)}/${name}`, {
    method: 'PUT',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({
      value: {
        'src-protocol': 'amqp091',
        'src-uri': uri,
        'src-queue': from,
        'src-delete-after': 'queue-length',
        'dest-protocol': 'amqp091',
        'dest-uri': uri,
        'dest-queue': to,
        'ack-mode': 'on-confirm',
      },
    }),
  })
  if (!response.ok)
    throw new Error(`shovel: ${response.status} ${await response.text()} (enable it: rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management)`)
  for (;;) {
    const [src, dst] = [await ch.checkQueue(from), await ch.checkQueue(to)]
    if (src.messageCount === 0 && dst.messageCount >= MESSAGES) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export async function benchReplay(log: (line: string) => void): Promise<ThroughputRow[]> {
  const vhost = await createTestVhost('bench-replay')
  let connection: amqp.ChannelModel | null = null
  let publishing: amqp.ChannelModel | null = null
  let core: Awaited<ReturnType<typeof createCore>> | null = null
  try {
    const consumer = (connection = await amqp.connect(vhost.url))
    const publisher = (publishing = await amqp.connect(vhost.url))
    // Idle between moves: a broker error must not crash the benchmark unhandled.
    consumer.on('error', () => undefined)
    publisher.on('error', () => undefined)
    const ch = await consumer.createConfirmChannel()
    const opened = (core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-bench-replay-')), mode: 'web', version: 'bench' }))
    await ch.assertQueue('src', { durable: true })
    await ch.assertQueue('dst', { durable: true })
    const call = createDispatcher(opened)
    const profile = await call('profiles:save', {
      name: 'bench',
      broker: 'rabbitmq',
      url: vhost.url.replace('guest:guest@', 'guest@'),
      password: 'guest',
      managementUrl: MANAGEMENT_URL,
    })
    if (!profile.ok) throw new Error(profile.error.message)
    const id = (profile.data as { id: string }).id
    await call('connection:connect', { profileId: id })

    const movers: Array<{ label: string; move: () => Promise<void>; rates: number[] }> = [
      {
        label: 'Queuescope replay',
        rates: [],
        move: async () => {
          const [cpu, wall] = [process.cpuUsage(), performance.now()]
          const result = await call('replay:start', {
            connectionId: id,
            source: 'queue:src',
            to: { connectionId: id, target: 'queue:dst' },
            mode: 'move',
            confirm: 'src',
          })
          if (!result.ok) throw new Error(result.error.message)
          const report = result.data as ReplayReport
          if (report.acknowledged !== MESSAGES) throw new Error(`moved ${report.acknowledged}: ${report.error ?? ''}`)
          const used = process.cpuUsage(cpu)
          queuescopeCpu.push((used.user + used.system) / 1000 / (performance.now() - wall))
        },
      },
      { label: 'amqplib loop', rates: [], move: () => amqplibMove(consumer, publisher, 'src', 'dst') },
    ]
    // The shovel needs its plugins; without them the other two are still measured.
    let shovel: (typeof movers)[number] | null = { label: 'shovel', rates: [], move: () => shovelMove(vhost, 'src', 'dst', ch) }
    // The shovel runs inside the broker; Queuescope (like any client on the broker's host) takes
    // CPU the broker could use. This one moves while a stand-in process takes as much CPU as
    // Queuescope's did (the median of its moves so far; every round has one before this one).
    const loadedShovel: (typeof movers)[number] = {
      label: 'shovel sharing the CPU',
      rates: [],
      move: async () => {
        const load = cpuLoad(median(queuescopeCpu))
        try {
          await shovelMove(vhost, 'src', 'dst', ch)
        } finally {
          load.stop()
        }
      },
    }
    queuescopeCpu.length = 0
    for (let run = 0; run < RUNS; run++) {
      // Each round starts with the next mover, so none always comes right after the same other one.
      const round = [...movers, ...(shovel ? [shovel, loadedShovel] : [])]
      const first = run % round.length
      for (const mover of [...round.slice(first), ...round.slice(0, first)]) {
        await ch.purgeQueue('dst')
        log(`${mover.label}: filling ${MESSAGES.toLocaleString('en-US')} messages (round ${run + 1}/${RUNS})…`)
        await fill(ch, 'src')
        const started = performance.now()
        try {
          await mover.move()
        } catch (err) {
          if (mover !== shovel) throw err
          log(`shovel not measured: ${(err as Error).message}`)
          shovel = null
          continue
        }
        const seconds = (performance.now() - started) / 1000
        const moved = (await ch.checkQueue('dst')).messageCount
        if (moved !== MESSAGES) throw new Error(`${mover.label}: ${moved} of ${MESSAGES} arrived`)
        mover.rates.push(MESSAGES / seconds)
        log(`${mover.label}: ${Math.round(MESSAGES / seconds).toLocaleString('en-US')} msg/s`)
      }
    }
    roundRates.length = 0
    for (const mover of [...movers, ...(shovel ? [shovel, loadedShovel] : [])]) roundRates.push({ label: mover.label, rates: mover.rates })
    const queuescope = median(movers[0]!.rates)
    const minimal = median(movers[1]!.rates)
    const what = `move ${MESSAGES.toLocaleString('en-US')} persistent 1 KiB messages queue → queue`
    const rows: ThroughputRow[] = [
      { benchmark: what, queuescope, reference: minimal, referenceName: 'minimal amqplib loop, same guarantees', target: '≥ 0.9×' },
    ]
    if (shovel !== null) {
      rows.unshift(
        { benchmark: what, queuescope, reference: median(shovel.rates), referenceName: 'RabbitMQ shovel “move messages”', target: '≥ 1.0×' },
        {
          benchmark: what,
          queuescope,
          reference: median(loadedShovel.rates),
          referenceName: `the same shovel while a stand-in process keeps ${Math.round(median(queuescopeCpu) * 100)}% of a core busy, as Queuescope's process did`,
          target: 'explains the row above',
        },
      )
    }
    return rows
  } finally {
    await core?.close()
    await connection?.close().catch(() => undefined)
    await publishing?.close().catch(() => undefined)
    await vhost.remove()
  }
}

export function formatThroughput(rows: ThroughputRow[]): string {
  const lines = ['| benchmark | Queuescope | reference | ratio Queuescope / reference | target |', '|---|---:|---:|---:|---|']
  for (const row of rows) {
    lines.push(
      `| ${row.benchmark} | ${Math.round(row.queuescope).toLocaleString('en-US')} msg/s | ${Math.round(row.reference).toLocaleString('en-US')} msg/s (${row.referenceName}) | ${(row.queuescope / row.reference).toFixed(2)}× | ${row.target} |`,
    )
  }
  return lines.join('\n')
}
