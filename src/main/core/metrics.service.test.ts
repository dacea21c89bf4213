import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SourceSample } from '../../shared/metrics'
import { QsError } from '../../shared/errors'
import { FakeAdapter } from '../../test-support/fake-adapter'
import type { AdapterFactory } from '../brokers/adapter'
import { MetricsService } from './metrics.service'
import { Workspace } from './workspace'

const config = {
  target: { broker: 'redis' as const, tls: false, host: 'h', port: 1, db: 0, username: null, topology: { kind: 'standalone' as const } },
  password: null,
}

class SampledAdapter extends FakeAdapter {
  ready = 10
  failNext = false
  async sample(): Promise<Map<string, SourceSample>> {
    if (this.failNext) {
      this.failNext = false
      throw new QsError('UNREACHABLE', 'management API down')
    }
    const at = Date.now()
    return new Map([
      [`queue:orders`, { at, ready: this.ready, unacked: 0, consumers: 1, consumerCapacity: null, publishRate: 2, deliverRate: null, ackRate: null }],
    ])
  }
}

describe('MetricsService', () => {
  let adapter: SampledAdapter
  let workspace: Workspace
  let metrics: MetricsService

  beforeEach(() => {
    vi.useFakeTimers()
    adapter = new SampledAdapter(() => ({ server: 'Fake', warnings: [] }))
    const factory: AdapterFactory = () => adapter
    workspace = new Workspace(factory, { baseMs: 1000, maxMs: 1000, jitter: 0 })
    metrics = new MetricsService(workspace, { intervalMs: 5_000, budget: 1_000, retentionMs: 60_000 })
  })
  afterEach(() => {
    metrics.close()
    vi.useRealTimers()
  })

  it('samples an open connection every interval and keeps nulls as nulls', async () => {
    await workspace.open('c', config, { readOnly: false })
    await vi.advanceTimersByTimeAsync(0)
    adapter.ready = 7
    await vi.advanceTimersByTimeAsync(5_000)
    const { series, intervalMs } = metrics.history('c')
    expect(intervalMs).toBe(5_000)
    expect(series['queue:orders']!.map((s) => s.ready)).toEqual([10, 7])
    expect(series['queue:orders']![0]).toMatchObject({ deliverRate: null, publishRate: 2 })
  })

  it('keeps only the retention window and filters by source and time', async () => {
    await workspace.open('c', config, { readOnly: false })
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(120_000)
    const all = metrics.history('c', 'queue:orders').series['queue:orders']!
    expect(all.length).toBeLessThanOrEqual(13)
    expect(all.at(-1)!.at - all[0]!.at).toBeLessThanOrEqual(60_000)
    const recent = metrics.history('c', 'queue:orders', all.at(-1)!.at).series['queue:orders']!
    expect(recent).toHaveLength(1)
  })

  it('says why there is no data, and recovers after a failed sample', async () => {
    expect(metrics.history('nope').note).toMatch(/not open/)
    adapter.failNext = true
    await workspace.open('c', config, { readOnly: false })
    await vi.advanceTimersByTimeAsync(0)
    expect(metrics.history('c').note).toMatch(/sampling failed: management API down/)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(metrics.history('c').note).toBeUndefined()
    expect(metrics.history('c').series['queue:orders']).toHaveLength(1)
  })

  it('pauses while reconnecting (history kept) and forgets a closed connection', async () => {
    await workspace.open('c', config, { readOnly: false })
    await vi.advanceTimersByTimeAsync(0)
    adapter.lost!(new Error('gone'))
    await vi.advanceTimersByTimeAsync(500)
    expect(metrics.history('c').series['queue:orders']).toHaveLength(1)
    await workspace.close('c')
    expect(metrics.history('c').series).toEqual({})
  })
})
