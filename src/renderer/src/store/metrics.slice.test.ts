import { describe, expect, it } from 'vitest'
import type { MetricsHistory, SourceSample } from '../../../shared/metrics'
import { QsError } from '../../../shared/errors'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { selectSeries, selectSeriesMap } from './metrics.selectors'
import { HISTORY_MS, mergeSamples } from './metrics.slice'

const MIN = 60_000

function sample(at: number, ready: number | null = 10): SourceSample {
  return { at, ready, unacked: 0, consumers: 1, consumerCapacity: null, publishRate: 1, deliverRate: 1, ackRate: 1 }
}

const history = (series: MetricsHistory['series'], note?: string): MetricsHistory => ({ series, intervalMs: 5000, ...(note ? { note } : {}) })

describe('metrics slice', () => {
  it('asks for everything first, then only what came since the newest sample, and appends it', async () => {
    const answers = [
      history({ 'queue:orders': [sample(1000), sample(6000)], 'queue:audit': [sample(6000, 3)] }),
      // `since` is inclusive: the newest held sample comes again and must not be doubled.
      history({ 'queue:orders': [sample(6000), sample(11_000, 12)], 'queue:audit': [sample(6000, 3), sample(11_000, 4)] }),
    ]
    const fake = createFakeApi({ metricsHistory: async () => answers.shift()! })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().refreshMetrics('p1')
    await store.getState().refreshMetrics('p1')

    expect(fake.calls.map((c) => c.request)).toEqual([{ connectionId: 'p1' }, { connectionId: 'p1', since: 6000 }])
    expect(selectSeries('p1', 'queue:orders')(store.getState()).map((s) => [s.at, s.ready])).toEqual([
      [1000, 10],
      [6000, 10],
      [11_000, 12],
    ])
    expect(selectSeries('p1', 'queue:audit')(store.getState()).map((s) => s.ready)).toEqual([3, 4])
    expect(selectSeries('p1', 'queue:unknown')(store.getState())).toEqual([])
  })

  it("keeps at most the last hour, measured on the samples' own clock", async () => {
    const answers = [history({ 'queue:orders': [sample(0), sample(30 * MIN)] }), history({ 'queue:orders': [sample(61 * MIN)] })]
    const fake = createFakeApi({ metricsHistory: async () => answers.shift()! })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().refreshMetrics('p1')
    await store.getState().refreshMetrics('p1')
    expect(selectSeries('p1', 'queue:orders')(store.getState()).map((s) => s.at)).toEqual([30 * MIN, 61 * MIN])
  })

  it('keeps a series that got nothing new as the same array, so its row does not re-render', async () => {
    const answers = [
      history({ 'queue:orders': [sample(1000)], 'queue:idle': [sample(1000)] }),
      history({ 'queue:orders': [sample(1000), sample(6000)], 'queue:idle': [sample(1000)] }),
    ]
    const fake = createFakeApi({ metricsHistory: async () => answers.shift()! })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().refreshMetrics('p1')
    const idle = selectSeries('p1', 'queue:idle')(store.getState())
    const orders = selectSeries('p1', 'queue:orders')(store.getState())
    await store.getState().refreshMetrics('p1')
    expect(selectSeries('p1', 'queue:idle')(store.getState())).toBe(idle)
    expect(selectSeries('p1', 'queue:orders')(store.getState())).not.toBe(orders)
  })

  it("keeps the core's note and the samples it has when a fetch fails", async () => {
    let fail = false
    const fake = createFakeApi({
      metricsHistory: async () => {
        if (fail) throw new QsError('NOT_CONNECTED', 'connection "p1" is not open; connect first')
        return history({ 'queue:orders': [sample(1000)] }, 'management API unavailable')
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().refreshMetrics('p1')
    fail = true
    await store.getState().refreshMetrics('p1')
    const entry = store.getState().metrics['p1']!
    expect(entry.note).toBe('management API unavailable')
    expect(entry.error?.code).toBe('NOT_CONNECTED')
    expect(Object.keys(selectSeriesMap('p1')(store.getState()))).toEqual(['queue:orders'])
  })

  it('does not start a second fetch while one runs', async () => {
    let release!: () => void
    const fake = createFakeApi({ metricsHistory: () => new Promise<MetricsHistory>((r) => (release = () => r(history({})))) })
    const store = createAppStore({ api: () => fake.api })
    const first = store.getState().refreshMetrics('p1')
    await store.getState().refreshMetrics('p1')
    release()
    await first
    expect(fake.calls).toHaveLength(1)
  })
})

describe('mergeSamples', () => {
  it('returns the same array when nothing is new and nothing aged out', () => {
    const held = [sample(1000), sample(2000)]
    expect(mergeSamples(held, [sample(2000)], 2000)).toBe(held)
  })

  it('drops samples more than an hour older than the newest', () => {
    expect(mergeSamples([sample(0)], [sample(HISTORY_MS + 1)], HISTORY_MS + 1).map((s) => s.at)).toEqual([HISTORY_MS + 1])
  })
})
