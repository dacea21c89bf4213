import { isUtf8 } from 'node:buffer'
import { ENTRY_FIELD_NAME_CHARS, ENTRY_FIELD_NAMES, ENTRY_PREVIEW_CHARS, type StreamEntrySummary } from '../../../shared/messages'
import type { HeaderValue, MessageProperties } from '../../../shared/publish'
import { messagePropertiesSchema } from '../../../shared/publish'
import { setHeader } from '../header-values'
import { browsedBody, DisplayBudget, encodeBody, PreviewBudget, previewText, textStart, type DecodedBody, type EncodedBody } from '../message-body'

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

/**
 * Stream entries as the list shows them (a page in summary form), one page at a time: each entry's
 * id, time, size and field names, and a preview that reads like the row of a fully decoded entry
 * (body first, decompressed when compressed, then `name=value`; a header written under
 * `qs-header:<name>` shows as <name>, a binary value as base64), decoding no more of any field
 * than the preview shows. The properties field is parsed only in an entry that has one (for its
 * time and content encoding). The full decoding is messageFromStreamFields, for the entry opened.
 */
export class StreamPageSummaries {
  private readonly previews = new PreviewBudget()
  /**
   * The last entry's field names by position, as bytes and as text, and its `fields`: the entries
   * of a stream mostly repeat them, and comparing a few bytes costs a fraction of decoding them
   * again (entries with the same names share one `fields` list).
   */
  private readonly nameBytes: Buffer[] = []
  private readonly names: string[] = []
  private fields: string[] = []
  private fieldCount = -1

  summarize(id: string, flat: Buffer[]): StreamEntrySummary {
    const fieldCount = flat.length >> 1
    const names = this.names
    let renamed = fieldCount !== this.fieldCount
    let size = 0
    let body: Buffer | null = null
    let properties: MessageProperties | null = null
    // Fields other than `body` that the full decoding does not show as headers (properties, the typed-header list).
    let hidden: number[] | null = null
    for (let f = 0; f < fieldCount; f++) {
      const nameBytes = flat[2 * f]!
      const value = flat[2 * f + 1]!
      size += nameBytes.length + value.length
      const before = this.nameBytes[f]
      if (before === undefined || !sameBytes(before, nameBytes)) {
        this.nameBytes[f] = nameBytes
        names[f] = nameBytes.length <= ENTRY_FIELD_NAME_CHARS ? shortText(nameBytes) : textStart(nameBytes, ENTRY_FIELD_NAME_CHARS)
        renamed = true
      }
      const name = names[f]!
      // As decodeStreamFields reads them: the last body (or properties) field wins.
      if (name === 'body') body = value
      else if (name === 'qs-properties') {
        const parsed = messagePropertiesSchema.safeParse(safeJson(value.toString('utf8')))
        if (parsed.success) (hidden ??= []).push(f)
        if (parsed.success) properties = parsed.data
      } else if (name === JSON_HEADERS_FIELD) {
        const listed = safeJson(value.toString('utf8'))
        if (Array.isArray(listed) && listed.every((n) => typeof n === 'string')) (hidden ??= []).push(f)
      }
    }
    if (renamed) {
      this.fieldCount = fieldCount
      this.fields = names.slice(0, Math.min(fieldCount, ENTRY_FIELD_NAMES))
    }
    let preview = body !== null && body.length > 0 ? previewText(body, properties?.contentEncoding, this.previews, ENTRY_PREVIEW_CHARS) : ''
    for (let f = 0; f < fieldCount && preview.length < ENTRY_PREVIEW_CHARS; f++) {
      const name = names[f]!
      if (name === 'body' || (hidden !== null && hidden.includes(f))) continue
      const label = name.startsWith(HEADER_PREFIX) ? name.slice(HEADER_PREFIX.length) : name
      const start = preview === '' ? `${label}=` : `${preview}  ${label}=`
      const room = ENTRY_PREVIEW_CHARS - start.length
      preview = room > 0 ? start + valueStart(flat[2 * f + 1]!, room) : start
    }
    return {
      id,
      time: properties?.timestamp !== undefined ? properties.timestamp * 1000 : idTime(id),
      size,
      preview: preview.length > ENTRY_PREVIEW_CHARS ? preview.slice(0, ENTRY_PREVIEW_CHARS) : preview,
      fields: this.fields,
      fieldCount,
    }
  }
}

/**
 * A short run of bytes as text: a loop here beats a call into native code for the few ASCII bytes
 * of an entry id or a small value; anything else (longer, non-ASCII, NUL) is decoded as UTF-8.
 */
export function shortText(bytes: Buffer): string {
  if (bytes.length > 24) return bytes.toString('utf8')
  let text = ''
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!
    if (c === 0 || c > 0x7f) return bytes.toString('utf8')
    text += String.fromCharCode(c)
  }
  return text
}

/** Equal bytes; a short name is compared here, byte by byte, faster than a call into native code. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false
  if (a.length > 32) return a.equals(b)
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** A field value's first `chars` characters as the entry's headers show it: text when it is UTF-8, else base64. */
function valueStart(value: Buffer, chars: number): string {
  if (chars === 0 || value.length === 0) return ''
  if (value.length <= chars) {
    // Short: decode it and look. U+FFFD is a bad byte (or, rarely, that character itself).
    const text = shortText(value)
    if (!text.includes('\0') && (!text.includes('\uFFFD') || isUtf8(value))) return text
  } else if (!value.includes(0) && isUtf8(value)) {
    // Long: the whole value decides, as headerText does (both checks run at memory speed).
    return textStart(value, chars)
  }
  // Whole 3-byte groups, so this is how the whole value's base64 starts.
  return value
    .subarray(0, Math.ceil(chars / 4) * 3)
    .toString('base64')
    .slice(0, chars)
}

/** The time in an entry id's milliseconds; null for a small one (`1-0`), which is a counter, not a time. */
function idTime(id: string): number | null {
  const dash = id.indexOf('-')
  return dash >= 10 ? Number(id.slice(0, dash)) : null
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
