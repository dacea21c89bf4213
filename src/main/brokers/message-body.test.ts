import { describe, expect, it } from 'vitest'
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import {
  browsedBody,
  DisplayBudget,
  encodeBody,
  MAX_DECODED_BYTES,
  MESSAGE_DISPLAY_BYTES,
  PAGE_DECODE_BYTES,
  PAGE_DISPLAY_BYTES,
  PAGE_PREVIEW_DECODE_BYTES,
  PreviewBudget,
  previewText,
  textStart,
} from './message-body'

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

describe('the display budget', () => {
  it('cuts a body over the per-message cap, at a character boundary, and says how much it shows', () => {
    const text = Buffer.from('é'.repeat(MESSAGE_DISPLAY_BYTES)) // two bytes a character
    const shown = browsedBody(Buffer.concat([Buffer.from('x'), text]))
    expect(shown).toMatchObject({ encoding: 'utf8', size: MESSAGE_DISPLAY_BYTES * 2 + 1, shownBytes: MESSAGE_DISPLAY_BYTES - 1 })
    expect(Buffer.byteLength(shown.body)).toBe(MESSAGE_DISPLAY_BYTES - 1)
    const binary = Buffer.alloc(MESSAGE_DISPLAY_BYTES + 10, 0xff)
    expect(browsedBody(binary)).toMatchObject({ encoding: 'base64', shownBytes: MESSAGE_DISPLAY_BYTES })
    expect(browsedBody(Buffer.from('small'))).not.toHaveProperty('shownBytes')
  })

  it('a page shows at most its budget: later bodies show nothing but their size', () => {
    const budget = new DisplayBudget()
    const body = Buffer.alloc(MESSAGE_DISPLAY_BYTES, 0x61)
    const page = Array.from({ length: PAGE_DISPLAY_BYTES / MESSAGE_DISPLAY_BYTES + 2 }, () => browsedBody(body, undefined, budget))
    const shown = page.reduce((sum, m) => sum + m.body.length, 0)
    expect(shown).toBe(PAGE_DISPLAY_BYTES)
    expect(page.at(-1)).toEqual({ body: '', encoding: 'utf8', size: MESSAGE_DISPLAY_BYTES, shownBytes: 0 })
  })

  it('a page of zip bombs costs a bounded amount of decompression, then decodes nothing more', () => {
    // 40 bodies of ~16 KB that each decode to 16 MiB once ended the server when serialised.
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x61))
    const budget = new DisplayBudget()
    const page = Array.from({ length: 40 }, () => browsedBody(bomb, 'gzip', budget))
    const decodedChars = page.reduce((sum, m) => sum + (m.decoded?.body?.length ?? 0), 0)
    expect(decodedChars).toBeLessThanOrEqual(PAGE_DISPLAY_BYTES)
    expect(page[0]!.decoded).toMatchObject({ contentEncoding: 'gzip', shownBytes: MESSAGE_DISPLAY_BYTES, size: 16 * 1024 * 1024 })
    const spentAt = page.findIndex((m) => m.decoded?.error !== undefined)
    expect(spentAt).toBeGreaterThan(0)
    expect(spentAt).toBeLessThanOrEqual(PAGE_DECODE_BYTES / MAX_DECODED_BYTES)
    expect(page.at(-1)!.decoded?.error).toMatch(/decompressed as much as it may/)
    expect(JSON.stringify(page).length).toBeLessThan(PAGE_DISPLAY_BYTES * 2)
  })
})

describe('previews (a list row of a body)', () => {
  it('cuts text at a character, never inside one or inside a surrogate pair', () => {
    expect(textStart(Buffer.from('héllo'), 2)).toBe('hé')
    expect(textStart(Buffer.from('é'.repeat(10)), 4)).toBe('éééé')
    expect(textStart(Buffer.from('a😀b'), 2)).toBe('a')
    expect(textStart(Buffer.from('a😀b'), 3)).toBe('a😀')
    expect(textStart(Buffer.from([0x41, 0xff]), 10)).toBe('A\uFFFD')
  })

  it('decompresses only the start of a large compressed body, whichever deflate it is', () => {
    const json = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ id: i, note: `line ${i}` })))
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
      ['deflate', deflateRawSync(json)],
    ] as const) {
      const budget = new PreviewBudget()
      expect(previewText(bytes, encoding, budget, 50)).toBe(json.slice(0, 50))
      // The start of it: a few KiB decoded, not the whole body.
      expect(PAGE_PREVIEW_DECODE_BYTES - budget.decodeLeft).toBeLessThan(64 * 1024)
    }
  })

  it('shows the stored bytes when the body is not what it says, or the page spent its decompression', () => {
    expect(previewText(Buffer.from('plain'), 'gzip', new PreviewBudget(), 20)).toBe('plain')
    expect(previewText(gzipSync('{"a":1}'), undefined, new PreviewBudget(0), 20)).not.toBe('{"a":1}')
    expect(previewText(gzipSync('{"a":1}'), 'identity', new PreviewBudget(), 20)).not.toBe('{"a":1}')
  })
})
