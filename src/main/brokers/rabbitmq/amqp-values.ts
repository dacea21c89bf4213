import type { MessageProperties } from '../../../shared/publish'
import type { XDeathEntry } from '../../../shared/messages'

export { toHeaderValue, toHeaders } from '../header-values'

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
  const seconds =
    typeof value === 'object' && value !== null && (value as { '!'?: unknown })['!'] === 'timestamp' ? (value as { value?: unknown }).value : value
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : null
}

function text(value: unknown): string {
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  return value === undefined || value === null ? '' : String(value)
}

/**
 * Decodes the broker's `x-death` header: an array of tables, newest first, each with reason,
 * count, queue, exchange, routing-keys and time (docs/broker-facts.md). Anything else yields undefined;
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
