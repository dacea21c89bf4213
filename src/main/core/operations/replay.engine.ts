/**
 * The replay engine's entry: runReplay(plan, io) and what callers name (the window, the plan, the
 * replay headers, back-to-origin routes). The run itself, step by step, is ReplayRun
 * (replay.run.ts); the in-flight window it keeps is InFlightWindow (replay.window.ts); what
 * happens to one message (label, origin routes, replay headers) is in replay.message.ts.
 */
import type { ReplayFilter, ReplayItem, ReplayProgress, ReplayReport } from '../../../shared/replay'
import type { BatchReader, FixedRoute, ReplayRouting, TargetWriter } from '../../brokers/replay'
import { ReplayRun } from './replay.run'

export { messageLabel, REPLAY_COUNT_HEADER, REPLAYED_FROM_HEADER, stampReplay } from './replay.message'

/**
 * Messages in flight at once (read, not yet settled): bounds possible duplicates, and with
 * DEFAULT_REPLAY_WINDOW_BYTES memory. RabbitMQ confirms persistent messages in batches (when the
 * queue syncs to disk, mostly once its mailbox runs empty), so the more in flight the fewer stalls
 * per message: on the queue -> queue benchmark (docs/performance.md) 4000 moved about a fifth
 * faster than 1000 (the shovel's prefetch) and ~5% faster than 2000. 8000 moved another 3-7%
 * faster (about level with the shovel), but a 1,000,000-message move then peaked at 326 MB
 * resident, over the 300 MB budget, even with the in-flight messages trimmed to ~1.7 KB of heap
 * each (in-flight messages outlive V8's young generation, and the old generation grows with
 * them); with 4000 it peaks at ~260 MB (`npm run bench -- replay`, in a process of its own).
 */
export const DEFAULT_REPLAY_WINDOW = 4000
/** Message bytes in flight at once: large messages get a smaller window (64 MiB / their average size). */
export const DEFAULT_REPLAY_WINDOW_BYTES = 64 * 1024 * 1024

/**
 * Where messages go: one fixed route (a Redis target names its stream, list or channel in
 * `target`; a null routing key keeps each message's own), or each message's own origin, as the
 * target broker's routing finds it.
 */
export type RouteChoice = ({ kind: 'fixed' } & FixedRoute) | { kind: 'origin'; routing: Pick<ReplayRouting, 'originRoutes'> }

export interface ReplayPlan {
  id: string
  mode: 'move' | 'copy'
  dryRun: boolean
  /** `<kind>:<name>` of the source, written into qs-replayed-from. */
  source: string
  /** For the report: "queue:orders", "origin (each message’s x-death)". */
  target: string
  /** The connection the target is on, for the report. */
  targetConnection?: string
  route: RouteChoice
  limit?: number
  rate?: number
  filters: readonly ReplayFilter[]
  /** Only these messages; the run ends once all were found. */
  messageIds?: readonly string[]
  window?: number
  /** Message bytes in flight at most (by the average size read so far); one message always fits. */
  windowBytes?: number
}

export interface ReplayIo {
  reader: BatchReader
  /** Absent for a dry run (nothing is published). */
  writer: TargetWriter | null
  signal?: AbortSignal
  onProgress?: (progress: ReplayProgress) => void
  /** Ids of messages settled at the target (moved or copied), in batches, for the journal. */
  onReplayed?: (ids: string[]) => void
  now?: () => number
}

/**
 * Runs one replay: read a window of messages, filter, publish each with confirms, then acknowledge
 * (move) or release (copy) it at the source — never before the target confirmed it. The number of
 * messages looked at is fixed at the start (the limit, or what the source holds then), so a source
 * that keeps filling, or a replay into its own source, ends. Failures keep the message in the source.
 */
export async function runReplay(plan: ReplayPlan, io: ReplayIo): Promise<ReplayReport> {
  const sizes = { window: Math.max(1, plan.window ?? DEFAULT_REPLAY_WINDOW), windowBytes: Math.max(1, plan.windowBytes ?? DEFAULT_REPLAY_WINDOW_BYTES) }
  return new ReplayRun(plan, io, sizes).run()
}

/** For reports in words. */
export type { ReplayItem }
