import { describe, expect, it } from 'vitest'
import type { SourceSample } from '../../../shared/metrics'
import {
  capacityStats,
  formatRate,
  formatRateCell,
  recentSamples,
  sparklineLabel,
  sparklineOf,
  toBacklogSample,
  trendCellText,
  trendOf,
  trendSentence,
} from './metrics.selectors'

const MIN = 60_000
const fmt = (n: number) => n.toLocaleString('en-US')

function sample(
  at: number,
  ready: number | null,
  rates: { publishRate?: number | null; ackRate?: number | null; deliverRate?: number | null } = {},
): SourceSample {
  return { at, ready, unacked: 0, consumers: 1, consumerCapacity: null, publishRate: null, deliverRate: null, ackRate: null, ...rates }
}

describe('trend', () => {
  it('reads acks as what leaves the backlog, deliveries when acks are unknown (auto-ack)', () => {
    expect(toBacklogSample(sample(1, 5, { publishRate: 2, ackRate: 3, deliverRate: 9 }))).toEqual({ at: 1, backlog: 5, inRate: 2, outRate: 3 })
    expect(toBacklogSample(sample(1, 5, { publishRate: 2, deliverRate: 9 })).outRate).toBe(9)
  })

  it('says draining with the time to drain, growing, steady, and "—" without data', () => {
    const draining = trendOf([sample(0, 2000, { publishRate: 0, ackRate: 10 })])
    expect(trendCellText(draining)).toBe('draining · 3 min 20 s to drain')
    expect(trendSentence(draining)).toBe('Draining at 10.0 msg/s — empty in about 3 min 20 s')

    const growing = trendOf([sample(0, 100, { publishRate: 12.34, ackRate: 0 })])
    expect(trendCellText(growing)).toBe('growing')
    expect(trendSentence(growing)).toBe('Growing at 12.3 msg/s')
    expect(trendSentence(trendOf([sample(0, 100, { publishRate: 10, ackRate: 0 })], 1100))).toBe('Growing at 10.0 msg/s — full in about 1 min 40 s')

    expect(trendCellText(trendOf([sample(0, 5, { publishRate: 1, ackRate: 1 })]))).toBe('steady')
    expect(trendCellText(trendOf([]))).toBe('—')
    expect(trendSentence(trendOf([]))).toBe('Not enough data yet')
    expect(trendSentence(trendOf([]), 'the management API is not enabled')).toBe('Not enough data yet: the management API is not enabled')
  })

  it('reads the mean rate over the last minute, so one jumpy sample does not flip the trend', () => {
    const samples = [
      sample(0, 100, { publishRate: 1, ackRate: 1 }),
      sample(5000, 100, { publishRate: 0.9, ackRate: 1.1 }),
      sample(10_000, 100, { publishRate: 1.3, ackRate: 1 }),
    ]
    expect(trendOf(samples).trend).toBe('steady')
  })

  it('falls back to the slope over the last 5 minutes only, so an old burst does not count', () => {
    // Grew fast 20 minutes ago, flat for the last 5: steady, not growing.
    const samples = [sample(0, 0), sample(10 * MIN, 5000), sample(20 * MIN, 5000), sample(25 * MIN, 5000)]
    expect(trendOf(samples).trend).toBe('steady')
    expect(recentSamples(samples, 5 * MIN).map((s) => s.at)).toEqual([20 * MIN, 25 * MIN])
  })
})

describe('rates', () => {
  it('shows "—" for no data and never a fake 0', () => {
    expect(formatRateCell(null)).toBe('—')
    expect(formatRateCell(0, 'en-US')).toBe('0')
    expect(formatRateCell(3.14159, 'en-US')).toBe('3.1')
    expect(formatRateCell(1234.5, 'en-US')).toBe('1,235')
    expect(formatRate(null)).toBe('—')
  })
})

describe('sparkline', () => {
  it('is null (no data) when no sample in the window knows ready', () => {
    expect(sparklineOf([], 72, 16)).toBeNull()
    expect(sparklineOf([sample(0, null), sample(5000, null)], 72, 16)).toBeNull()
    expect(sparklineLabel(null, fmt)).toBe('ready over the last 15 minutes: no data')
  })

  it('names the first and last value of the last 15 minutes', () => {
    const samples = [sample(0, 9999), sample(20 * MIN, 230), sample(25 * MIN, 240), sample(35 * MIN, 250)]
    const line = sparklineOf(samples, 72, 16)
    expect(sparklineLabel(line, fmt)).toBe('ready over the last 15 minutes: 230 → 250')
  })

  it('spreads the samples held over the width and breaks the line where ready is unknown', () => {
    const line = sparklineOf([sample(0, 1), sample(5000, null), sample(10_000, 3), sample(20_000, 2)], 80, 10)!
    // Two separate moves ("M"): from the left edge, and again after the gap.
    expect(line.path.match(/M/g)).toHaveLength(2)
    expect(line.path.startsWith('M0.0 ')).toBe(true)
    expect(line.path).toContain('M40.0 ')
    expect(line.path).toContain('L80.0 ')
  })

  it('draws a constant backlog as a flat line in the middle', () => {
    expect(sparklineOf([sample(0, 7), sample(5000, 7)], 80, 10)!.path).toBe('M0.0 5.0L80.0 5.0')
  })
})

describe('consumer capacity', () => {
  const at = (n: number, consumerCapacity: number | null): SourceSample => ({ ...sample(n * MIN, 5), consumerCapacity })

  it('reads the newest sample and the lowest of the hour', () => {
    expect(capacityStats([at(0, 0.9), at(1, 0.4), at(2, 0.87)])).toEqual({ current: 0.87, lowest: 0.4 })
  })

  it('has no data when the newest sample or every sample reports none', () => {
    expect(capacityStats([at(0, 0.6), at(1, null)])).toEqual({ current: null, lowest: 0.6 })
    expect(capacityStats([at(0, null)])).toEqual({ current: null, lowest: null })
    expect(capacityStats([])).toEqual({ current: null, lowest: null })
  })
})
