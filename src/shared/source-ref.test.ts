import { describe, expect, it } from 'vitest'
import { formatSourceRef, parseSourceRef } from './source-ref'

describe('parseSourceRef', () => {
  it('splits at the first colon only, so names may contain colons', () => {
    expect(parseSourceRef('stream:orders:events')).toEqual({ kind: 'stream', name: 'orders:events' })
    expect(parseSourceRef('queue:orders')).toEqual({ kind: 'queue', name: 'orders' })
  })
  it('allows the default exchange (empty name) only for exchanges', () => {
    expect(parseSourceRef('exchange:')).toEqual({ kind: 'exchange', name: '' })
    expect(() => parseSourceRef('queue:')).toThrow(/no name/)
  })
  it('rejects unknown kinds and missing kinds', () => {
    expect(() => parseSourceRef('topic:x')).toThrow(/unknown kind "topic"/)
    expect(() => parseSourceRef('orders')).toThrow(/<kind>:<name>/)
  })
  it('round-trips', () => {
    expect(formatSourceRef(parseSourceRef('list:a:b'))).toBe('list:a:b')
  })
})
