import { describe, expect, it } from 'vitest'
import { encodeBody } from './message-body'

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
