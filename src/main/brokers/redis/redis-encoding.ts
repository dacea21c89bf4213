import type { HeaderValue, MessageProperties } from '../../../shared/publish'
import { messagePropertiesSchema } from '../../../shared/publish'
import { setHeader } from '../header-values'
import { browsedBody, DisplayBudget, encodeBody, type DecodedBody, type EncodedBody } from '../message-body'

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
 * anything else as JSON, and then its name is listed in `qs-header-json` so reading it back gives
 * the number, table or list again), except a header named like a reserved field, which goes in
 * `qs-header:<name>`; non-empty properties go as JSON in `qs-properties`.
 */
const RESERVED_FIELDS = new Set(['body', 'qs-properties', 'qs-header-json'])
const JSON_HEADERS_FIELD = 'qs-header-json'

export function streamFieldsFromMessage(body: Buffer, headers: Record<string, HeaderValue>, properties: MessageProperties): (string | Buffer)[] {
  const fields: (string | Buffer)[] = ['body', body]
  const typed: string[] = []
  for (const [name, value] of Object.entries(headers)) {
    const field = RESERVED_FIELDS.has(name) || name.startsWith('qs-header:') ? `qs-header:${name}` : name
    if (typeof value !== 'string') typed.push(field)
    fields.push(field, typeof value === 'string' ? value : JSON.stringify(value))
  }
  if (typed.length > 0) fields.push(JSON_HEADERS_FIELD, JSON.stringify(typed))
  if (Object.keys(properties).length > 0) fields.push('qs-properties', JSON.stringify(properties))
  return fields
}

/** Stream fields back into body, properties and headers (see streamFieldsFromMessage). */
export function decodeStreamFields(flat: Buffer[]): { body: Buffer; properties: MessageProperties; headers: Record<string, HeaderValue> } {
  // Runs for every entry browsed, tailed or replayed: one pass over the fields, headers decoded in
  // place, and a second pass only for the rare entry that names JSON-typed headers.
  let body: Buffer = EMPTY
  let properties: MessageProperties = {}
  let typed: Set<string> | null = null
  const headers: Record<string, HeaderValue> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!.toString('utf8')
    const value = flat[i + 1]!
    if (field === 'body') {
      body = value
      continue
    }
    if (field === 'qs-properties') {
      const parsed = messagePropertiesSchema.safeParse(safeJson(value.toString('utf8')))
      if (parsed.success) {
        properties = parsed.data
        continue
      }
    } else if (field === JSON_HEADERS_FIELD) {
      const names = safeJson(value.toString('utf8'))
      if (Array.isArray(names) && names.every((n) => typeof n === 'string')) {
        typed = new Set(names as string[])
        continue
      }
    }
    setHeader(headers, field.startsWith(HEADER_PREFIX) ? field.slice(HEADER_PREFIX.length) : field, headerText(value))
  }
  if (typed !== null) {
    // A header listed as JSON goes back to its number, table or list (the list may come after it).
    for (const field of typed) {
      const name = field.startsWith(HEADER_PREFIX) ? field.slice(HEADER_PREFIX.length) : field
      const text = headers[name]
      const parsed = typeof text === 'string' ? safeJson(text) : undefined
      if (parsed !== undefined) setHeader(headers, name, parsed as HeaderValue)
    }
  }
  return { body, properties, headers }
}

const EMPTY = Buffer.alloc(0)
const HEADER_PREFIX = 'qs-header:'

/** A header field's value: its text when it is UTF-8 (see encodeBody), else base64. */
function headerText(value: Buffer): string {
  const decoded = encodeBody(value)
  return decoded.encoding === 'utf8' ? decoded.body : value.toString('base64')
}

/**
 * The reverse of streamFieldsFromMessage, for browsing: field `body` is the body, `qs-properties`
 * the properties (when it parses), `qs-header:<name>` the header <name>, and every other field a
 * header with its string value (a JSON-looking value stays a string unless `qs-header-json` names
 * it: we cannot tell who wrote it). An entry without a `body` field shows an empty body and all
 * its fields as headers.
 */
export function messageFromStreamFields(
  flat: Buffer[],
  budget = DisplayBudget.forOneMessage(),
): EncodedBody & { decoded?: DecodedBody; properties: MessageProperties; headers: Record<string, HeaderValue> } {
  const { body, properties, headers } = decodeStreamFields(flat)
  const shown = browsedBody(body, properties.contentEncoding, budget)
  // Field by field: V8 takes ~20x longer over an object spread followed by more fields (it was
  // over half the time of browsing a page of a stream).
  const message: EncodedBody & { decoded?: DecodedBody; properties: MessageProperties; headers: Record<string, HeaderValue> } = {
    body: shown.body,
    encoding: shown.encoding,
    size: shown.size,
    properties,
    headers,
  }
  if (shown.shownBytes !== undefined) message.shownBytes = shown.shownBytes
  if (shown.decoded) message.decoded = shown.decoded
  return message
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
