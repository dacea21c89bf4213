import { describe, expect, it } from 'vitest'
import { MetricsHistory } from './metrics-history'

describe('MetricsHistory', () => {
  it('keeps only the retention window, oldest first', () => {
    const history = new MetricsHistory<{ at: number; v: number }>(10_000, 100)
    for (let t = 0; t <= 30_000; t += 5_000) history.add('queue:a', { at: t, v: t })
    expect(history.get('queue:a').map((s) => s.at)).toEqual([20_000, 25_000, 30_000])
    expect(history.get('queue:a', 25_000).map((s) => s.at)).toEqual([25_000, 30_000])
  })

  it('caps the samples per source', () => {
    const history = new MetricsHistory<{ at: number }>(Number.MAX_SAFE_INTEGER, 3)
    for (let t = 1; t <= 10; t++) history.add('s', { at: t })
    expect(history.get('s').map((s) => s.at)).toEqual([8, 9, 10])
  })

  it('ignores samples that go back in time, and forgets stale sources', () => {
    const history = new MetricsHistory<{ at: number }>()
    history.add('a', { at: 100 })
    history.add('a', { at: 50 })
    history.add('b', { at: 10 })
    expect(history.get('a')).toEqual([{ at: 100 }])
    history.forgetStale(60)
    expect(history.sources()).toEqual(['a'])
    expect(history.get('missing')).toEqual([])
  })
})
