import type { HeaderValue, MessageProperties } from '../../../shared/publish'

/** XINFO replies are flat [key, value, key, value...] arrays. */
export function pairsToObject(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1]
  return out
}

/** Escapes glob metacharacters so a user's filter text matches literally in SCAN MATCH. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}

/**
 * How a message becomes stream fields (documented in docs/architecture.md, "Message mapping"):
 * the body goes in field `body`; each header becomes a field of its own name (strings as they are,
 * anything else as JSON), except a header named `body` or `qs-properties`, which goes in
 * `qs-header:<name>`; non-empty properties go as JSON in `qs-properties`.
 */
const RESERVED_FIELDS = new Set(['body', 'qs-properties'])

export function streamFieldsFromMessage(
  body: Buffer,
  headers: Record<string, HeaderValue>,
  properties: MessageProperties,
): (string | Buffer)[] {
  const fields: (string | Buffer)[] = ['body', body]
  for (const [name, value] of Object.entries(headers)) {
    const field = RESERVED_FIELDS.has(name) ? `qs-header:${name}` : name
    fields.push(field, typeof value === 'string' ? value : JSON.stringify(value))
  }
  if (Object.keys(properties).length > 0) fields.push('qs-properties', JSON.stringify(properties))
  return fields
}
