import { z } from 'zod'
import { count } from './counts'

/**
 * BullMQ queues on a Redis connection: job states, counts, jobs by state, retry and clean.
 */

export const BULLMQ_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'paused'] as const
export const bullmqStateSchema = z.enum(BULLMQ_STATES)
export type BullmqState = z.infer<typeof bullmqStateSchema>

/**
 * A BullMQ source name: `<queue>` with the default prefix "bull", or `<prefix>:<queue>` (BullMQ
 * forbids ":" in queue names, so everything before the last colon is the prefix).
 */
export function parseBullmqName(name: string): { prefix: string; queue: string } {
  const colon = name.lastIndexOf(':')
  return colon < 0 ? { prefix: 'bull', queue: name } : { prefix: name.slice(0, colon), queue: name.slice(colon + 1) }
}

export function bullmqSourceName(prefix: string, queue: string): string {
  return prefix === 'bull' ? queue : `${prefix}:${queue}`
}

export const bullmqCountsSchema = z.object({
  waiting: count,
  active: count,
  delayed: count,
  prioritized: count,
  completed: count,
  failed: count,
  paused: count,
})
export type BullmqCounts = z.infer<typeof bullmqCountsSchema>

export const bullmqJobSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: bullmqStateSchema.or(z.literal('unknown')),
  /** The job's data as stored (JSON text), cut at 64 KiB for lists; `dataTruncated` says so. */
  data: z.string(),
  dataTruncated: z.boolean(),
  opts: z.record(z.string(), z.unknown()),
  attemptsMade: count,
  /** opts.attempts (1 when not set). */
  attempts: count,
  failedReason: z.string().nullable(),
  stacktrace: z.array(z.string()),
  returnValue: z.string().nullable(),
  progress: z.unknown().nullable(),
  timestamp: z.number().nullable(),
  processedOn: z.number().nullable(),
  finishedOn: z.number().nullable(),
  delay: count.nullable(),
  priority: count.nullable(),
})
export type BullmqJob = z.infer<typeof bullmqJobSchema>

export const bullmqJobsRequestSchema = z.object({
  connectionId: z.string().min(1),
  /** `bullmq:<queue>` (prefix "bull") or `bullmq:<prefix>:<queue>`; see parseBullmqName. */
  source: z.string().min(1),
  state: bullmqStateSchema,
  /** 0-based index into that state's list, newest first (BullMQ's own order). */
  start: count.default(0),
  count: z.number().int().min(1).max(500).default(50),
})

export const bullmqJobsSchema = z.object({
  jobs: z.array(bullmqJobSchema),
  counts: bullmqCountsSchema,
  /** How many jobs the asked state holds (for paging). */
  total: count,
})

export const bullmqRetryRequestSchema = z.object({
  connectionId: z.string().min(1),
  source: z.string().min(1),
  /** These failed jobs; absent: every failed job (Queue.retryJobs). */
  jobIds: z.array(z.string().min(1)).max(10_000).optional(),
})
export const bullmqRetryResultSchema = z.object({ retried: count, notRetried: z.array(z.object({ id: z.string(), reason: z.string() })) })

export const bullmqCleanRequestSchema = z.object({
  connectionId: z.string().min(1),
  source: z.string().min(1),
  state: z.enum(['completed', 'failed']).default('completed'),
  /** Only jobs finished at least this long ago (BullMQ's grace). */
  graceMs: count.default(0),
  limit: z.number().int().min(1).max(1_000_000).default(10_000),
  /** Typed confirmation: the queue's name. */
  confirm: z.string(),
})
export const bullmqCleanResultSchema = z.object({ removed: count })
