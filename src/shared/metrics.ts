import { z } from 'zod'

const rate = z.number().nullable()
const count = z.number().int().nonnegative().nullable()

/**
 * One sample of a source's load, for consumer lag over time. Every field may be null: the
 * broker did not report it (stats disabled, no traffic yet), which the UI shows as "no data",
 * never as 0.
 */
export const sourceSampleSchema = z.object({
  at: z.number(),
  ready: count,
  unacked: count,
  consumers: count,
  /** 0..1: share of time the queue could deliver to a consumer at once. */
  consumerCapacity: z.number().nullable(),
  /** messages/s */
  publishRate: rate,
  deliverRate: rate,
  ackRate: rate,
  /** Redis stream groups (series key streamGroupSeriesKey): entries not yet delivered; null = unknown. */
  lag: count.optional(),
})
export type SourceSample = z.infer<typeof sourceSampleSchema>

export const metricsHistoryRequestSchema = z.object({
  connectionId: z.string().min(1),
  /** `<kind>:<name>`; all sources when absent. */
  source: z.string().optional(),
  /** Only samples at or after this epoch ms. */
  since: z.number().optional(),
})

export const metricsHistorySchema = z.object({
  /** Samples per source ref, oldest first. */
  series: z.record(z.string(), z.array(sourceSampleSchema)),
  intervalMs: z.number(),
  /** Why there is no data, e.g. the management API is unavailable. */
  note: z.string().optional(),
})
export type MetricsHistory = z.infer<typeof metricsHistorySchema>
