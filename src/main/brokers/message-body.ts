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
