import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'

/** How a browsed body is carried in the contract (src/shared/messages.ts). */
export interface EncodedBody {
  body: string
  encoding: 'utf8' | 'base64'
  size: number
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * UTF-8 text stays text; anything else goes as base64, so no byte is ever lost on the way to a
 * front end. Text holding NUL bytes counts as binary: it is valid UTF-8 but not something to show
 * as text (protobuf, msgpack and friends often are).
 */
export function encodeBody(bytes: Uint8Array): EncodedBody {
  const size = bytes.byteLength
  if (!bytes.includes(0)) {
    try {
      return { body: utf8.decode(bytes), encoding: 'utf8', size }
    } catch {
      // not UTF-8: fall through to base64
    }
  }
  return { body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), encoding: 'base64', size }
}

/** Largest decompressed body shown (a zip bomb must not take the main process down). */
export const MAX_DECODED_BYTES = 16 * 1024 * 1024

export type DecodedBody = NonNullable<import('../../shared/messages').PeekedMessage['decoded']>

function looksGzipped(bytes: Uint8Array): boolean {
  return bytes.byteLength > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08
}

/**
 * A browsed body, plus its decompressed form when it is compressed: by its content encoding
 * (gzip, deflate, br; "x-gzip" too), or by gzip's magic bytes when no encoding is set.
 */
export function browsedBody(bytes: Uint8Array, contentEncoding?: string): EncodedBody & { decoded?: DecodedBody } {
  const encoded = encodeBody(bytes)
  const declared = contentEncoding?.trim().toLowerCase().replace(/^x-/, '')
  const kind = declared === 'gzip' || declared === 'deflate' || declared === 'br' ? declared : !declared && looksGzipped(bytes) ? 'gzip' : null
  if (!kind || bytes.byteLength === 0) return encoded
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const options = { maxOutputLength: MAX_DECODED_BYTES }
  try {
    const output =
      kind === 'gzip' ? gunzipSync(input, options) : kind === 'br' ? brotliDecompressSync(input, options) : inflateOrRaw(input, options)
    return { ...encoded, decoded: { contentEncoding: kind, ...encodeBody(output) } }
  } catch (err) {
    const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
    const why = tooBig ? `it decompresses to more than ${MAX_DECODED_BYTES / 1024 / 1024} MiB` : (err as Error).message
    return { ...encoded, decoded: { contentEncoding: kind, error: `not shown decompressed: ${why}` } }
  }
}

/** "deflate" in the wild is zlib-wrapped (RFC 1950) or raw (RFC 1951). */
function inflateOrRaw(input: Buffer, options: { maxOutputLength: number }): Buffer {
  try {
    return inflateSync(input, options)
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw err
    return inflateRawSync(input, options)
  }
}
