import { describe, expect, it } from 'vitest'
import { compareStreamIds, lagReason, parseStreamId } from './redis.streams'

describe('stream entry ids', () => {
  it('takes <ms>-<seq>, and a bare time as <ms>-0', () => {
    expect(parseStreamId('1700000000000-3', 'at')).toBe('1700000000000-3')
    expect(parseStreamId(' 1700000000000 ', 'at')).toBe('1700000000000-0')
  })

  it('refuses anything else, naming the field', () => {
    for (const bad of ['', '-', '+', '12-', 'abc', '1-2-3', '(5-0', '18446744073709551616-0']) {
      expect(() => parseStreamId(bad, 'range.after')).toThrow(/range\.after ".*" is not a stream entry id/)
    }
  })

  it('orders ids numerically, not as text', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1)
    expect(compareStreamIds('10-2', '10-10')).toBe(-1)
    expect(compareStreamIds('10-10', '10-10')).toBe(0)
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBe(1)
  })
})

describe('why a lag is unknown', () => {
  const stream = { length: 5, firstId: '10-0', lastId: '14-0', lastGeneratedId: '14-0', entriesAdded: 5, maxDeletedId: '0-0' }

  it('gives no reason when Redis reported the lag', () => {
    expect(lagReason(stream, { lag: 3, lastDeliveredId: '11-0', entriesRead: 2 })).toBeNull()
  })

  it('says so when the server is older than 7.0 (no lag field at all)', () => {
    expect(lagReason(stream, { lag: undefined, lastDeliveredId: '11-0', entriesRead: null })).toMatch(/before 7\.0/)
  })

  it('names SETID for a position that was set rather than read', () => {
    expect(lagReason(stream, { lag: null, lastDeliveredId: '12-0', entriesRead: null })).toMatch(/set by XGROUP CREATE or SETID/)
  })

  it('names a position past the end of the stream', () => {
    expect(lagReason(stream, { lag: null, lastDeliveredId: '99-0', entriesRead: null })).toMatch(/after the stream's last id 14-0/)
  })

  it('names deletions after the group position', () => {
    const deleted = { ...stream, maxDeletedId: '13-0' }
    expect(lagReason(deleted, { lag: null, lastDeliveredId: '11-0', entriesRead: 2 })).toMatch(/deleted \(XDEL, up to 13-0\)/)
    expect(lagReason(deleted, { lag: null, lastDeliveredId: '11-0', entriesRead: null })).toMatch(/SETID.*and entries deleted inside the stream/)
  })
})
