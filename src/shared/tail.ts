import { z } from 'zod'
import { count } from './counts'

/**
 * Live tails: a Redis stream (XREAD BLOCK), a pub/sub channel or pattern, a RabbitMQ exchange or stream queue.
 */

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
