import { describe, expect, it } from 'vitest'
import { backlogTrend, formatDuration, type BacklogSample } from './trend'

const sample = (at: number, backlog: number | null, inRate: number | null = null, outRate: number | null = null): BacklogSample => ({
  at,
  backlog,
  inRate,
  outRate,
})

describe('backlogTrend', () => {
  it('is unknown without a backlog or any way to get a rate — never a fake steady', () => {
    expect(backlogTrend([]).trend).toBe('unknown')
    expect(backlogTrend([sample(0, null, 5, 1)]).trend).toBe('unknown')
    expect(backlogTrend([sample(0, 100)])).toEqual({ trend: 'unknown', netRate: null, drainSeconds: null, fullSeconds: null })
  })

  it('uses the broker rates when both are known: draining with the time to drain', () => {
    expect(backlogTrend([sample(0, 1000, 10, 30)])).toEqual({ trend: 'draining', netRate: -20, drainSeconds: 50, fullSeconds: null })
  })

  it('growing, with the time until max-length when there is one', () => {
    expect(backlogTrend([sample(0, 900, 30, 10)], 1000)).toEqual({ trend: 'growing', netRate: 20, drainSeconds: null, fullSeconds: 5 })
    expect(backlogTrend([sample(0, 900, 30, 10)]).fullSeconds).toBeNull()
  })

  it('falls back to the slope of the sampled backlog when a rate is missing', () => {
    const report = backlogTrend([sample(0, 100), sample(5_000, null), sample(10_000, 50)])
    expect(report).toMatchObject({ trend: 'draining', netRate: -5, drainSeconds: 10 })
  })

  it('calls tiny changes steady', () => {
    expect(backlogTrend([sample(0, 10, 1, 1.01)]).trend).toBe('steady')
  })
})

describe('formatDuration', () => {
  it('shows the two largest units', () => {
    expect(formatDuration(45)).toBe('45 s')
    expect(formatDuration(3 * 3600 + 5 * 60 + 7)).toBe('3 h 5 min')
    expect(formatDuration(2 * 86400 + 4 * 3600)).toBe('2 d 4 h')
    expect(formatDuration(0.2)).toBe('< 1 s')
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—')
  })
})
