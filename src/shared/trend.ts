/**
 * Backlog trend from sampled counts and rates (consumer lag over time): is the backlog
 * growing or draining, and how long until it drains or hits its max-length. Any input may be
 * absent (stats disabled, no traffic yet): absent stays null, never 0.
 */
export interface BacklogSample {
  at: number
  /** Messages waiting (ready, or a stream group's lag). */
  backlog: number | null
  /** Messages/s arriving. */
  inRate: number | null
  /** Messages/s leaving (deliver or ack rate, whichever the broker reports). */
  outRate: number | null
}

export type Trend = 'growing' | 'draining' | 'steady' | 'unknown'

export interface TrendReport {
  trend: Trend
  /** Net change, messages/s (positive = growing); null when unknown. */
  netRate: number | null
  /** Seconds until the backlog reaches 0 at the current net rate (draining only). */
  drainSeconds: number | null
  /** Seconds until max-length is reached at the current net rate (growing with a limit only). */
  fullSeconds: number | null
}

/** Below this many messages/s of net change, the backlog counts as steady. */
export const STEADY_EPSILON = 0.05

/**
 * Uses the broker's rates when both are known; otherwise the backlog's own slope over the window
 * (first to last sample with a known backlog).
 */
export function backlogTrend(samples: readonly BacklogSample[], maxLength: number | null = null): TrendReport {
  const unknown: TrendReport = { trend: 'unknown', netRate: null, drainSeconds: null, fullSeconds: null }
  const latest = samples.at(-1)
  if (!latest || latest.backlog === null) return unknown

  let netRate: number | null = null
  if (latest.inRate !== null && latest.outRate !== null) {
    netRate = latest.inRate - latest.outRate
  } else {
    const known = samples.filter((s) => s.backlog !== null)
    const first = known[0]
    if (first && known.length >= 2 && latest.at > first.at) {
      netRate = ((latest.backlog - (first.backlog ?? 0)) * 1000) / (latest.at - first.at)
    }
  }
  if (netRate === null) return unknown

  if (Math.abs(netRate) < STEADY_EPSILON) return { trend: 'steady', netRate, drainSeconds: null, fullSeconds: null }
  if (netRate < 0) {
    return { trend: 'draining', netRate, drainSeconds: latest.backlog / -netRate, fullSeconds: null }
  }
  const fullSeconds = maxLength !== null && maxLength > latest.backlog ? (maxLength - latest.backlog) / netRate : null
  return { trend: 'growing', netRate, drainSeconds: null, fullSeconds }
}

/** "2 h 5 min", "45 s", "3 d 4 h": the largest two units, for ETAs. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 1) return '< 1 s'
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ]
  const parts: string[] = []
  let rest = Math.round(seconds)
  for (const [label, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${label}`)
      rest %= size
    }
    if (parts.length === 2) break
  }
  return parts.join(' ')
}
