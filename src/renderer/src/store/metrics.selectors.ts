import type { SourceSample } from '../../../shared/metrics'
import { backlogTrend, formatDuration, type BacklogSample, type TrendReport } from '../../../shared/trend'
import type { AppState } from './app.store'
import type { MetricsEntry } from './metrics.slice'

const NO_SERIES: Record<string, SourceSample[]> = {}
const NO_SAMPLES: SourceSample[] = []

/** The Overview's sparkline window (docs/ui.md "Overview"). */
export const SPARKLINE_WINDOW_MS = 15 * 60 * 1000
/**
 * The trend looks at the last 5 minutes: long enough to smooth a burst when it falls back to the
 * backlog's slope, short enough that a queue which stopped growing stops saying "growing".
 */
export const TREND_WINDOW_MS = 5 * 60 * 1000
/**
 * The broker's rates are 5-second figures and jump around (1.2 in, 1.0 out, then 0.8 in): the
 * trend reads their mean over the last minute, so a row does not flip growing/steady every sample.
 */
export const RATE_SMOOTHING_MS = 60 * 1000

export const selectMetricsEntry =
  (connectionId: string | null) =>
  (state: AppState): MetricsEntry | null =>
    connectionId === null ? null : (state.metrics[connectionId] ?? null)

/** Every series of the connection; the same object until a fetch brings something new. */
export const selectSeriesMap =
  (connectionId: string | null) =>
  (state: AppState): Record<string, SourceSample[]> =>
    (connectionId === null ? undefined : state.metrics[connectionId]?.series) ?? NO_SERIES

export const selectSeries =
  (connectionId: string, key: string) =>
  (state: AppState): SourceSample[] =>
    state.metrics[connectionId]?.series[key] ?? NO_SAMPLES

/** Samples in the `windowMs` before the newest one (the series' own clock, not the renderer's). */
export function recentSamples(samples: readonly SourceSample[], windowMs: number): readonly SourceSample[] {
  const newest = samples.at(-1)
  if (!newest) return samples
  const from = newest.at - windowMs
  const first = samples.findIndex((s) => s.at >= from)
  return first <= 0 ? samples : samples.slice(first)
}

/** A sample as shared/trend.ts reads it: ready is the backlog, acks (or deliveries) leave it. */
export function toBacklogSample(sample: SourceSample): BacklogSample {
  return { at: sample.at, backlog: sample.ready, inRate: sample.publishRate, outRate: sample.ackRate ?? sample.deliverRate }
}

function meanRate(samples: readonly BacklogSample[], pick: (s: BacklogSample) => number | null): number | null {
  let sum = 0
  let n = 0
  for (const s of samples) {
    const v = pick(s)
    if (v !== null) {
      sum += v
      n++
    }
  }
  return n === 0 ? null : sum / n
}

export function trendOf(samples: readonly SourceSample[], maxLength: number | null = null): TrendReport {
  const window = recentSamples(samples, TREND_WINDOW_MS).map(toBacklogSample)
  const latest = window.at(-1)
  if (latest) {
    const minute = window.filter((s) => s.at >= latest.at - RATE_SMOOTHING_MS)
    // A rate the broker stopped reporting stays unknown (trend.ts then reads the backlog's slope).
    window[window.length - 1] = {
      ...latest,
      inRate: latest.inRate === null ? null : meanRate(minute, (s) => s.inRate),
      outRate: latest.outRate === null ? null : meanRate(minute, (s) => s.outRate),
    }
  }
  return backlogTrend(window, maxLength)
}

/** The Overview's Trend cell: "growing", "draining · 3 min 20 s to drain", "steady", "—". */
export function trendCellText(report: TrendReport): string {
  switch (report.trend) {
    case 'growing':
      return report.fullSeconds === null ? 'growing' : `growing · full in ${formatDuration(report.fullSeconds)}`
    case 'draining':
      return report.drainSeconds === null ? 'draining' : `draining · ${formatDuration(report.drainSeconds)} to drain`
    case 'steady':
      return 'steady'
    case 'unknown':
      return '—'
  }
}

/** "12.3 msg/s", "0.4 msg/s", "1,250 msg/s". */
export function formatRate(rate: number | null, locale?: string): string {
  if (rate === null) return '—'
  const abs = Math.abs(rate)
  const digits = abs >= 100 ? 0 : 1
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(abs)} msg/s`
}

/** A rate cell: "12.3", "0", "—" for no data (never a fake 0). */
export function formatRateCell(rate: number | null, locale?: string): string {
  if (rate === null) return '—'
  const digits = Math.abs(rate) >= 100 || rate === 0 ? 0 : 1
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(rate)
}

/** The Chart tab's sentence: "Draining at 12.3 msg/s — empty in about 3 min". */
export function trendSentence(report: TrendReport, note: string | null = null): string {
  switch (report.trend) {
    case 'draining':
      return `Draining at ${formatRate(report.netRate)}${report.drainSeconds === null ? '' : ` — empty in about ${formatDuration(report.drainSeconds)}`}`
    case 'growing':
      return `Growing at ${formatRate(report.netRate)}${report.fullSeconds === null ? '' : ` — full in about ${formatDuration(report.fullSeconds)}`}`
    case 'steady':
      return 'Steady: about as many messages leave as arrive'
    case 'unknown':
      return note ? `Not enough data yet: ${note}` : 'Not enough data yet'
  }
}

export interface Sparkline {
  /** SVG path ("M x y L x y …"); segments break where ready is unknown. */
  path: string
  /** The first and last known values in the window, for the accessible name. */
  first: number
  last: number
}

/**
 * Ready over the window, scaled into width × height. Time runs over the samples held, up to the
 * window (a queue sampled for 2 minutes is drawn over the whole width, not as a speck at the right
 * end); values span their own min..max so a change of 230 → 250 is visible; a constant backlog is a
 * flat line in the middle. Null when no sample in the window knows ready.
 */
export function sparklineOf(samples: readonly SourceSample[], width: number, height: number, windowMs = SPARKLINE_WINDOW_MS): Sparkline | null {
  const recent = recentSamples(samples, windowMs)
  const known = recent.filter((s): s is SourceSample & { ready: number } => s.ready !== null)
  const first = known[0]
  const last = known.at(-1)
  if (!first || !last) return null
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const s of known) {
    min = Math.min(min, s.ready)
    max = Math.max(max, s.ready)
  }
  const end = recent.at(-1)!.at
  const start = recent[0]!.at
  const span = end - start
  const pad = 1.5
  const x = (at: number) => (span === 0 ? width : ((at - start) / span) * width)
  const y = (v: number) => (max === min ? height / 2 : pad + (1 - (v - min) / (max - min)) * (height - 2 * pad))
  let path = ''
  let pen = false
  for (const s of recent) {
    if (s.ready === null) {
      pen = false
      continue
    }
    path += `${pen ? 'L' : 'M'}${x(s.at).toFixed(1)} ${y(s.ready).toFixed(1)}`
    pen = true
  }
  // A lone sample is a dot-length line, so it still shows.
  if (known.length === 1) path += `h-2`
  return { path, first: first.ready, last: last.ready }
}

export function sparklineLabel(line: Sparkline | null, formatCount: (n: number) => string): string {
  if (line === null) return 'ready over the last 15 minutes: no data'
  return `ready over the last 15 minutes: ${formatCount(line.first)} → ${formatCount(line.last)}`
}

export interface CapacityStats {
  /** The newest sample's consumer capacity (0..1); null when it did not report one. */
  current: number | null
  /** The lowest reported over the samples held (the last hour); null when none reported one. */
  lowest: number | null
}

/** The Chart tab's consumer capacity: now and at its worst over the hour. */
export function capacityStats(samples: readonly SourceSample[]): CapacityStats {
  let lowest: number | null = null
  for (const s of samples) {
    if (s.consumerCapacity !== null) lowest = lowest === null ? s.consumerCapacity : Math.min(lowest, s.consumerCapacity)
  }
  return { current: samples.at(-1)?.consumerCapacity ?? null, lowest }
}
