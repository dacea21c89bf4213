import { z } from 'zod'

/** Header and property values that survive every transport (JSON) and every broker. */
export const headerValueSchema: z.ZodType<HeaderValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(headerValueSchema), z.record(z.string(), headerValueSchema)]),
)
export type HeaderValue = string | number | boolean | null | HeaderValue[] | { [key: string]: HeaderValue }

export const messagePropertiesSchema = z
  .object({
    contentType: z.string(),
    contentEncoding: z.string(),
    deliveryMode: z.union([z.literal(1), z.literal(2)]),
    priority: z.number().int().min(0).max(255),
    correlationId: z.string(),
    replyTo: z.string(),
    expiration: z.string(),
    messageId: z.string(),
    timestamp: z.number().int().nonnegative(),
    type: z.string(),
    userId: z.string(),
    appId: z.string(),
  })
  .partial()
export type MessageProperties = z.infer<typeof messagePropertiesSchema>

export const publishRequestSchema = z.object({
  connectionId: z.string(),
  /** `<kind>:<name>`: queue:q (default exchange), exchange:x, stream:s, list:l, channel:c. */
  target: z.string().min(1),
  body: z.string().max(64 * 1024 * 1024),
  /** How `body` is written on the wire: utf8 text, or base64 for binary payloads. */
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
  routingKey: z.string().max(255).optional(),
  headers: z.record(z.string(), headerValueSchema).default({}),
  properties: messagePropertiesSchema.default({}),
  /** Redis lists only: which end to push to. */
  listEnd: z.enum(['left', 'right']).default('left'),
})
export type PublishRequest = z.input<typeof publishRequestSchema>
export type PublishRequestParsed = z.output<typeof publishRequestSchema>

export const publishResultSchema = z.object({
  /** RabbitMQ: confirmed and not returned. Redis: written (stream id, list length, or receivers). */
  routed: z.boolean(),
  /** Stream entry id for stream targets. */
  id: z.string().optional(),
  /** Subscribers that received a pub/sub message; new length of a list. */
  count: z.number().int().optional(),
  /** Why a message was not routed, e.g. "NO_ROUTE". */
  reason: z.string().optional(),
})
export type PublishResult = z.infer<typeof publishResultSchema>
