import { z } from 'zod'
import { peekedMessageSchema } from './messages'

/**
 * The Redis side of the contract: discovery progress, stream groups and consumers,
 * pending entries, BullMQ jobs and live tails. RabbitMQ shapes live in model.ts / topology.ts.
 */

const count = z.number().int().nonnegative()
/** null: Redis cannot tell (shown as "unknown" with a reason, never as 0). */
const optionalCount = count.nullable()

// ---------------------------------------------------------------------------------------------
// Discovery (sources:list on a Redis connection, with progress events and cancel)

export const discoveryProgressSchema = z.object({
  /** The `discoveryId` the sources:list request gave. */
  id: z.string(),
  connectionId: z.string(),
  /** Keys SCAN has returned so far, over every master. */
  scanned: count,
  /** DBSIZE summed over the masters when the scan started (null when unknown). */
  total: optionalCount,
  /** Sources found so far (streams, lists, BullMQ queues, channels). */
  found: count,
  /** Masters scanned / to scan (1 on a standalone server). */
  nodesDone: count,
  nodes: count,
  done: z.boolean(),
})
export type DiscoveryProgress = z.infer<typeof discoveryProgressSchema>

export const discoveryCancelRequestSchema = z.object({ id: z.string().min(1) })

// ---------------------------------------------------------------------------------------------
// BullMQ

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

// ---------------------------------------------------------------------------------------------
// Streams: groups, consumers, pending entries

export const streamConsumerSchema = z.object({
  name: z.string(),
  pending: count,
  /** Since the consumer's last attempted interaction (XINFO "idle"). */
  idleMs: count,
  /** Since its last successful read; null before Redis 7.2 (no "inactive" field). */
  inactiveMs: z.number().int().nullable(),
})

export const streamGroupDetailSchema = z.object({
  name: z.string(),
  lag: optionalCount,
  /** Why lag is null, in words (e.g. "the group was created or moved with SETID to an arbitrary id"). */
  lagReason: z.string().nullable(),
  pending: count,
  lastDeliveredId: z.string(),
  entriesRead: optionalCount,
  oldestPendingId: z.string().nullable(),
  /** How long the oldest pending entry has waited since it was last delivered. */
  oldestPendingIdleMs: z.number().int().nonnegative().nullable(),
  consumers: z.array(streamConsumerSchema),
})
export type StreamGroupDetail = z.infer<typeof streamGroupDetailSchema>

/**
 * One stream entry by id, fully decoded: the entry the user opened on a page read in summary form
 * (messages:peek with `form: 'summary'`).
 */
export const streamEntryRequestSchema = z.object({
  connectionId: z.string().min(1),
  /** `stream:<key>` */
  source: z.string().min(1),
  /** The entry id, `<ms>-<seq>`. */
  id: z.string().min(1).max(64),
})

export const streamEntryResultSchema = z.object({
  /** Decoded as a page of one: body (cut at 4 MiB for display), typed headers, properties, `decoded`. */
  message: peekedMessageSchema,
  /** What was cut for display, in words, as a page says it. */
  warnings: z.array(z.string()),
})

export const pendingRequestSchema = z.object({
  connectionId: z.string().min(1),
  /** `stream:<key>` */
  source: z.string().min(1),
  group: z.string().min(1),
  consumer: z.string().optional(),
  /** Exclusive: entries with ids after this one (paging); from the start when absent. */
  after: z.string().optional(),
  count: z.number().int().min(1).max(1000).default(100),
  minIdleMs: count.optional(),
})

export const pendingEntrySchema = z.object({
  id: z.string(),
  consumer: z.string(),
  idleMs: count,
  deliveries: count,
})
export type PendingEntry = z.infer<typeof pendingEntrySchema>

export const pendingResultSchema = z.object({
  entries: z.array(pendingEntrySchema),
  /** XPENDING summary of the whole group. */
  total: count,
  consumers: z.array(z.object({ name: z.string(), pending: count })),
})

export const claimRequestSchema = z.object({
  connectionId: z.string().min(1),
  source: z.string().min(1),
  group: z.string().min(1),
  ids: z.array(z.string().min(1)).min(1).max(10_000),
  /** The consumer that takes them (created by XCLAIM if new). */
  consumer: z.string().min(1).max(256),
  /** Only entries idle at least this long (XCLAIM min-idle-time); 0 claims regardless. */
  minIdleMs: count.default(0),
})
export const claimResultSchema = z.object({
  claimed: z.array(z.string()),
  /** Pending ids whose entries were deleted from the stream (Redis 7 removes them from the PEL). */
  deleted: z.array(z.string()),
  /** Not claimed: not pending in this group, or not idle long enough. */
  skipped: z.array(z.string()),
})

export const ackRequestSchema = z.object({
  connectionId: z.string().min(1),
  source: z.string().min(1),
  group: z.string().min(1),
  ids: z.array(z.string().min(1)).min(1).max(10_000),
})
export const ackResultSchema = z.object({ acknowledged: count })

/** Redis writes that are not publishes: delete entries, trim a stream (groups kept), delete a key. */
export const redisWriteRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('xdel'), connectionId: z.string().min(1), source: z.string().min(1), ids: z.array(z.string().min(1)).min(1).max(10_000) }),
  /** XTRIM MAXLEN = keep (0 empties the stream); the key and its groups stay. Typed confirmation. */
  z.object({ op: z.literal('trim'), connectionId: z.string().min(1), source: z.string().min(1), keep: count, confirm: z.string() }),
  /** DEL of a stream or list key. Typed confirmation. */
  z.object({ op: z.literal('delete'), connectionId: z.string().min(1), source: z.string().min(1), confirm: z.string() }),
])
export const redisWriteResultSchema = z.object({ removed: count })

/** The metrics series key of one stream group's lag (kept next to `stream:<key>`). */
export function streamGroupSeriesKey(stream: string, group: string): string {
  return `group:${JSON.stringify([stream, group])}`
}

// ---------------------------------------------------------------------------------------------
// Live tail (Redis stream XREAD BLOCK, pub/sub channel or pattern; RabbitMQ exchange or stream queue)

export const tailStartRequestSchema = z.object({
  connectionId: z.string().min(1),
  /** stream:<key>, channel:<name>, pattern:<glob> is `channel:` with `pattern: true`; queue:/exchange: on RabbitMQ. */
  source: z.string().min(1),
  pattern: z.boolean().default(false),
  /**
   * RabbitMQ exchanges: the binding key of the tail's queue (topic: default `#`, everything; a
   * direct exchange routes by exact key, so it needs one). Ignored by fanout and headers exchanges.
   */
  routingKey: z.string().max(255).optional(),
  /** Most messages kept by the core for this tail between batches; older ones are dropped (and counted). */
  buffer: z.number().int().min(1).max(100_000).default(5_000),
})

export const tailMessageSchema = z.object({
  id: z.string(),
  /** Pub/sub patterns: the channel it came on. */
  channel: z.string().optional(),
  at: z.number(),
  body: z.string(),
  encoding: z.enum(['utf8', 'base64']),
  size: count,
  /** Present when the body was cut for display: `body` holds its first `shownBytes` bytes. */
  shownBytes: count.optional(),
  headers: z.record(z.string(), z.unknown()),
  /** RabbitMQ: the routing key it was published with. */
  routingKey: z.string().optional(),
  /** AMQP properties, or the `qs-properties` of a stream entry; absent when there are none. */
  properties: z.record(z.string(), z.unknown()).optional(),
})
export type TailMessage = z.infer<typeof tailMessageSchema>

/** Delivered as `tail:batch` events, at most a few per second per tail. */
export const tailBatchSchema = z.object({
  tailId: z.string(),
  messages: z.array(tailMessageSchema),
  /** Dropped since the last batch because the buffer was full. */
  dropped: count,
  /** Set on the last batch: why the tail ended (stopped, connection lost, key deleted...). */
  ended: z.string().optional(),
})
export type TailBatch = z.infer<typeof tailBatchSchema>
