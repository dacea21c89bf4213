/** Small helpers shared by the benchmarks: timing, repeated runs, and the report table. */
import { performance } from 'node:perf_hooks'

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
  const lines = [
    '| benchmark | Queuescope (median) | reference (median) | ratio Queuescope / reference | target |',
    '|---|---:|---:|---:|---|',
  ]
  for (const row of rows) {
    const ratio = row.queuescope.medianMs / row.reference.medianMs
    lines.push(
      `| ${row.benchmark} | ${row.queuescope.medianMs.toFixed(1)} ms | ${row.reference.medianMs.toFixed(1)} ms (${row.reference.name}) | ${ratio.toFixed(2)}× | ${row.target} |`,
    )
  }
  return lines.join('\n')
}
