/** Small helpers shared by the benchmarks: timing, repeated runs, and the report table. */
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

export interface Measurement {
  name: string
  /** Median over the runs, in milliseconds. */
  medianMs: number
  runs: number[]
}

/**
 * Median of `runs` timed calls after a warm-up. `gapMs` pauses (untimed) between calls, for work
 * whose cost partly lands after it returns (a browse's requeue): each call then starts as a user's
 * next click would, not on top of the previous one.
 */
export async function measure(name: string, runs: number, work: () => Promise<unknown>, gapMs = 0): Promise<Measurement> {
  const times: number[] = []
  await work() // warm-up: connections, JIT, broker caches
  for (let i = 0; i < runs; i++) {
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs))
    const started = performance.now()
    await work()
    times.push(performance.now() - started)
  }
  const sorted = [...times].sort((a, b) => a - b)
  return { name, medianMs: sorted[Math.floor(sorted.length / 2)]!, runs: times }
}

export interface ComparisonRow {
  benchmark: string
  queuescope: Measurement
  reference: Measurement
  /** What "good" means for the ratio, e.g. "≤ 1.0". */
  target: string
}

export function formatRows(rows: ComparisonRow[]): string {
  const lines = ['| benchmark | Queuescope (median) | reference (median) | ratio Queuescope / reference | target |', '|---|---:|---:|---:|---|']
  for (const row of rows) {
    const ratio = row.queuescope.medianMs / row.reference.medianMs
    lines.push(
      `| ${row.benchmark} | ${row.queuescope.medianMs.toFixed(1)} ms | ${row.reference.medianMs.toFixed(1)} ms (${row.reference.name}) | ${ratio.toFixed(2)}× | ${row.target} |`,
    )
  }
  return lines.join('\n')
}

/** A move or export that has not finished by then has stalled: the child is killed (the caller removes its vhost). */
const CHILD_TIMEOUT_MS = 15 * 60_000

export interface ChildResult {
  /** Messages moved or exported. */
  done: number
  error: string | null
  seconds: number
  before: number
  peak: number
}

/** Runs memory.child.ts with `args` (see there) and returns what it measured. */
export function measureInChild(args: string[]): Promise<ChildResult> {
  const script = fileURLToPath(new URL('./memory.child.ts', import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, CHILD_TIMEOUT_MS)
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => (out += chunk))
    child.on('error', reject)
    // 'close', not 'exit': only then has all of its output been read.
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0)
        return reject(new Error(`the measured process ${timedOut ? `was killed after ${CHILD_TIMEOUT_MS / 60_000} minutes` : `exited with ${code ?? signal}`}`))
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult)
      } catch (err) {
        reject(new Error(`the measured process printed no result: ${(err as Error).message}`))
      }
    })
  })
}
