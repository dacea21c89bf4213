import { describe, expect, it } from 'vitest'
import type { PeekedMessage } from '../../../shared/messages'
import {
  cutNote,
  bodySummary,
  decodeNote,
  defaultBodyView,
  effectiveTab,
  formatShortTime,
  formatSize,
  formatTime,
  hexDump,
  messageTime,
  peekRefusalOf,
  prettyJson,
  renderBody,
  shownBody,
  xDeathBadges,
} from './messages.selectors'
import { capabilitiesOf } from '../../../shared/capabilities'
import { QUEUE_BROKER, queue } from './test-data'

const message = (overrides: Partial<PeekedMessage> = {}): PeekedMessage => ({
  id: '1',
  body: '{"order":1}',
  encoding: 'utf8',
  size: 11,
  properties: {},
  headers: {},
  redelivered: false,
  ...overrides,
})

describe('messages selectors', () => {
  it('shows the tab chosen where the source has it, else Details', () => {
    expect(effectiveTab('messages', capabilitiesOf(QUEUE_BROKER, queue('q')))).toBe('messages')
    expect(effectiveTab('messages', capabilitiesOf(QUEUE_BROKER, { kind: 'exchange' }))).toBe('details')
    expect(effectiveTab('publish', capabilitiesOf(QUEUE_BROKER, { kind: 'exchange' }))).toBe('publish')
    // A class the description does not know, or no description yet: Details only.
    expect(effectiveTab('messages', capabilitiesOf(QUEUE_BROKER, { kind: 'bullmq' }))).toBe('details')
    expect(effectiveTab('messages', capabilitiesOf(null, queue('q')))).toBe('details')
  })

  it('recognises a refusal that the user can accept', () => {
    expect(peekRefusalOf(null)).toBeNull()
    expect(peekRefusalOf({ code: 'UNSUPPORTED', message: 'limit 5', detail: { reason: 'delivery-limit', requiresAcceptance: true } })).toEqual({
      message: 'limit 5',
      requiresAcceptance: true,
    })
    expect(peekRefusalOf({ code: 'UNSUPPORTED', message: 'cannot', detail: { reason: 'delivery-limit', deliveryLimit: 1 } })).toEqual({
      message: 'cannot',
      requiresAcceptance: false,
    })
    expect(peekRefusalOf({ code: 'NOT_FOUND', message: 'no queue' })?.requiresAcceptance).toBe(false)
  })

  it('shows JSON pretty, text raw and binary as hex by default', () => {
    expect(defaultBodyView(message())).toBe('pretty')
    expect(renderBody(message(), 'pretty')).toBe('{\n  "order": 1\n}')
    expect(defaultBodyView(message({ body: 'hello' }))).toBe('raw')
    expect(renderBody(message({ body: 'hello' }), 'pretty')).toBe('hello')
    expect(defaultBodyView(message({ body: 'AAEC', encoding: 'base64' }))).toBe('hex')
  })

  describe('a compressed body the core decoded', () => {
    // Stored bytes: gzip's magic (1f 8b 08 00) as base64; the core's decompressed body beside them.
    const gzipped = (decoded: PeekedMessage['decoded']) => message({ body: 'H4sIAA==', encoding: 'base64', size: 1234, decoded })
    const json = gzipped({ contentEncoding: 'gzip', body: '{"order":7,"ok":true}', encoding: 'utf8', size: 5678 })

    it('shows Pretty and Raw from the decoded body and Hex from the stored bytes', () => {
      expect(shownBody(json)).toEqual({ body: '{"order":7,"ok":true}', encoding: 'utf8' })
      expect(defaultBodyView(json)).toBe('pretty')
      expect(prettyJson(json)).toBe('{\n  "order": 7,\n  "ok": true\n}')
      expect(renderBody(json, 'pretty')).toBe(prettyJson(json))
      expect(renderBody(json, 'raw')).toBe('{"order":7,"ok":true}')
      expect(renderBody(json, 'hex')).toMatch(/^00000000 {2}1f 8b 08 00 {2}/)
    })

    it('says the encoding and both sizes', () => {
      expect(bodySummary(json)).toBe(`gzip · ${(1234).toLocaleString()} bytes → ${(5678).toLocaleString()} bytes decoded`)
      expect(bodySummary(message())).toBe('text · 11 bytes')
      expect(bodySummary(message({ body: 'AAEC', encoding: 'base64', size: 3 }))).toBe('binary · 3 bytes')
      expect(decodeNote(json)).toBeNull()
    })

    it('treats decoded text that is not JSON as raw, and decoded binary as hex', () => {
      expect(defaultBodyView(gzipped({ contentEncoding: 'br', body: 'hello', encoding: 'utf8', size: 5 }))).toBe('raw')
      expect(defaultBodyView(gzipped({ contentEncoding: 'deflate', body: 'AAEC', encoding: 'base64', size: 3 }))).toBe('hex')
    })

    it('falls back to the stored bytes, with the reason, when the core could not decode it', () => {
      const failed = gzipped({ contentEncoding: 'gzip', error: 'not shown decompressed: unexpected end of file' })
      expect(shownBody(failed)).toEqual(failed)
      expect(defaultBodyView(failed)).toBe('hex')
      expect(prettyJson(failed)).toBeNull()
      expect(bodySummary(failed)).toBe(`gzip · ${(1234).toLocaleString()} bytes`)
      expect(decodeNote(failed)).toBe('not shown decompressed: unexpected end of file')
      expect(decodeNote(message())).toBeNull()
    })
  })

  it('dumps bytes as offset, hex in two groups of eight, and printable ASCII', () => {
    const dump = hexDump(new TextEncoder().encode('{"a":1}\n0123456789'))
    const lines = dump.split('\n')
    expect(lines[0]).toBe('00000000  7b 22 61 22 3a 31 7d 0a  30 31 32 33 34 35 36 37  |{"a":1}.01234567|')
    expect(lines[1]).toMatch(/^00000010 {2}38 39 {2}/)
    expect(lines[1]!.endsWith('|89|')).toBe(true)
    expect(renderBody(message({ body: 'AP8=', encoding: 'base64' }), 'hex')).toContain('00 ff')
  })

  it('stops a hex dump at the limit and says how much is left', () => {
    expect(hexDump(new Uint8Array(40), 16).split('\n')).toEqual([expect.stringMatching(/^00000000/), '… 24 more bytes not shown'])
  })

  it('reads the time from the AMQP timestamp (seconds) or a Redis stream id (ms)', () => {
    expect(messageTime(message({ properties: { timestamp: 1_700_000_000 } }))).toBe(1_700_000_000_000)
    expect(messageTime(message({ id: '1700000000123-0' }))).toBe(1_700_000_000_123)
    expect(messageTime(message({ id: '3' }))).toBeNull()
  })

  it('badges each x-death entry as reason × count', () => {
    const xDeath = [
      { reason: 'rejected', count: 3, queue: 'orders', exchange: '', routingKeys: ['orders'], time: null },
      { reason: 'expired', count: 1, queue: 'retry', exchange: 'dlx', routingKeys: [], time: 1 },
    ]
    expect(xDeathBadges(message({ xDeath }))).toEqual(['rejected × 3', 'expired × 1'])
    expect(xDeathBadges(message())).toEqual([])
  })

  it('writes times in local time, the list without the year', () => {
    const ms = new Date(2026, 10, 26, 9, 5, 3).getTime()
    expect(formatTime(ms)).toBe('2026-11-26 09:05:03')
    expect(formatShortTime(ms)).toBe('11-26 09:05:03')
    expect(formatTime(null)).toBe('—')
    expect(formatShortTime(null)).toBe('—')
  })

  it('formats sizes in bytes, KiB and MiB', () => {
    expect(formatSize(512)).toBe('512 B')
    expect(formatSize(1536)).toBe('1.5 KiB')
    expect(formatSize(3 * 1024 * 1024)).toBe('3.0 MiB')
  })
})

describe('cutNote', () => {
  it('says how much of a body cut for display is shown, for the decompressed form when that is what shows', () => {
    expect(cutNote({ size: 10, decoded: undefined })).toBeNull()
    expect(cutNote({ size: 20_000_000, shownBytes: 4_194_304 })).toBe(
      'showing the first 4,194,304 of 20,000,000 bytes: the rest is cut for display (export reads the message whole)',
    )
    expect(cutNote({ size: 100, decoded: { contentEncoding: 'gzip', body: 'x', encoding: 'utf8', size: 16_777_216, shownBytes: 4_194_304 } })).toMatch(
      /first 4,194,304 of 16,777,216 bytes/,
    )
  })
})
