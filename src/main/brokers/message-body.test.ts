import { describe, expect, it } from 'vitest'
import { browsedBody, encodeBody, MAX_DECODED_BYTES } from './message-body'

describe('encodeBody', () => {
  it('keeps UTF-8 text as text, with its byte size', () => {
    expect(encodeBody(Buffer.from('{"a":"ünï"}'))).toEqual({ body: '{"a":"ünï"}', encoding: 'utf8', size: 13 })
    expect(encodeBody(Buffer.alloc(0))).toEqual({ body: '', encoding: 'utf8', size: 0 })
  })

  it('sends bytes that are not UTF-8, or hold NUL, as base64 without losing any', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x41])
    expect(encodeBody(binary)).toEqual({ body: binary.toString('base64'), encoding: 'base64', size: 3 })
    const nul = Buffer.from([0x41, 0x00, 0x42])
    expect(encodeBody(nul)).toEqual({ body: 'QQBC', encoding: 'base64', size: 3 })
  })

  it('keeps a byte-order mark instead of silently dropping it', () => {
    const withBom = Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69])
    const { body, encoding } = encodeBody(withBom)
    expect(encoding).toBe('utf8')
    expect(Buffer.from(body, 'utf8').equals(withBom)).toBe(true)
  })

  it('reads a slice of a larger buffer, not the whole pool', () => {
    const pool = Buffer.from([0xff, 0x68, 0x69, 0xff])
    expect(encodeBody(pool.subarray(1, 3))).toEqual({ body: 'hi', encoding: 'utf8', size: 2 })
    expect(encodeBody(pool.subarray(0, 1))).toEqual({ body: '/w==', encoding: 'base64', size: 1 })
  })
})

describe('browsedBody', () => {
  const json = Buffer.from(JSON.stringify({ order: 1, note: 'ünï' }))

  it('decompresses gzip, deflate (zlib and raw) and brotli by content encoding, keeping the stored bytes', async () => {
    const zlib = await import('node:zlib')
    const gz = zlib.gzipSync(json)
    expect(browsedBody(gz, 'gzip')).toEqual({ ...encodeBody(gz), decoded: { contentEncoding: 'gzip', ...encodeBody(json) } })
    expect(browsedBody(gz, 'x-gzip').decoded).toMatchObject({ contentEncoding: 'gzip', body: json.toString() })
    expect(browsedBody(zlib.deflateSync(json), 'deflate').decoded).toMatchObject({ body: json.toString() })
    expect(browsedBody(zlib.deflateRawSync(json), 'Deflate').decoded).toMatchObject({ body: json.toString() })
    expect(browsedBody(zlib.brotliCompressSync(json), 'br').decoded).toMatchObject({ contentEncoding: 'br', body: json.toString() })
  })

  it('recognises gzip by its magic bytes when no encoding is set, and leaves other bodies alone', async () => {
    const zlib = await import('node:zlib')
    expect(browsedBody(zlib.gzipSync(json)).decoded).toMatchObject({ contentEncoding: 'gzip', body: json.toString() })
    expect(browsedBody(json)).toEqual(encodeBody(json))
    expect(browsedBody(json, 'identity')).toEqual(encodeBody(json))
    expect(browsedBody(Buffer.alloc(0), 'gzip')).toEqual(encodeBody(Buffer.alloc(0)))
  })

  it('says why a body marked compressed cannot be decoded, and refuses a zip bomb', async () => {
    const zlib = await import('node:zlib')
    expect(browsedBody(json, 'gzip').decoded).toMatchObject({ contentEncoding: 'gzip', error: expect.stringMatching(/^not shown decompressed: /) })
    const bomb = zlib.gzipSync(Buffer.alloc(MAX_DECODED_BYTES + 1))
    expect(browsedBody(bomb, 'gzip').decoded).toEqual({ contentEncoding: 'gzip', error: 'not shown decompressed: it decompresses to more than 16 MiB' })
  })
})
