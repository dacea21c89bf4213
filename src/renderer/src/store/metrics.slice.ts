import type { SourceSample } from '../../../shared/metrics'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'

/** The core keeps the last hour (docs/architecture.md "MetricsService"); so does the renderer. */
export const HISTORY_MS = 60 * 60 * 1000

export interface MetricsEntry {
  /** Samples per `<kind>:<name>`, oldest first; a series only gets a new array when it changed. */
  series: Record<string, SourceSample[]>
  intervalMs: number | null
  /** The core's reason for having no data (e.g. no management API). */
  note: string | null
  /** The newest sample's `at` over every series: the next fetch asks `since` it. */
  lastAt: number | null
  loading: boolean
  error: QsErrorShape | null
}

export interface MetricsSlice {
  metrics: Record<string, MetricsEntry>
  /** Fetches `metrics:history` for the connection, only what is new since the last fetch. */
  refreshMetrics(connectionId: string): Promise<void>
}

const EMPTY_ENTRY: MetricsEntry = { series: {}, intervalMs: null, note: null, lastAt: null, loading: false, error: null }

/**
 * Appends `incoming` to `current` (both oldest first), skipping samples not newer than what is
 * held (`since` is inclusive, so the last one comes again), and drops what is older than an hour
 * before `newestAt`. Returns `current` itself when nothing changed, so memoised rows stay still.
 */
export function mergeSamples(current: SourceSample[] | undefined, incoming: readonly SourceSample[], newestAt: number): SourceSample[] {
  const held = current ?? []
  const lastHeld = held.at(-1)?.at ?? Number.NEGATIVE_INFINITY
  const fresh = incoming.filter((s) => s.at > lastHeld)
  const cutoff = newestAt - HISTORY_MS
  const firstKept = held.findIndex((s) => s.at >= cutoff)
  const dropped = firstKept === -1 ? held.length : firstKept
  if (fresh.length === 0 && dropped === 0 && current) return current
  return [...held.slice(dropped), ...fresh.filter((s) => s.at >= cutoff)]
}

function newestOf(series: Record<string, readonly SourceSample[]>, start: number | null): number | null {
  let newest = start
  for (const samples of Object.values(series)) {
    const at = samples.at(-1)?.at
    if (at !== undefined && (newest === null || at > newest)) newest = at
  }
  return newest
}

export const createMetricsSlice: SliceCreator<MetricsSlice> = (set, get, { api }) => {
  const patch = (connectionId: string, next: Partial<MetricsEntry>) =>
    set((s) => ({ metrics: { ...s.metrics, [connectionId]: { ...(s.metrics[connectionId] ?? EMPTY_ENTRY), ...next } } }))

  return {
    metrics: {},

    refreshMetrics: async (connectionId) => {
      const before = get().metrics[connectionId]
      if (before?.loading) return
      const generation = get().scopeGeneration(connectionId)
      // The connection moved to another vhost or database meanwhile: these samples are of the old one.
      const moved = () => get().scopeGeneration(connectionId) !== generation
      patch(connectionId, { loading: true })
      try {
        const since = before?.lastAt ?? null
        const history = await api().metricsHistory(since === null ? { connectionId } : { connectionId, since })
        if (moved()) return
        const entry = get().metrics[connectionId] ?? EMPTY_ENTRY
        const newestAt = newestOf(history.series, entry.lastAt)
        const series: Record<string, SourceSample[]> = {}
        // Sources the core no longer reports (deleted queues) age out with the hour like the rest.
        for (const key of new Set([...Object.keys(entry.series), ...Object.keys(history.series)])) {
          const merged = newestAt === null ? (entry.series[key] ?? []) : mergeSamples(entry.series[key], history.series[key] ?? [], newestAt)
          if (merged.length > 0) series[key] = merged
        }
        patch(connectionId, {
          series,
          intervalMs: history.intervalMs,
          note: history.note ?? null,
          lastAt: newestAt,
          loading: false,
          error: null,
        })
      } catch (err) {
        if (!moved()) patch(connectionId, { loading: false, error: toQsErrorShape(err) })
      }
    },
  }
}
