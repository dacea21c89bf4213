import type { HeaderValue, MessageProperties } from '../../../shared/publish'
import type { XDeathEntry } from '../../../shared/messages'

/**
 * amqplib's decoded field values -> JSON the contract can carry. Typed values amqplib cannot
 * express as plain JS (timestamps, decimals) arrive as `{'!': type, value}` and stay that way,
 * which amqplib accepts again when publishing; byte arrays become text when they are UTF-8, else
 * base64 (a browse shows them; it does not re-publish them).
 */
export function toHeaderValue(value: unknown): HeaderValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (Buffer.isBuffer(value)) {
    const text = value.toString('utf8')
    return Buffer.from(text, 'utf8').equals(value) ? text : value.toString('base64')
  }
  if (Array.isArray(value)) return value.map(toHeaderValue)
  if (typeof value === 'object') {
    const out: Record<string, HeaderValue> = {}
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) out[key] = toHeaderValue(inner)
    return out
  }
  return String(value)
}

export function toHeaders(headers: Record<string, unknown> | undefined): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {}
  for (const [key, value] of Object.entries(headers ?? {})) out[key] = toHeaderValue(value)
  return out
}

const STRING_PROPERTIES = ['contentType', 'contentEncoding', 'correlationId', 'replyTo', 'expiration', 'messageId', 'type', 'userId', 'appId'] as const

/** amqplib message properties -> contract properties (only those set; timestamp in seconds, as published). */
export function toMessageProperties(properties: Record<string, unknown>): MessageProperties {
  const out: MessageProperties = {}
  for (const name of STRING_PROPERTIES) {
    const value = properties[name]
    if (value !== undefined && value !== null) out[name] = String(value)
  }
  const { deliveryMode, priority, timestamp } = properties
  if (deliveryMode === 1 || deliveryMode === 2) out.deliveryMode = deliveryMode
  if (typeof priority === 'number' && Number.isInteger(priority) && priority >= 0 && priority <= 255) out.priority = priority
  if (typeof timestamp === 'number' && Number.isInteger(timestamp) && timestamp >= 0) out.timestamp = timestamp
  return out
}

/** An AMQP timestamp (whole seconds, `{'!': 'timestamp', value}` from amqplib) as epoch ms. */
export function amqpTimestampMs(value: unknown): number | null {
  const seconds = typeof value === 'object' && value !== null && (value as { '!'?: unknown })['!'] === 'timestamp' ? (value as { value?: unknown }).value : value
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : null
}

function text(value: unknown): string {
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  return value === undefined || value === null ? '' : String(value)
}

/**
 * Decodes the broker's `x-death` header: an array of tables, newest first, each with reason,
 * count, queue, exchange, routing-keys and time (BROKER-NOTES.md). Anything else yields undefined;
 * malformed entries are skipped rather than guessed at.
 */
export function decodeXDeath(raw: unknown): XDeathEntry[] | undefined {
  if (!Array.isArray(raw)) return undefined
  const entries: XDeathEntry[] = []
  for (const item of raw) {
    if (typeof item !== 'object' || item === null || Array.isArray(item) || Buffer.isBuffer(item)) continue
    const e = item as Record<string, unknown>
    const count = typeof e['count'] === 'number' ? e['count'] : typeof e['count'] === 'bigint' ? Number(e['count']) : 0
    const keys = e['routing-keys']
    entries.push({
      reason: text(e['reason']),
      count: Number.isInteger(count) && count >= 0 ? count : 0,
      queue: text(e['queue']),
      exchange: text(e['exchange']),
      routingKeys: Array.isArray(keys) ? keys.map(text) : [],
      time: amqpTimestampMs(e['time']),
    })
  }
  return entries
}
