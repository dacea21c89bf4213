import { describe, expect, it } from 'vitest'
import type { PeekResult } from '../../../shared/messages'
import type { SourceSample } from '../../../shared/metrics'
import type { BrowseEntry } from './messages.slice'
import type { StreamEntryView } from './redis.slice'
import {
  describeAck,
  describeClaim,
  describePage,
  discoveryShare,
  entryRowsOf,
  fieldsTitle,
  openEntryOf,
  discoveryText,
  firstPage,
  groupsLagTitle,
  lagSentence,
  lagTrendOf,
  nextPageOf,
  parseJump,
  parseKeep,
  peekFieldsOf,
  redisWritesFor,
  selectedEntriesOn,
  trimSummary,
} from './redis.selectors'
import { queue, stream } from './test-data'

const lagSample = (at: number, lag: number | null): SourceSample => ({
  at,
  ready: null,
  unacked: null,
  consumers: null,
  consumerCapacity: null,
  publishRate: null,
  deliverRate: null,
  ackRate: null,
  lag,
})

describe('stream and list paging', () => {
  it('opens a stream newest first and a list at its head', () => {
    expect(peekFieldsOf(firstPage('stream'))).toEqual({ range: { direction: 'backward' }, form: 'summary' })
    expect(peekFieldsOf(firstPage('list'))).toEqual({ listFrom: 'head', offset: 0 })
  })

  it('pages on from the result’s next: after the last id, or at the next offset; not past the end', () => {
    const forward = { kind: 'stream', direction: 'forward' } as const
    expect(peekFieldsOf(nextPageOf(forward, '1700000000000-4')!)).toEqual({ range: { direction: 'forward', after: '1700000000000-4' }, form: 'summary' })
    expect(nextPageOf({ kind: 'list', from: 'tail', offset: 50 }, '100')).toEqual({ kind: 'list', from: 'tail', offset: 100 })
    expect(nextPageOf(forward, null)).toBeNull()
    expect(nextPageOf({ kind: 'list', from: 'head', offset: 0 }, 'x')).toBeNull()
  })

  it('jumps to an id, its millisecond part, or a local date and time; says why anything else cannot be', () => {
    expect(parseJump(' 1700000000000-3 ')).toEqual({ at: '1700000000000-3' })
    expect(parseJump('1700000000000')).toEqual({ at: '1700000000000' })
    expect(parseJump('2026-11-26T10:00')).toEqual({ at: String(new Date(2026, 10, 26, 10, 0).getTime()) })
    expect(parseJump('yesterday')).toEqual({ error: '"yesterday" is neither an entry id (1700000000000-0) nor a date and time (2026-11-26 10:00)' })
    expect('error' in parseJump('')).toBe(true)
  })

  it('says where a page starts', () => {
    expect(describePage({ kind: 'stream', direction: 'backward' })).toBe('Newest first')
    expect(describePage({ kind: 'stream', direction: 'forward', at: '5-0' })).toBe('Oldest first, from 5-0')
    expect(describePage({ kind: 'list', from: 'tail', offset: 1500 })).toBe(`From the tail (right, index -1), ${(1500).toLocaleString()} in`)
  })

  it('draws a summary page’s rows from its entries, and a page of full messages (a list) from the messages', () => {
    const summary: PeekResult = {
      messages: [],
      entries: [{ id: '1700000000000-0', time: 1_700_000_000_000, size: 42, preview: '{"a":1}  status=new', fields: ['body', 'status'], fieldCount: 2 }],
      warnings: [],
    }
    expect(entryRowsOf(summary, true)).toEqual([
      { id: '1700000000000-0', time: 1_700_000_000_000, preview: '{"a":1}  status=new', size: 42, fieldsTitle: '2 fields: body, status' },
    ])
    const full: PeekResult = {
      messages: [{ id: '0', body: 'item', encoding: 'utf8', size: 4, properties: {}, headers: {}, redelivered: false }],
      warnings: [],
    }
    expect(entryRowsOf(full, false)).toEqual([{ id: '0', time: null, preview: 'item', size: 4 }])
    expect(entryRowsOf(null, true)).toBeNull()
    expect(fieldsTitle(['a'], 1)).toBe('Field: a')
    expect(fieldsTitle(['a', 'b'], 40)).toBe('40 fields: a, b and 38 more')
  })

  it('gives the open entry of a summary page as loading until it is read, and none for a page of full messages', () => {
    const result: PeekResult = { messages: [], entries: [], warnings: [] }
    const browse: BrowseEntry = { connectionId: 'p1', source: 'stream:s', loading: false, result, error: null, selectedMessageId: '5-0' }
    expect(openEntryOf(browse)).toEqual({ id: '5-0', loading: true, message: null, warnings: [], error: null })
    const failed: StreamEntryView = { id: '5-0', loading: false, message: null, warnings: [], error: { code: 'NOT_FOUND', message: 'gone' } }
    expect(openEntryOf({ ...browse, entry: failed })).toBe(failed)
    // The entry of an earlier selection is not the open one.
    expect(openEntryOf({ ...browse, entry: { ...failed, id: '4-0' } })?.loading).toBe(true)
    expect(openEntryOf({ ...browse, selectedMessageId: null })).toBeNull()
    expect(openEntryOf({ ...browse, result: { messages: [], warnings: [] } })).toBeNull()
  })

  it('counts only the ticked entries of this stream that are on the page', () => {
    const selection = { connectionId: 'p1', source: 'stream:s', ids: ['1-0', '9-0'] }
    expect(selectedEntriesOn(selection, 'p1', 'stream:s', ['1-0', '2-0'])).toEqual(['1-0'])
    expect(selectedEntriesOn(selection, 'p1', 'stream:other', ['1-0'])).toEqual([])
  })
})

describe('consumer-group lag', () => {
  it('lists each group in the overview tooltip, with the reason when a lag is unknown', () => {
    const title = groupsLagTitle(stream('s', [3, null]))!
    expect(title).toContain('g0: lag 3, 0 pending')
    expect(title).toContain('g1: lag unknown')
    expect(title).toContain('SETID')
    expect(groupsLagTitle(stream('s', []))).toBeUndefined()
  })

  it('reads the trend from the lag samples: draining with the time to catch up, growing, caught up', () => {
    const draining = [lagSample(0, 600), lagSample(60_000, 0 + 300)]
    const report = lagTrendOf(draining)
    expect(report.trend).toBe('draining')
    expect(lagSentence('billing', report, 300)).toBe(
      `billing: draining at ${(5).toLocaleString(undefined, { minimumFractionDigits: 1 })} entries/s — caught up in about 1 min`,
    )
    expect(lagSentence('billing', lagTrendOf([lagSample(0, 0), lagSample(60_000, 600)]), 600)).toMatch(
      /^billing: growing at 10\.0 entries\/s — falling behind$/,
    )
    expect(lagSentence('billing', lagTrendOf([lagSample(0, 0), lagSample(60_000, 0)]), 0)).toBe('billing: caught up')
  })

  it('uses entries added as the rate in and entries read as the rate out when the sampler has them', () => {
    const withRates = [0, 5_000].map((at) => ({ ...lagSample(at, 1000), publishRate: 2, deliverRate: 12 }))
    const report = lagTrendOf(withRates)
    expect(report.trend).toBe('draining')
    expect(report.drainSeconds).toBeCloseTo(100)
  })

  it('never turns an unknown lag into 0', () => {
    const report = lagTrendOf([lagSample(0, 5), lagSample(5_000, null)])
    expect(report.trend).toBe('unknown')
    expect(lagSentence('audit', report, null)).toMatch(/^audit: lag unknown \(redis cannot know/)
    expect(lagSentence('audit', lagTrendOf([lagSample(0, 5)]), 5)).toBe('audit: not enough data yet')
  })
})

describe('discovery progress', () => {
  const progress = { id: 'd', connectionId: 'p1', scanned: 12_000, total: 1_000_000, found: 37, nodesDone: 0, nodes: 1, done: false }

  it('says how far the scan got and what it found', () => {
    expect(discoveryText(progress)).toBe(`Scanned ${(12_000).toLocaleString()} of ${(1_000_000).toLocaleString()} keys · 37 found`)
    expect(discoveryText({ ...progress, total: null, nodes: 3, nodesDone: 1 })).toBe(`Scanned ${(12_000).toLocaleString()} keys · 37 found · node 2 of 3`)
  })

  it('fills the bar by share, capped (SCAN may return a key twice), none when the total is unknown', () => {
    expect(discoveryShare(progress)).toBeCloseTo(0.012)
    expect(discoveryShare({ ...progress, scanned: 1_000_100 })).toBe(1)
    expect(discoveryShare({ ...progress, total: null })).toBeNull()
  })
})

describe('pending entries and writes', () => {
  it('reports a claim in words: claimed, gone from the stream, skipped', () => {
    expect(describeClaim('worker-2', { claimed: ['1-0', '2-0'], deleted: [], skipped: [] })).toBe('Claimed 2 entries to worker-2')
    expect(describeClaim('w', { claimed: ['1-0'], deleted: ['3-0'], skipped: ['4-0', '5-0'] })).toBe(
      'Claimed 1 entry to w · 1 no longer in the stream (Redis dropped them from the pending list) · 2 skipped (not pending in this group, or not idle long enough)',
    )
    expect(describeAck(3, 2)).toBe('Acknowledged 2 entries; 1 were no longer pending')
  })

  it('says what a trim removes and that groups stay', () => {
    expect(trimSummary(1000, 100)).toMatch(/^Removes the oldest 900 entries of 1,000, keeping the newest 100\. The key, its consumer groups/)
    expect(trimSummary(10, 100)).toBe('The stream holds 10 entries: keeping 100 removes none.')
    expect(parseKeep('1,000')).toBe(1000)
    expect(parseKeep('0')).toBe(0)
    expect(parseKeep('-3')).toBeNull()
    expect(parseKeep('')).toBeNull()
  })

  it('offers trim for streams, purge and delete for streams and lists, nothing for RabbitMQ', () => {
    expect(redisWritesFor(stream('s', []))).toEqual(['trim', 'purge', 'delete'])
    expect(redisWritesFor({ kind: 'list', name: 'l', messages: 1, consumers: null })).toEqual(['purge', 'delete'])
    expect(redisWritesFor(queue('q'))).toEqual([])
  })
})
