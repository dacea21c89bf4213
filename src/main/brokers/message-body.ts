import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'

/** How a browsed body is carried in the contract (src/shared/messages.ts). */
export interface EncodedBody {
  body: string
  encoding: 'utf8' | 'base64'
  size: number
  /** Present when the body was cut for display: only its first `shownBytes` bytes are in `body`. */
  shownBytes?: number
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * UTF-8 text stays text; anything else goes as base64, so no byte is ever lost on the way to a
 * front end. Text holding NUL bytes counts as binary: it is valid UTF-8 but not something to show
 * as text (protobuf, msgpack and friends often are). With `shown` below the size, only that many
 * bytes go (cut back to a character boundary when the bytes are text).
 */
export function encodeBody(bytes: Uint8Array, shown = bytes.byteLength): EncodedBody {
  const size = bytes.byteLength
  let cut = Math.max(0, Math.min(shown, size))
  // A cut inside a UTF-8 sequence would make text look binary: back off to the sequence's start.
  for (let back = 0; back < 3 && cut > 0 && cut < size && (bytes[cut]! & 0xc0) === 0x80; back++) cut--
  const part = cut === size ? bytes : bytes.subarray(0, cut)
  const out = encodePart(part, size)
  if (cut < size) out.shownBytes = cut
  return out
}

function encodePart(bytes: Uint8Array, size: number): EncodedBody {
  if (!bytes.includes(0)) {
    try {
      return { body: utf8.decode(bytes), encoding: 'utf8', size }
    } catch {
      // not UTF-8: fall through to base64
    }
  }
  return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), encoding: 'base64', size }
}

/** Bytes of one body shown in a page or a tail; the rest of a larger one is cut (export has it whole). */
export const MESSAGE_DISPLAY_BYTES = 4 * 1024 * 1024
/**
 * Bytes of bodies shown in one page: what a front end receives stays small enough to serialise
 * and draw (a page of 1,000 large messages once made JSON.stringify throw and ended the server).
 */
export const PAGE_DISPLAY_BYTES = 16 * 1024 * 1024
/** Decompressed output one page may produce, shown or not: a page of zip bombs costs this much work, no more. */
export const PAGE_DECODE_BYTES = 64 * 1024 * 1024

/**
 * What one page (or one tail message) may still show. Each body takes what it shows from it;
 * once it is spent, later bodies show nothing but their size, and say so.
 */
export class DisplayBudget {
  constructor(
    private shownLeft = PAGE_DISPLAY_BYTES,
    private decodeLeft = PAGE_DECODE_BYTES,
  ) {}

  /** A budget for a single message (a tail delivers them one by one; the batch has its own bound). */
  static forOneMessage(): DisplayBudget {
    return new DisplayBudget(MESSAGE_DISPLAY_BYTES, MAX_DECODED_BYTES)
  }

  /** Bytes of a `size`-byte body that may be shown, taken from the budget. */
  take(size: number): number {
    const granted = Math.max(0, Math.min(size, MESSAGE_DISPLAY_BYTES, this.shownLeft))
    this.shownLeft -= granted
    return granted
  }

  /** Bytes a decompression may produce now (0: do not try). */
  decodeAllowance(): number {
    return Math.max(0, Math.min(MAX_DECODED_BYTES, this.decodeLeft))
  }

  spendDecoding(bytes: number): void {
    this.decodeLeft -= bytes
  }
}

/** Largest decompressed body shown (a zip bomb must not take the main process down). */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024

export type DecodedBody = NonNullable<import('../../shared/messages').PeekedMessage['decoded']>

function looksGzipped(bytes: Uint8Array): boolean {
  return bytes.byteLength > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08
}

/**
 * A browsed body, plus its decompressed form when it is compressed: by its content encoding
 * (gzip, deflate, br; "x-gzip" too), or by gzip's magic bytes when no encoding is set. Both are cut
 * to what `budget` grants (the whole page's, or one message's).
 */
export function browsedBody(bytes: Uint8Array, contentEncoding?: string, budget = DisplayBudget.forOneMessage()): EncodedBody & { decoded?: DecodedBody } {
  const encoded = encodeBody(bytes, budget.take(bytes.byteLength))
  const kind = compressionOf(bytes, contentEncoding)
  if (!kind) return encoded
  const allowance = budget.decodeAllowance()
  if (allowance === 0)
    return {
      ...encoded,
      decoded: {
        contentEncoding: kind,
        error: 'not shown decompressed: this page decompressed as much as it may already (browse fewer messages at a time to see it)',
      },
    }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const options = { maxOutputLength: allowance }
  try {
    const output = kind === 'gzip' ? gunzipSync(input, options) : kind === 'br' ? brotliDecompressSync(input, options) : inflateOrRaw(input, options)
    budget.spendDecoding(output.byteLength)
    return { ...encoded, decoded: { contentEncoding: kind, ...encodeBody(output, budget.take(output.byteLength)) } }
  } catch (err) {
    const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
    // The work was done whether or not it fitted: count it, so a page of bombs stops early.
    if (tooBig) budget.spendDecoding(allowance)
    const why = tooBig ? `it decompresses to more than ${formatMiB(allowance)}` : (err as Error).message
    return { ...encoded, decoded: { contentEncoding: kind, error: `not shown decompressed: ${why}` } }
  }
}

type Compression = 'gzip' | 'deflate' | 'br'

/** How a body is compressed: its content encoding (gzip, deflate, br; "x-gzip" too), or gzip's magic bytes when none is set. */
function compressionOf(bytes: Uint8Array, contentEncoding: string | undefined): Compression | null {
  if (bytes.byteLength === 0) return null
  const declared = contentEncoding?.trim().toLowerCase().replace(/^x-/, '')
  return declared === 'gzip' || declared === 'deflate' || declared === 'br' ? declared : !declared && looksGzipped(bytes) ? 'gzip' : null
}

/** Compressed bytes a preview decompresses: the start of the body, enough for a row of text. */
const PREVIEW_INPUT_BYTES = 256
/** Output one preview's decompression may make; more (a bomb) and the preview shows the stored bytes. */
const PREVIEW_OUTPUT_BYTES = 64 * 1024
/** Decompressed bytes the previews of one page may make in all (an attempt that overflows counts in full). */
export const PAGE_PREVIEW_DECODE_BYTES = 2 * 1024 * 1024

/** What the previews of one page may still decompress. */
export class PreviewBudget {
  constructor(public decodeLeft = PAGE_PREVIEW_DECODE_BYTES) {}
}

/**
 * The first `chars` characters of a body as a list row shows it: decompressed when it is
 * compressed (only its first PREVIEW_INPUT_BYTES, so the work is small whatever the body's size,
 * and bounded per page by `budget`), else the stored bytes; bytes that are not UTF-8 show as
 * U+FFFD, as the message viewer's raw text does.
 */
export function previewText(bytes: Uint8Array, contentEncoding: string | undefined, budget: PreviewBudget, chars: number): string {
  const kind = compressionOf(bytes, contentEncoding)
  if (kind && budget.decodeLeft > 0) {
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, PREVIEW_INPUT_BYTES))
    const allowance = Math.min(PREVIEW_OUTPUT_BYTES, budget.decodeLeft)
    // A flush, not a finish: the input is cut, and what it decodes to so far is the preview.
    const options = { maxOutputLength: allowance, finishFlush: kind === 'br' ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH }
    try {
      const output = kind === 'gzip' ? gunzipSync(input, options) : kind === 'br' ? brotliDecompressSync(input, options) : inflateOrRaw(input, options)
      budget.decodeLeft -= output.byteLength
      return textStart(output, chars)
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') budget.decodeLeft -= allowance
      // Not what it says it is, or a bomb: the stored bytes, as the viewer shows them then.
    }
  }
  return textStart(bytes, chars)
}

/** The first `chars` characters of `bytes` read as UTF-8 (leniently), decoding no more bytes than needed. */
export function textStart(bytes: Uint8Array, chars: number): string {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes (4 bytes make 2 units).
  let end = Math.min(bytes.byteLength, chars * 3)
  // A cut inside a sequence would end the text with U+FFFD: back off to the sequence's start.
  for (let back = 0; back < 3 && end > 0 && end < bytes.byteLength && (bytes[end]! & 0xc0) === 0x80; back++) end--
  const text = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('utf8', 0, end)
  if (text.length <= chars) return text
  // Nor half a surrogate pair at the end.
  const cut = (text.charCodeAt(chars - 1) & 0xfc00) === 0xd800 ? chars - 1 : chars
  return text.slice(0, cut)
}

function formatMiB(bytes: number): string {
  const mib = bytes / 1024 / 1024
  return mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`
}

/** "deflate" in the wild is zlib-wrapped (RFC 1950) or raw (RFC 1951). */
function inflateOrRaw(input: Buffer, options: { maxOutputLength: number; finishFlush?: number }): Buffer {
  try {
    return inflateSync(input, options)
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw err
    return inflateRawSync(input, options)
  }
}
