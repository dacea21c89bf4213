import type { Options } from 'amqplib'
import type { MessageProperties } from '../../../shared/publish'

/** The contract's property names are amqplib's; only the ones set are passed on. */
const PROPERTY_NAMES = [
  'contentType',
  'contentEncoding',
  'deliveryMode',
  'priority',
  'correlationId',
  'replyTo',
  'expiration',
  'messageId',
  'timestamp',
  'type',
  'userId',
  'appId',
] as const satisfies readonly (keyof MessageProperties & keyof Options.Publish)[]

/** Contract properties -> amqplib publish options. */
export function toPublishOptions(properties: MessageProperties, headers: Readonly<Record<string, unknown>>): Options.Publish {
  const options: Record<string, unknown> = { headers: hasHugeNegative(headers, 0) ? withDoubles(headers) : headers }
  for (const name of PROPERTY_NAMES) {
    if (properties[name] !== undefined) options[name] = properties[name]
  }
  return options as Options.Publish
}

/**
 * amqplib sends a whole number as a signed 64-bit integer unless it is at least 2^63 (then a
 * double); a whole number below -2^63 (such as -1e300) overflows and the publish throws. Those
 * go as doubles, like their positive twins. Checked first, so the usual headers are passed as
 * they are (a replay publishes thousands a second).
 */
const LONG_MIN = -0x8000000000000000

function hasHugeNegative(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return value < LONG_MIN
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || depth > 64) return false
  for (const inner of Object.values(value)) if (hasHugeNegative(inner, depth + 1)) return true
  return false
}

function withDoubles<T>(value: T): T {
  if (typeof value === 'number') return (value < LONG_MIN ? { '!': 'double', value } : value) as T
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value
  if (Array.isArray(value)) return value.map(withDoubles) as T
  const out: Record<string, unknown> = {}
  // Defined, not assigned: a header named __proto__ stays a header.
  for (const [key, inner] of Object.entries(value))
    Object.defineProperty(out, key, { value: withDoubles(inner), enumerable: true, writable: true, configurable: true })
  return out as T
}
