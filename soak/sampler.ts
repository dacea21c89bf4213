/**
 * What the soak measures of the server's process, and how it judges it. A sample is taken after a
 * forced full GC (when the soak runs with --expose-gc), so heap used is what is retained, not what
 * the next collection would free; active handles are process.getActiveResourcesInfo() by type.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'

export interface Sample {
  /** Seconds since the load started. */
  t: number
  rss: number
  /** What V8 has reserved for the heap (RSS follows it, not heap used). */
  heapTotal: number
  heapUsed: number
  /** Memory of Buffers and other objects outside the JS heap (frames on their way out among them). */
  external: number
  /** Active handles and requests by type (TCPSocketWrap, Timeout, FSReqCallback, …). */
  handles: Record<string, number>
  handleTotal: number
  /** Tails the core runs: a page that went away must not leave one behind. */
  tails: number
  /** WebSocket clients the server holds, and the bytes queued for them (ws bufferedAmount). */
  webClients: number
  backlogBytes: number
  /** Event-loop delay since the previous sample, p99 and max, in ms. */
  loopP99: number
  loopMax: number
}

export function countHandles(): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1
  return counts
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0)

export type ServerFigures = Pick<Sample, 'tails' | 'webClients' | 'backlogBytes'>

/** Samples every `intervalMs` until stopped; `server` reads what only the server side can see. */
export function startSampler(intervalMs: number, server: () => ServerFigures): { samples: Sample[]; stop(): void } {
  const gc = (globalThis as { gc?: () => void }).gc
  const loop = monitorEventLoopDelay({ resolution: 20 })
  loop.enable()
  const started = performance.now()
  const samples: Sample[] = []
  const take = (): void => {
    gc?.()
    const memory = process.memoryUsage()
    const handles = countHandles()
    samples.push({
      t: (performance.now() - started) / 1000,
      rss: memory.rss,
      heapTotal: memory.heapTotal,
      heapUsed: memory.heapUsed,
      external: memory.external,
      handles,
      handleTotal: sum(handles),
      ...server(),
      loopP99: loop.percentile(99) / 1e6,
      loopMax: loop.max / 1e6,
    })
    loop.reset()
  }
  take()
  const timer = setInterval(take, intervalMs)
  return {
    samples,
    stop: () => {
      clearInterval(timer)
      take()
      loop.disable()
    },
  }
}

/** Judged figures; the web clients and their backlog are shown, not judged (the server bounds the backlog itself). */
export type MetricName = 'rss' | 'heapUsed' | 'external' | 'handleTotal' | 'tails' | 'webClients' | 'backlogBytes'
const JUDGED: readonly MetricName[] = ['rss', 'heapUsed', 'external', 'handleTotal', 'tails']

export interface MetricFigures {
  start: number
  warm: number
  end: number
  peak: number
  growth: number
  /** Least-squares slope from the end of the warm-up on, per minute. */
  slopePerMinute: number
  tolerance: number
  /** Null for a figure that is shown, not judged. */
  ok: boolean | null
}

export interface Judgement {
  /** False when the run was too short to have a warm window and a separate end window. */
  judged: boolean
  metrics: Record<MetricName, MetricFigures>
  /** Handle types whose median changed from the warm window to the end window: [type, warm, end]. */
  handleChanges: [string, number, number][]
}

/**
 * How much each figure may grow from the warm window to the end window. A leak of a few hundred
 * bytes per call or a socket per reconnect passes none of them within minutes; what stays inside
 * them is noise: the heap after GC moves by a few MiB (code caches, the metrics history that fills
 * its first hour by design), RSS also holds frames queued for paused clients and allocator slack,
 * and handles come and go with reconnecting pages and tails being started and stopped.
 */
const TOLERANCE: Record<MetricName, (warm: number) => number> = {
  heapUsed: (warm) => Math.max(8 * 2 ** 20, warm * 0.1),
  rss: (warm) => Math.max(32 * 2 ** 20, warm * 0.2),
  external: (warm) => Math.max(16 * 2 ** 20, warm * 0.2),
  handleTotal: (warm) => Math.max(10, Math.ceil(warm * 0.1)),
  tails: () => 8,
  webClients: () => Infinity,
  backlogBytes: () => Infinity,
}

function median(values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function slope(points: [number, number][]): number {
  if (points.length < 2) return 0
  const meanX = points.reduce((a, [x]) => a + x, 0) / points.length
  const meanY = points.reduce((a, [, y]) => a + y, 0) / points.length
  const num = points.reduce((a, [x, y]) => a + (x - meanX) * (y - meanY), 0)
  const den = points.reduce((a, [x]) => a + (x - meanX) ** 2, 0)
  return den === 0 ? 0 : num / den
}

/** Warm: the median of the window after the warm-up; end: the median of the last window. */
export function judge(samples: Sample[], warmupS: number, windowS: number): Judgement {
  const last = samples.at(-1)?.t ?? 0
  const judged = last >= warmupS + 2 * windowS
  const warmSamples = samples.filter((s) => s.t >= warmupS && s.t < warmupS + windowS)
  const endSamples = samples.filter((s) => s.t > last - windowS)
  const steady = samples.filter((s) => s.t >= warmupS)
  const figures = (name: MetricName): MetricFigures => {
    const warm = median(warmSamples.map((s) => s[name]))
    const end = median(endSamples.map((s) => s[name]))
    const tolerance = TOLERANCE[name](warm)
    const growth = end - warm
    return {
      start: samples[0]?.[name] ?? NaN,
      warm,
      end,
      peak: Math.max(...samples.map((s) => s[name])),
      growth,
      slopePerMinute: slope(steady.map((s) => [s.t / 60, s[name]])),
      tolerance,
      ok: !JUDGED.includes(name) ? null : !judged || growth <= tolerance,
    }
  }
  const types = new Set(samples.flatMap((s) => Object.keys(s.handles)))
  const handleChanges: [string, number, number][] = []
  for (const type of [...types].sort()) {
    const warm = median(warmSamples.map((s) => s.handles[type] ?? 0))
    const end = median(endSamples.map((s) => s.handles[type] ?? 0))
    if (warm !== end) handleChanges.push([type, warm, end])
  }
  return {
    judged,
    metrics: Object.fromEntries(
      (['rss', 'heapUsed', 'external', 'handleTotal', 'tails', 'webClients', 'backlogBytes'] as const).map((name) => [name, figures(name)]),
    ) as Record<MetricName, MetricFigures>,
    handleChanges,
  }
}
