/**
 * The last hour of samples per source, in memory.
 * Bounded twice: by age and by count per source, so a fast sampler or 10,000 queues cannot grow
 * it without limit.
 */
export interface Timed {
  at: number
}

export class MetricsHistory<T extends Timed> {
  private readonly series = new Map<string, T[]>()

  constructor(
    readonly retentionMs = 60 * 60 * 1000,
    private maxPerSource = 1_200,
  ) {}

  /** Changes the per-source cap; longer series are trimmed at their next sample. */
  resize(maxPerSource: number): void {
    this.maxPerSource = maxPerSource
  }

  add(source: string, sample: T): void {
    let list = this.series.get(source)
    if (!list) this.series.set(source, (list = []))
    const last = list.at(-1)
    if (last && sample.at < last.at) return // out of order (clock went back): keep time monotonic
    list.push(sample)
    const cutoff = sample.at - this.retentionMs
    let drop = 0
    while (drop < list.length && list[drop]!.at < cutoff) drop++
    drop = Math.max(drop, list.length - this.maxPerSource)
    if (drop > 0) list.splice(0, drop)
  }

  /** Samples of one source, oldest first, optionally only those at or after `since`. */
  get(source: string, since = 0): T[] {
    const list = this.series.get(source) ?? []
    return since > 0 ? list.filter((s) => s.at >= since) : [...list]
  }

  /** Forgets sources not seen since `before` (deleted queues). */
  forgetStale(before: number): void {
    for (const [source, list] of this.series) {
      const last = list.at(-1)
      if (!last || last.at < before) this.series.delete(source)
    }
  }

  sources(): string[] {
    return [...this.series.keys()]
  }
}
