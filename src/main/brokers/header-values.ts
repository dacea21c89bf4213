import type { HeaderValue } from '../../shared/publish'

/**
 * Header values as a client library decoded them (amqplib's field values) -> JSON the contract
 * and every broker can carry. Typed values amqplib cannot
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
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) setHeader(out, key, toHeaderValue(inner))
    return out
  }
  return String(value)
}

export function toHeaders(headers: Record<string, unknown> | undefined): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {}
  for (const [key, value] of Object.entries(headers ?? {})) setHeader(out, key, toHeaderValue(value))
  return out
}

/**
 * `out[key] = value`, also for a header named `__proto__`: assigning that name runs the prototype
 * setter instead, which drops a string value and turns a table into the object's prototype, so a
 * replay would lose the header.
 */
export function setHeader(out: Record<string, HeaderValue>, key: string, value: HeaderValue): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}
