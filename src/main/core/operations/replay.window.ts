import type { BatchReader, ReadMessage } from '../../brokers/replay'

/** The first read, before any message size is known: small, so a source of huge messages cannot overshoot. */
export const FIRST_READ = 10

/**
 * A replay's messages in flight (read and published, not yet settled) and their bytes, bounded by
 * a message window and a byte budget; the byte budget becomes a count by the average message size
 * read so far. The read loop waits here for room: one counter and one waiter, not a race over
 * every in-flight promise (which costs the whole window per settled message).
 */
export class InFlightWindow {
  /** Messages in flight. */
  active = 0
  /** Their bytes. */
  activeBytes = 0
  private seenMessages = 0
  private seenBytes = 0
  private waiting: { until: () => boolean; resolve: () => void } | null = null

  constructor(
    /** Most messages in flight. */
    readonly messages: number,
    /** Most message bytes in flight (by the average size read so far); one message always goes. */
    readonly bytes: number,
    /** A push reader (RabbitMQ) says how many messages it holds already. */
    private readonly reader: Pick<BatchReader, 'buffered'>,
  ) {}

  /** Counts a batch read into the average message size. */
  seen(batch: readonly ReadMessage[]): void {
    for (const message of batch) this.seenBytes += message.body.length
    this.seenMessages += batch.length
  }

  /** How many messages `bytes` hold at the average size read so far (FIRST_READ before any was read). */
  private byBytes(bytes: number): number {
    return this.seenMessages === 0 ? FIRST_READ : Math.floor(bytes / Math.max(1, this.seenBytes / this.seenMessages))
  }

  /** Most messages in flight: the window, or fewer when the messages seen so far are large. */
  full(): number {
    return Math.max(1, Math.min(this.messages, this.byBytes(this.bytes)))
  }

  /** How many more may be read now (at least one when nothing is in flight). */
  room(): number {
    return Math.max(this.active === 0 ? 1 : 0, Math.min(this.messages - this.active, this.byBytes(this.bytes - this.activeBytes)))
  }

  /** Messages a push reader holds already, and room for them: read them now. */
  private bufferedFits(): boolean {
    return (this.reader.buffered ?? 0) > 0 && this.room() > 0
  }

  /**
   * Undefined when it is time to read (`left` more to read at most), else a wait to look again
   * after. Read again once half the window is free (or all that is left fits), not for every slot
   * that frees up: a Redis read is a round trip, and one per message would halve the rate.
   * Messages a push reader holds already (RabbitMQ delivers ahead, up to the prefetch) are taken as
   * soon as there is room for them, also when they arrive during the wait: they count against the
   * prefetch, so leaving them there leaves that part of the window idle.
   */
  waitToRead(left: number): Promise<void> | undefined {
    const threshold = Math.min(left, Math.ceil(this.full() / 2))
    if (this.active === 0 || this.room() >= threshold || this.bufferedFits()) return undefined
    return this.waitUntil(() => this.active === 0 || this.room() >= threshold || this.bufferedFits())
  }

  /**
   * Undefined when a message of `size` bytes fits in the byte budget now, else a wait until it
   * does: a batch read by an older, smaller average may hold more bytes than there is room for.
   */
  waitToPublish(size: number): Promise<void> | undefined {
    if (this.active === 0 || this.activeBytes + size <= this.bytes) return undefined
    return this.waitUntil(() => this.active === 0 || this.activeBytes + size <= this.bytes)
  }

  /** Undefined when nothing is in flight, else a wait until everything settled. */
  waitDrained(): Promise<void> | undefined {
    return this.waitUntil(() => this.active === 0)
  }

  /** A message of `size` bytes goes out. */
  add(size: number): void {
    this.active++
    this.activeBytes += size
  }

  /** A message of `size` bytes settled: its room is free. */
  settled(size: number): void {
    this.active--
    this.activeBytes -= size
    this.recheck()
  }

  /** Wakes the waiter if what it waits for holds now; for the reader's onBuffered too. */
  readonly recheck = (): void => {
    if (this.waiting && this.waiting.until()) {
      const { resolve } = this.waiting
      this.waiting = null
      resolve()
    }
  }

  private waitUntil(until: () => boolean): Promise<void> | undefined {
    if (until()) return undefined
    return new Promise<void>((resolve) => {
      this.waiting = { until, resolve }
    })
  }
}
