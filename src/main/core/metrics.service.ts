import type { SourceSample, MetricsHistory as MetricsHistoryView } from '../../shared/metrics'
import { toQsErrorShape } from '../../shared/errors'
import { MetricsHistory } from './metrics-history'
import type { Workspace } from './workspace'

export interface MetricsOptions {
  /** How often to sample an open connection. */
  intervalMs: number
  /** Total samples kept over all sources of one connection (memory bound). */
  budget: number
  retentionMs: number
}

export const DEFAULT_METRICS: MetricsOptions = { intervalMs: 5_000, budget: 1_000_000, retentionMs: 60 * 60 * 1000 }

interface Sampling {
  history: MetricsHistory<SourceSample>
  timer: NodeJS.Timeout | null
  running: boolean
  note?: string
}

/**
 * Samples every open connection's sources every few seconds and keeps the last hour in memory.
 * Sampling follows the connection's status: it starts when the connection opens, pauses while it
 * reconnects (the history stays), and is dropped when the connection closes. A slow broker
 * (10,000 queues) is never sampled more often than three times the time one sample takes.
 */
export class MetricsService {
  private readonly connections = new Map<string, Sampling>()
  private readonly unsubscribe: () => void

  constructor(
    private readonly workspace: Workspace,
    private readonly options: MetricsOptions = DEFAULT_METRICS,
  ) {
    this.unsubscribe = workspace.onStatus((status) => {
      if (status.state === 'open') this.start(status.connectionId)
      else if (status.state === 'closed' || status.state === 'failed') this.drop(status.connectionId)
      else this.pause(status.connectionId)
    })
  }

  private start(id: string): void {
    let sampling = this.connections.get(id)
    if (!sampling) {
      sampling = { history: new MetricsHistory<SourceSample>(this.options.retentionMs, 720), timer: null, running: true }
      this.connections.set(id, sampling)
    }
    sampling.running = true
    if (!sampling.timer) this.schedule(id, sampling, 0)
  }

  private pause(id: string): void {
    const sampling = this.connections.get(id)
    if (!sampling) return
    sampling.running = false
    if (sampling.timer) clearTimeout(sampling.timer)
    sampling.timer = null
  }

  private drop(id: string): void {
    this.pause(id)
    this.connections.delete(id)
  }

  private schedule(id: string, sampling: Sampling, delay: number): void {
    sampling.timer = setTimeout(() => void this.tick(id, sampling), delay)
    sampling.timer.unref?.()
  }

  /** Takes one sample now (also what the timer runs). */
  async tick(id: string, sampling = this.connections.get(id)): Promise<void> {
    if (!sampling || !sampling.running) return
    const started = Date.now()
    try {
      const { adapter } = this.workspace.adapter(id)
      if (!adapter.sample) {
        sampling.note = `${adapter.broker} sources are not sampled yet`
      } else {
        const samples = await adapter.sample()
        // Spread the budget over the sources, between 5 minutes and the full hour of samples each.
        const perSource = Math.max(60, Math.min(720, Math.floor(this.options.budget / Math.max(1, samples.size))))
        sampling.history.resize(perSource)
        for (const [source, sample] of samples) sampling.history.add(source, sample)
        sampling.history.forgetStale(started - this.options.retentionMs)
        sampling.note = undefined
      }
    } catch (err) {
      sampling.note = `sampling failed: ${toQsErrorShape(err).message}`
    }
    if (this.connections.get(id) !== sampling || !sampling.running) return
    const took = Date.now() - started
    this.schedule(id, sampling, Math.max(this.options.intervalMs, took * 3))
  }

  history(id: string, source?: string, since = 0): MetricsHistoryView {
    const sampling = this.connections.get(id)
    const series: Record<string, SourceSample[]> = {}
    if (sampling) {
      // Defined, not assigned: a source named "__proto__" is a key like any other.
      for (const key of source ? [source] : sampling.history.sources())
        Object.defineProperty(series, key, { value: sampling.history.get(key, since), enumerable: true, writable: true, configurable: true })
    }
    const view: MetricsHistoryView = { series, intervalMs: this.options.intervalMs }
    const note = sampling ? sampling.note : 'the connection is not open, so nothing is sampled'
    if (note) view.note = note
    return view
  }

  close(): void {
    this.unsubscribe()
    for (const id of [...this.connections.keys()]) this.drop(id)
  }
}
