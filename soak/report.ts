/**
 * The soak's section of docs/performance.md, between `<!-- bench:soak -->` markers like the
 * benchmarks' sections (bench/run.ts keeps it when it rewrites the file), and the same figures
 * for the console.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import type { WebServerStats } from '../src/main/web/server'
import { SLOW_PAUSE_MS, SLOW_READ_MS } from './client'
import type { CutCycle } from './cuts'
import type { FuzzOutcome } from './fuzz'
import type { Broker, LoadStats } from './protocol'
import type { Judgement, MetricFigures, MetricName } from './sampler'

export interface SoakResult {
  minutes: number
  clients: number
  rate: number
  cutEverySeconds: number
  sampleSeconds: number
  /** Whether each sample followed a full GC (the npm script runs node with --expose-gc). */
  forcedGc: boolean
  warmupSeconds: number
  windowSeconds: number
  judgement: Judgement
  load: LoadStats
  cycles: CutCycle[]
  /** Share of one core over the load phase. */
  serverCpu: number
  loadCpu: number
  loopP99Max: number
  /** Active handles left after everything was closed, by type, beyond the count before the soak. */
  leftoverHandles: Record<string, number>
  server: WebServerStats
  serverLog: { count: number; first: string[] }
  faults: string[]
  fuzz: FuzzOutcome[] | null
  failures: string[]
}

const MiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`
const n = (value: number): string => Math.round(value).toLocaleString('en-US')
const LABELS: Record<MetricName, [string, (v: number) => string]> = {
  rss: ['RSS', MiB],
  heapUsed: ['heap used after a full GC', MiB],
  external: ['external memory (Buffers)', MiB],
  handleTotal: ['active handles and requests', n],
  tails: ['live tails running in the core', n],
  webClients: ['WebSocket clients connected', n],
  backlogBytes: ['bytes queued for clients', MiB],
}

function row(name: MetricName, f: MetricFigures, judged: boolean): string {
  const [label, fmt] = LABELS[name]
  const sign = f.growth >= 0 ? '+' : '−'
  const slope = fmt === MiB ? `${MiB(f.slopePerMinute)}/min` : `${f.slopePerMinute.toFixed(2)}/min`
  const verdict = f.ok === null ? 'shown only' : !judged ? 'not judged (run too short)' : f.ok ? 'flat' : '**grew**'
  const tolerance = f.ok === null ? '—' : `≤ +${fmt(f.tolerance)}`
  return `| ${label} | ${fmt(f.start)} | ${fmt(f.warm)} | ${fmt(f.end)} | ${fmt(f.peak)} | ${sign}${fmt(Math.abs(f.growth))} | ${slope} | ${tolerance} | ${verdict} |`
}

function counted(record: Record<string, number>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1])
  return entries.length === 0 ? 'none' : entries.map(([key, value]) => `${key} ${n(value)}`).join(', ')
}

function cycles(result: SoakResult, broker: Broker): string {
  const mine = result.cycles.filter((c) => c.broker === broker)
  const times = mine.flatMap((c) => (c.reopenedAfter === null ? [] : [c.reopenedAfter])).sort((a, b) => a - b)
  const failed = mine.length - times.length
  if (mine.length === 0) return `${broker}: no cut`
  const median = times[Math.floor(times.length / 2)]
  return `${broker} cut ${mine.length} times, open again after ${median === undefined ? '—' : `${median.toFixed(1)} s`} (median; slowest ${times.length ? `${times.at(-1)!.toFixed(1)} s` : '—'})${failed ? `, **${failed} not reopened before the next cut**` : ''}`
}

export function formatSection(result: SoakResult): string {
  const { judgement: j, load, server } = result
  const answers = Object.entries(load.answers)
  const ok = answers.filter(([key]) => key.endsWith(' ok')).reduce((a, [, v]) => a + v, 0)
  const errors: Record<string, number> = {}
  const byCall: Record<string, number> = {}
  for (const [key, value] of answers) {
    if (key.endsWith(' ok')) continue
    const code = key.slice(key.lastIndexOf(' ') + 1)
    errors[code] = (errors[code] ?? 0) + value
    byCall[key] = value
  }
  const fuzz =
    result.fuzz === null
      ? 'The larger contract fuzz run was skipped (`--no-fuzz`).'
      : result.fuzz.length === 0
        ? 'No contract fuzz suite (src/main/core/contract.fuzz*.test.ts) was there to run.'
        : `Larger contract fuzz run: ${result.fuzz.map((f) => `${f.suite} suite ${f.ok ? 'passed' : '**failed**'} with QS_FUZZ_RUNS=${f.runs} (${f.files.length} files, ${Math.round(f.seconds)} s)`).join('; ')}.`
  const logged =
    result.serverLog.count === 0
      ? 'nothing'
      : `${result.serverLog.count} lines, first: ${result.serverLog.first
          .slice(0, 3)
          .map((line) => `"${line}"`)
          .join(', ')}`
  return `## Soak: the web server under load

\`npm run soak\` (soak/run.ts) runs a core and the web server in one process, with a RabbitMQ profile
(a vhost of its own) and a Redis profile (a key prefix of its own), each reached through a loopback
TCP proxy that the soak cuts every ${result.cutEverySeconds} s (Redis half a period after RabbitMQ): both connections go
through reconnect cycles, and their tails end and are started again. A second process (soak/load.ts,
so that its memory and sockets are not counted) publishes ${result.rate} messages/s into a Redis stream, a
pub/sub channel, a list and a RabbitMQ topic exchange, and runs ${result.clients} WebSocket clients that use the
contract as the web UI does: connection and source lists, metrics history, peeks, a live tail each
(of the stream, the channel or the exchange, switched every 20–40 s), and now and then a replay
(copies and dry runs). Of every five clients three read steadily, one stops reading for ${SLOW_PAUSE_MS / 1000} s after
every ${SLOW_READ_MS / 1000} s of reading (frames pile up for it: the backlog below), and one goes away every
20–60 s, closing or dropping its socket, and comes back. Every ${result.sampleSeconds} s the server's process is
sampled${result.forcedGc ? ' after a forced full GC' : ' (without --expose-gc: heap used includes garbage)'}. Warm is the median of the ${result.windowSeconds} s after a ${result.warmupSeconds} s warm-up (a full
cycle of the slow clients), end the median of the last ${result.windowSeconds} s; the slope is a least-squares fit
from the warm-up on.

${result.minutes} minute${result.minutes === 1 ? '' : 's'}, ${result.clients} clients:

| figure | start | warm | end | peak | end − warm | slope | tolerance | verdict |
|---|---:|---:|---:|---:|---:|---:|---:|---|
${(Object.keys(LABELS) as MetricName[]).map((name) => row(name, j.metrics[name], j.judged)).join('\n')}

Tolerance (end − warm): heap the larger of 8 MiB and 10%, external memory the larger of 16 MiB and
20%, RSS the larger of 32 MiB and 20%, handles the larger of 10 and 10%, tails 8. A leak of a few
hundred bytes per call, or of a socket or a tail per reconnect, exceeds them within minutes, and a
longer run (\`QS_SOAK_MINUTES\`) is stricter, as the bounds do not grow with it. Inside them is the
noise of pages reconnecting, tails starting and stopping, frames queued for paused clients, and the
metrics history, which fills its first hour by design.

- Handles whose median changed, warm → end: ${j.handleChanges.length ? j.handleChanges.map(([type, warm, end]) => `${type} ${warm} → ${end}`).join(', ') : 'none'}. Left open after everything was closed, beyond the count before the soak: ${counted(result.leftoverHandles)}.
- Calls: ${n(load.calls)}, ${n(ok)} answered ok; errors by code: ${counted(errors)} (by call: ${counted(byCall)}); ${n(load.internalCount)} INTERNAL answers or error frames; ${load.unanswered.length} unanswered within 90 s.
- Tails: ${n(load.tailsStarted)} started; ${n(load.tailMessages)} messages reached the pages that started them (${n(load.tailDropped)} reported dropped); ended: ${counted(load.tailEnds)}.
- Events over all pages: ${counted(load.events)}; ${MiB(load.bytesReceived)} of frames in all.
- Reconnect cycles: ${cycles(result, 'rabbitmq')}; ${cycles(result, 'redis')}. Status events the pages got: ${counted(load.statusEvents)}.
- Pages: reconnected ${n(load.reconnects)} times, slow pages paused ${n(load.pauses)} times; closes by code: ${counted(load.closes)}.
- The server held back ${n(server.eventsHeld)} events for clients that were behind (${n(server.tailMessagesDropped)} tail messages reported to them as dropped) and disconnected ${n(server.clientsOverflowed)} that stopped reading; it logged ${logged}.
- Event-loop delay p99 at worst ${result.loopP99Max.toFixed(0)} ms; CPU: the server's process ${Math.round(result.serverCpu * 100)}% of a core, the load's ${Math.round(result.loadCpu * 100)}%.
- Unhandled rejections, uncaught exceptions and listener-leak warnings: ${result.faults.length === 0 ? 'none' : result.faults.map((f) => f.split('\n')[0]).join('; ')}.

${fuzz}

Result: ${result.failures.length === 0 ? 'passed' : `**failed**: ${result.failures.join('; ')}`}.`
}

const PATH = new URL('../docs/performance.md', import.meta.url)
const START = '<!-- bench:soak -->'
const END = '<!-- /bench:soak -->'

/** Replaces the soak's section of docs/performance.md (appended the first time); the rest is kept as it is. */
export async function writeSection(section: string): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
  const block = `${START}\n${section}\n\nMeasured ${new Date().toISOString()} on ${machine}.\n${END}`
  const previous = await readFile(PATH, 'utf8')
  const at = previous.indexOf(START)
  const until = previous.indexOf(END)
  const next = at >= 0 && until > at ? previous.slice(0, at) + block + previous.slice(until + END.length) : `${previous.trimEnd()}\n\n${block}\n`
  await writeFile(PATH, next)
}
