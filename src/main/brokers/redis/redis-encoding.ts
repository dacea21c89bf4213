import type { HeaderValue, MessageProperties } from '../../../shared/publish'
import { messagePropertiesSchema } from '../../../shared/publish'
import { browsedBody, encodeBody, type DecodedBody, type EncodedBody } from '../message-body'

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

/**
 * The reverse of streamFieldsFromMessage, for browsing: field `body` is the body, `qs-properties`
 * the properties (when it parses), `qs-header:<name>` the header <name>, and every other field a
 * header with its string value (a JSON-looking value stays a string: we cannot tell who wrote it).
 * An entry without a `body` field shows an empty body and all its fields as headers.
 */
export function messageFromStreamFields(flat: Buffer[]): EncodedBody & { decoded?: DecodedBody; properties: MessageProperties; headers: Record<string, HeaderValue> } {
  let body: Buffer = Buffer.alloc(0)
  let properties: MessageProperties = {}
  const headers: Record<string, HeaderValue> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!.toString('utf8')
    const value = flat[i + 1]!
    if (field === 'body') {
      body = value
    } else if (field === 'qs-properties') {
      const parsed = messagePropertiesSchema.safeParse(safeJson(value.toString('utf8')))
      if (parsed.success) properties = parsed.data
      else headers[field] = value.toString('utf8')
    } else {
      const name = field.startsWith('qs-header:') ? field.slice('qs-header:'.length) : field
      const decoded = encodeBody(value)
      headers[name] = decoded.encoding === 'utf8' ? decoded.body : value.toString('base64')
    }
  }
  return { ...browsedBody(body, properties.contentEncoding), properties, headers }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
