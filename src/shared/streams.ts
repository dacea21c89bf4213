import { z } from 'zod'
import { count, optionalCount } from './counts'
import { peekedMessageSchema } from './messages'

/**
 * Streams: consumer groups and consumers, one entry by id, pending entries (claim, acknowledge), and the
 * writes on streams and lists that are not publishes (delete entries, trim, delete a key).
 */

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
