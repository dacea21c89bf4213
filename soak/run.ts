/**
 * `npm run soak`: the web server under a long mixed load with reconnect cycles, then the larger
 * contract fuzz run. Needs the local brokers. Writes its figures to docs/performance.md (its own
 * section) when the run was long enough to judge the steady state.
 *
 *   npm run soak -- [--minutes 5] [--clients 20] [--rate 25] [--fuzz-runs 1000] [--no-fuzz] [--no-doc]
 *   (or QS_SOAK_MINUTES, QS_SOAK_CLIENTS, QS_SOAK_RATE, QS_SOAK_FUZZ_RUNS; QS_SOAK_FUZZ=0 skips the fuzz)
 *
 * Exit codes: 0 everything held; 1 a finding (memory or handles grew beyond tolerance, the server
 * crashed or hung on close, an INTERNAL answer, an unhandled rejection, a call never answered, a
 * connection that did not come back, a leftover handle, a failed fuzz suite); 2 the soak could not
 * run (bad arguments, brokers unreachable, its own load process failed).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { WebServerStats } from '../src/main/web/server'
import { SLOW_PAUSE_MS, SLOW_READ_MS } from './client'
import { brokerTargets, openFixture, type Fixture } from './fixture'
import { runFuzz, type FuzzOutcome } from './fuzz'
import { startLoad, type LoadProcess } from './load-process'
import type { LoadStats } from './protocol'
import { startCuts, type CutCycle } from './cuts'
import { formatSection, writeSection, type SoakResult } from './report'
import { countHandles, judge, startSampler, type Sample } from './sampler'

const SAMPLE_SECONDS = 5
/**
 * One full cycle of the slow clients (SLOW_READ_MS + SLOW_PAUSE_MS): by then the backlog they cause,
 * and the memory it takes at its highest, are what they will be for the rest of the run.
 */
const WARMUP_SECONDS = (SLOW_READ_MS + SLOW_PAUSE_MS) / 1000
const WINDOW_SECONDS = 60
const CUT_EVERY_SECONDS = 30
/** After closing, how long handles get to go away (keep-alive sockets, timers of closed clients). */
const SETTLE_MS = 15_000

const log = (line: string): void => console.log(`[soak] ${line}`)

const USAGE = 'usage: npm run soak -- [--minutes 5] [--clients 20] [--rate 25] [--fuzz-runs 1000] [--no-fuzz] [--no-doc]'

function options() {
  const env = process.env
  const spec = {
    minutes: { type: 'string', default: env['QS_SOAK_MINUTES'] ?? '5' },
    clients: { type: 'string', default: env['QS_SOAK_CLIENTS'] ?? '20' },
    rate: { type: 'string', default: env['QS_SOAK_RATE'] ?? '25' },
    'fuzz-runs': { type: 'string', default: env['QS_SOAK_FUZZ_RUNS'] ?? '1000' },
    'no-fuzz': { type: 'boolean', default: env['QS_SOAK_FUZZ'] === '0' },
    'no-doc': { type: 'boolean', default: false },
  } as const
  let values: ReturnType<typeof parseArgs<{ options: typeof spec }>>['values']
  try {
    values = parseArgs({ options: spec }).values
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const number = (name: string, text: string, min: number): number => {
    const value = Number(text)
    if (!Number.isFinite(value) || value < min) {
      console.error(`--${name} must be a number ≥ ${min}, not "${text}"`)
      process.exit(2)
    }
    return value
  }
  return {
    minutes: number('minutes', values.minutes, 0.5),
    clients: Math.round(number('clients', values.clients, 1)),
    rate: number('rate', values.rate, 1),
    fuzzRuns: Math.round(number('fuzz-runs', values['fuzz-runs'], 1)),
    fuzz: !values['no-fuzz'],
    doc: !values['no-doc'],
  }
}

/** What would end a long-running server, or shows a leak of listeners: all of them fail the soak. */
function recordFaults(onCrash: () => void): string[] {
  const faults: string[] = []
  const text = (err: unknown): string => ((err as Error)?.stack ?? String(err)).slice(0, 2000)
  process.on('unhandledRejection', (reason) => faults.push(`unhandledRejection: ${text(reason)}`))
  process.on('uncaughtException', (err) => {
    faults.push(`uncaughtException (the server would have crashed): ${text(err)}`)
    onCrash()
  })
  process.on('warning', (warning) => {
    if (warning.name === 'MaxListenersExceededWarning') faults.push(`${warning.name}: ${warning.message}`)
  })
  return faults
}

/** Handles beyond the count before the soak, once they had time to go away. */
async function leftoverHandles(before: Record<string, number>): Promise<Record<string, number>> {
  const deadline = Date.now() + SETTLE_MS
  for (;;) {
    const now = countHandles()
    const extra: Record<string, number> = {}
    for (const [type, count] of Object.entries(now)) if (count > (before[type] ?? 0)) extra[type] = count - (before[type] ?? 0)
    if (Object.keys(extra).length === 0 || Date.now() > deadline) return extra
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

interface Phase {
  samples: Sample[]
  cycles: CutCycle[]
  stats: LoadStats
  /** Shares of one core over the load phase. */
  cpu: { server: number; load: number }
  server: WebServerStats
}

/** Starts the clients, samples and cuts until the time is up (or `abort` is called), then stops them. */
async function loadPhase(
  fixture: Fixture,
  load: LoadProcess,
  opts: { minutes: number; clients: number; rate: number },
  view: { samples: Sample[] },
  setAbort: (abort: () => void) => void,
): Promise<Phase> {
  await load.start(fixture.loadConfig(opts.clients, opts.rate))
  log(`load running against ${fixture.server.origin}`)
  const sampler = startSampler(SAMPLE_SECONDS * 1000, fixture.figures)
  view.samples = sampler.samples
  const cuts = startCuts(fixture, load, CUT_EVERY_SECONDS)
  const cpuStart = process.cpuUsage()
  const wallStart = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, opts.minutes * 60_000)
        setAbort(resolve)
      }),
      load.failed,
    ])
  } finally {
    clearTimeout(timer)
    cuts.stop()
    sampler.stop()
  }
  const used = process.cpuUsage(cpuStart)
  const wallMs = performance.now() - wallStart
  const stats = await load.stop()
  return {
    samples: sampler.samples,
    cycles: cuts.cycles,
    stats,
    server: fixture.serverStats(),
    cpu: { server: (used.user + used.system) / 1e3 / wallMs, load: (stats.cpuSeconds * 1e3) / wallMs },
  }
}

async function main(): Promise<number> {
  const opts = options()
  const before = countHandles()
  let abort: () => void = () => undefined
  const faults = recordFaults(() => abort())
  log(
    `${opts.minutes} min, ${opts.clients} clients, ${opts.rate} msg/s per source${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: heap figures include garbage)'}`,
  )

  // The load process holds the proxies the server reaches the brokers through: it starts first.
  const view = { samples: [] as Sample[] }
  const load = startLoad(brokerTargets(), (stats) => {
    const s = view.samples.at(-1)
    if (s)
      log(
        `t=${Math.round(s.t)}s rss ${(s.rss / 2 ** 20).toFixed(0)} MiB, heap ${(s.heapUsed / 2 ** 20).toFixed(0)} MiB, handles ${s.handleTotal}, tails ${s.tails}, clients ${s.webClients}, backlog ${(s.backlogBytes / 2 ** 20).toFixed(1)} MiB; ${stats.calls} calls, ${stats.reconnects} page reconnects`,
      )
  })
  let fixture: Fixture
  try {
    fixture = await openFixture(await load.ports)
  } catch (err) {
    console.error(`[soak] could not start (are the brokers running? npm run brokers): ${(err as Error).message}`)
    await load.exit()
    return 2
  }
  const failures: string[] = []
  let phase: Phase | null = null
  try {
    phase = await loadPhase(fixture, load, opts, view, (stop) => (abort = stop))
  } catch (err) {
    console.error(`[soak] ${(err as Error).message}`)
    failures.push((err as Error).message.split('\n')[0]!)
  }
  log('closing…')
  failures.push(...(await fixture.close()))
  await load.exit()
  const leftover = await leftoverHandles(before)
  if (!phase) {
    console.error('[soak] no figures: the load did not run to its end')
    return 2
  }
  const { samples, cycles, stats, cpu } = phase

  const judgement = judge(samples, WARMUP_SECONDS, WINDOW_SECONDS)
  for (const [name, f] of Object.entries(judgement.metrics))
    if (f.ok === false)
      failures.push(
        `${name} grew by ${Math.round(f.growth).toLocaleString('en-US')} from warm to end (tolerance ${Math.round(f.tolerance).toLocaleString('en-US')})`,
      )
  if (faults.length) failures.push(`${faults.length} unhandled rejection(s), uncaught exception(s) or listener-leak warning(s)`)
  if (stats.internalCount) failures.push(`${stats.internalCount} INTERNAL answer(s) or error frame(s)`)
  if (stats.unanswered.length) failures.push(`${stats.unanswered.length} call(s) unanswered within 90 s`)
  const stuck = cycles.filter((c) => c.reopenedAfter === null)
  if (stuck.length) failures.push(`${stuck.length} cut(s) after which the connection did not reopen before the next one`)
  if (Object.keys(leftover).length) failures.push(`handles left open after closing: ${JSON.stringify(leftover)}`)

  let fuzz: FuzzOutcome[] | null = null
  if (opts.fuzz) {
    // The integration suite's cases wait on real brokers: a fifth as many.
    fuzz = await runFuzz({ unit: opts.fuzzRuns, integration: Math.max(1, Math.round(opts.fuzzRuns / 5)) }, log)
    for (const f of fuzz) if (!f.ok) failures.push(`the ${f.suite} fuzz suite failed with QS_FUZZ_RUNS=${f.runs}`)
  }

  const result: SoakResult = {
    minutes: opts.minutes,
    clients: opts.clients,
    rate: opts.rate,
    cutEverySeconds: CUT_EVERY_SECONDS,
    sampleSeconds: SAMPLE_SECONDS,
    forcedGc: typeof (globalThis as { gc?: unknown }).gc === 'function',
    warmupSeconds: WARMUP_SECONDS,
    windowSeconds: WINDOW_SECONDS,
    judgement,
    load: stats,
    cycles,
    serverCpu: cpu.server,
    loadCpu: cpu.load,
    loopP99Max: Math.max(0, ...samples.map((s) => s.loopP99)),
    leftoverHandles: leftover,
    server: phase.server,
    serverLog: fixture.serverLog,
    faults,
    fuzz,
    failures,
  }
  const section = formatSection(result)
  // Every sample, for a closer look at what grew (.tmp is not committed).
  const dump = new URL('../.tmp/soak-last-run.json', import.meta.url)
  await mkdir(new URL('.', dump), { recursive: true })
  await writeFile(dump, JSON.stringify({ result, samples }, null, 1))
  console.log(`\n${section}\n`)
  for (const fault of faults) console.error(`[soak] ${fault}`)
  for (const finding of stats.internal) console.error(`[soak] client ${finding.client} ${finding.channel}: ${finding.code} ${finding.message}`)
  for (const [key, message] of Object.entries(stats.errorExamples)) log(`${key} (${stats.answers[key]}×), e.g.: ${message}`)
  if (opts.doc && judgement.judged) {
    await writeSection(section)
    log('wrote docs/performance.md (section bench:soak)')
  } else
    log(
      `docs/performance.md not written (${opts.doc ? `a run under ${(WARMUP_SECONDS + 2 * WINDOW_SECONDS) / 60} minutes has no steady state to judge` : '--no-doc'})`,
    )
  log(`every sample: .tmp/soak-last-run.json`)
  log(failures.length === 0 ? 'passed' : `FAILED: ${failures.join('; ')}`)
  return failures.length === 0 ? 0 : 1
}

main().then(
  // Whatever a broken server left open, the verdict is in.
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[soak] ${(err as Error).stack ?? String(err)}`)
    process.exit(2)
  },
)
