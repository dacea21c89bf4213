import { describe, expect, it } from 'vitest'
import { formatCount, formatGroupsLag, formatLag, formatPercent } from './format'
import { queue, stream } from './store/test-data'

describe('format', () => {
  it('separates thousands and shows "—" for no data, never 0', () => {
    expect(formatCount(1234567, 'en-US')).toBe('1,234,567')
    expect(formatCount(0, 'en-US')).toBe('0')
    expect(formatCount(null)).toBe('—')
  })

  it('summarises stream groups and their worst lag', () => {
    expect(formatGroupsLag(stream('s', [0, 5]), 'en-US')).toBe('2 groups · max lag 5')
    expect(formatGroupsLag(stream('s', [null]), 'en-US')).toBe('1 group · lag unknown')
    expect(formatGroupsLag(stream('s', []), 'en-US')).toBe('no groups')
    expect(formatGroupsLag(queue('q'))).toBe('—')
  })

  it('says a lag Redis cannot know is unknown', () => {
    expect(formatLag(null)).toBe('unknown')
    expect(formatLag(7, 'en-US')).toBe('7')
  })

  it('shows a share as a whole percent that never rounds to full or to none', () => {
    expect(formatPercent(0.87)).toBe('87%')
    expect(formatPercent(1)).toBe('100%')
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(0.996)).toBe('99%')
    expect(formatPercent(0.004)).toBe('<1%')
    expect(formatPercent(null)).toBe('—')
  })
})
