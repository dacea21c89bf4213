import { z } from 'zod'

/**
 * A string-keyed record that keeps every own key, `__proto__` included: zod's z.record builds its
 * output by assignment, which runs the prototype setter for that key and drops it (a header named
 * `__proto__` vanished on publish). Each value is checked with `value`; the output is built with
 * defineProperty.
 */
export function ownKeysRecord<T>(value: z.ZodType<T>): z.ZodType<Record<string, T>> {
  return z
    .custom<Record<string, unknown>>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), { message: 'expected an object' })
    .transform((input, ctx) => {
      const out: Record<string, T> = {}
      for (const key of Object.keys(input)) {
        const parsed = value.safeParse(input[key])
        if (parsed.success) Object.defineProperty(out, key, { value: parsed.data, enumerable: true, writable: true, configurable: true })
        else for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as Parameters<typeof ctx.addIssue>[0])
      }
      return out
    })
}

/** Header and property values that survive every transport (JSON) and every broker. */
export const headerValueSchema: z.ZodType<HeaderValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(headerValueSchema), ownKeysRecord(headerValueSchema)]),
)
export type HeaderValue = string | number | boolean | null | HeaderValue[] | { [key: string]: HeaderValue }

/** A message's headers: every name kept, `__proto__` too. */
export const headersSchema = ownKeysRecord(headerValueSchema)

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
  headers: headersSchema.default({}),
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
