import { randomUUID } from 'node:crypto'
import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { BatchReader, ReaderOptions, ReadMessage } from '../replay'
import { messageOf } from '../errors'
import { belowStart, channelAcks, openReaderChannel, toReadMessage, unbounded, type AckBatcher, type Held, type Step } from './rabbitmq.read-support'

export const DEFAULT_WINDOW = 256
const DEFAULT_IDLE_MS = 1500
/** The first consumer's prefetch while message sizes are unknown (as the engine's first read). */
const PROBE_CREDIT = 10

/**
 * Reads a classic or quorum queue (or a stream, as a copy-only source) for a replay: one consumer
 * on a channel of its own, prefetch = window, nothing acknowledged until the engine says so.
 *
 * Released messages are *kept* unacknowledged until close (a requeued message would come straight
 * back to this consumer and loop). They still count against the consumer's prefetch, so when half
 * the window is held that way the reader starts a fresh consumer on the same channel: a cancelled
 * consumer's deliveries stay unacknowledged on the channel and are never redelivered while it is
 * open. close() returns everything not acknowledged with one nack(requeue), in queue order; if
 * the connection dies instead, the broker requeues them all by itself, so nothing is lost.
 */
export class RabbitQueueReader implements BatchReader {
  readonly removable: boolean
  heldElsewhere: number | null = null
  private readonly buffer: Held[] = []
  private delivered = 0
  private consumerTag: string | null = null
  private consumerNumber = 0
  /** Per consumer: its prefetch, and how many of its deliveries were released (held until close). */
  private readonly credit = new Map<number, number>()
  private readonly releasedOnConsumer = new Map<number, number>()
  /** Per consumer: deliveries not acknowledged (held by the engine, released, or past the limit). */
  private readonly unsettledOnConsumer = new Map<number, number>()
  private waiter: (() => void) | null = null
  private bufferedListener: (() => void) | null = null
  private failure: QsError | null = null
  private closed = false
  private stopped = false
  /** A stream: the offset after the last delivery, where a fresh consumer starts (the first one starts at `first`). */
  private nextOffset: number | null = null
  /**
   * Message sizes unknown when the reader opened (no management API, or no statistics yet) and a
   * byte budget to keep: the first consumer asks for PROBE_CREDIT messages, and once they are here
   * (or fewer that already fill the budget; counted over consumers, should one be replaced first)
   * the window becomes the budget over their average size (at most the window asked for).
   */
  private probe: { budget: number; maxWindow: number; bytes: number; count: number } | null = null
  /** The consumer being replaced (see replaceConsumer). */
  private rotating: Promise<void> | null = null
  private readonly acks: AckBatcher

  private constructor(
    private readonly channel: amqp.Channel,
    private readonly queue: string,
    readonly available: number | null,
    private window: number,
    private readonly limit: number,
    private readonly stream: boolean,
    private readonly step: Step,
  ) {
    this.removable = !stream
    this.acks = channelAcks(channel)
  }

  static async open(
    connection: amqp.ChannelModel,
    queue: string,
    options: ReaderOptions & { stream?: boolean; available?: number | null; sizeUnknown?: boolean; step?: Step; heldElsewhere?: number | null },
    describe: (err: unknown) => QsError,
  ): Promise<RabbitQueueReader> {
    const window = Math.max(1, Math.min(options.window ?? DEFAULT_WINDOW, 65_535))
    const step = options.step ?? unbounded
    return openReaderChannel(
      connection,
      queue,
      step,
      describe,
      (channel, messageCount) => {
        const available = options.stream ? (options.available ?? null) : messageCount
        const probing = options.sizeUnknown === true && options.windowBytes !== undefined && window > PROBE_CREDIT
        const reader = new RabbitQueueReader(
          channel,
          queue,
          available,
          probing ? PROBE_CREDIT : window,
          options.limit ?? Number.POSITIVE_INFINITY,
          options.stream === true,
          step,
        )
        if (probing) reader.probe = { budget: options.windowBytes!, maxWindow: window, bytes: 0, count: 0 }
        reader.heldElsewhere = options.heldElsewhere ?? null
        return reader
      },
      (reader) => reader.consume(),
    )
  }

  get lost(): boolean {
    return this.failure !== null
  }

  get buffered(): number {
    return this.buffer.length
  }

  onBuffered(listener: () => void): void {
    this.bufferedListener = listener
  }

  /** The channel failed or closed (openReaderChannel wires it): everything held went back. */
  fail(error: QsError): void {
    if (this.closed) return
    this.failure ??= error
    this.closed = true
    this.bufferedListener = null
    this.wake()
  }

  private wake(): void {
    const waiter = this.waiter
    this.waiter = null
    waiter?.()
  }

  private remaining(): number {
    return this.limit - this.delivered
  }

  private async consume(): Promise<void> {
    const credit = Math.min(this.window, this.remaining())
    if (credit <= 0) return
    const number = ++this.consumerNumber
    this.credit.set(number, credit)
    this.releasedOnConsumer.set(number, 0)
    this.unsettledOnConsumer.set(number, 0)
    await this.step(this.channel.prefetch(credit), 'basic.qos')
    // Our own tag, known before consume-ok: a delivery that arrives with the consume-ok (same TCP
    // read) may already need to cancel this consumer.
    const tag = `queuescope-replay-${randomUUID()}-${number}`
    this.consumerTag = tag
    const startOffset = this.stream ? (this.nextOffset ?? 'first') : null
    await this.step(
      this.channel.consume(
        this.queue,
        (delivery) => {
          if (delivery === null) {
            // Cancelled by the broker: the queue was deleted or moved.
            this.fail(new QsError('NOT_FOUND', `queue "${this.queue}" was deleted while it was being read`))
            return
          }
          this.acks.delivered(delivery.fields.deliveryTag)
          if (this.stream) {
            const offset = (delivery.properties.headers as Record<string, unknown> | undefined)?.['x-stream-offset']
            // RabbitMQ 3.10 starts a consumer exactly at its offset; should a broker send the chunk
            // holding it whole, the messages before it (which the previous consumer read) are
            // skipped. Their ack only returns credit (a stream removes nothing).
            if (belowStart(offset, startOffset)) {
              this.acks.ack(delivery.fields.deliveryTag)
              return
            }
            if (typeof offset === 'number') this.nextOffset = offset + 1
          }
          this.unsettledOnConsumer.set(number, (this.unsettledOnConsumer.get(number) ?? 0) + 1)
          if (this.delivered >= this.limit) return // past the limit: held until close, then returned
          this.delivered++
          this.buffer.push(toReadMessage(delivery, number, this.stream))
          if (this.probe) this.probed(delivery.content.length)
          if (this.delivered >= this.limit) void this.stopConsuming()
          this.wake()
          if (this.buffer.length === 1) this.bufferedListener?.()
        },
        // A stream keeps every message: a fresh consumer must go on after the last offset delivered,
        // or it would read the stream again from the start.
        startOffset !== null ? { consumerTag: tag, noAck: false, arguments: { 'x-stream-offset': startOffset } } : { consumerTag: tag, noAck: false },
      ),
      'basic.consume',
    )
    this.wake() // a read waiting for credit: this consumer has some
  }

  /** One more message measured; with PROBE_CREDIT of them (or the budget's worth), the window follows their size. */
  private probed(size: number): void {
    const probe = this.probe!
    probe.bytes += size
    probe.count++
    if (probe.count < PROBE_CREDIT && probe.bytes < probe.budget) return
    this.probe = null
    this.window = Math.max(1, Math.min(probe.maxWindow, Math.floor(probe.budget / Math.max(1, probe.bytes / probe.count))))
    if (this.window !== this.credit.get(this.consumerNumber) && !this.stopped) this.replaceConsumer()
  }

  /**
   * True while the broker cannot deliver to this reader whatever the queue holds: the consumer's
   * whole prefetch is taken by deliveries not yet acknowledged, or a fresh consumer is on its way.
   * Silence then says nothing about the queue, so a read waits on instead of reporting it empty.
   */
  private starved(): boolean {
    if (this.consumerTag === null) return !this.stopped && this.rotating !== null
    return (this.unsettledOnConsumer.get(this.consumerNumber) ?? 0) >= (this.credit.get(this.consumerNumber) ?? 0)
  }

  private async stopConsuming(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    const tag = this.consumerTag
    this.consumerTag = null
    if (tag) await this.channel.cancel(tag).catch(() => undefined)
  }

  async read(max: number, options: { idleMs?: number } = {}): Promise<ReadMessage[]> {
    // Empty means the consumer had credit to spare and nothing came for `idleMs`. While all its
    // credit is held (by messages the caller has not settled yet, or released ones), the wait has
    // no end of its own: it goes on until a delivery, an ack that frees credit, a fresh consumer,
    // or the end. Every held message is settled sooner or later, so it ends.
    while (this.buffer.length === 0 && !this.closed && this.delivered < this.limit) {
      const starved = this.starved()
      const woken = await new Promise<boolean>((resolve) => {
        const timer = starved
          ? null
          : setTimeout(() => {
              if (this.waiter === done) this.waiter = null
              resolve(false)
            }, options.idleMs ?? DEFAULT_IDLE_MS)
        const done = (): void => {
          if (timer) clearTimeout(timer)
          resolve(true)
        }
        this.waiter = done
      })
      if (!woken && !this.starved()) break
    }
    if (this.buffer.length === 0 && this.failure) throw this.failure
    return this.buffer.splice(0, Math.max(0, max))
  }

  ack(messages: readonly ReadMessage[]): void {
    if (this.failure) throw this.failure
    // An ack gives the consumer credit back. Near the limit, that credit would fetch messages past
    // it (which go back at close marked redelivered, and on a quorum queue spend an attempt), so
    // the consumer is cancelled first — the cancel frame goes out before the acks — and a new one
    // asks for exactly what is left.
    if (!this.stopped && this.remaining() < (this.credit.get(this.consumerNumber) ?? 0)) this.replaceConsumer()
    // On a stream an ack only moves the consumer's credit on; nothing is removed.
    for (const message of messages) {
      const held = message as Held
      this.unsettledOnConsumer.set(held.consumer, (this.unsettledOnConsumer.get(held.consumer) ?? 1) - 1)
      this.acks.ack(held.tag)
    }
    if (this.waiter && messages.length > 0) this.wake() // a read waiting for credit: now there is some
  }

  release(messages: readonly ReadMessage[]): void {
    if (this.failure) return // the broker already requeued them when the channel closed
    if (this.stream) {
      this.ack(messages) // a stream keeps every message; an ack only returns credit
      return
    }
    for (const message of messages) {
      const held = message as Held
      this.releasedOnConsumer.set(held.consumer, (this.releasedOnConsumer.get(held.consumer) ?? 0) + 1)
    }
    // Released messages block this consumer's credit: start a fresh consumer before it starves.
    if (!this.stopped && (this.releasedOnConsumer.get(this.consumerNumber) ?? 0) * 2 >= (this.credit.get(this.consumerNumber) ?? 1)) this.replaceConsumer()
  }

  /** Cancels the current consumer now (the frame is sent at once) and starts the next when the broker confirms. */
  private replaceConsumer(): void {
    const tag = this.consumerTag
    if (!tag) return // a replacement is already on its way
    this.consumerTag = null
    const cancelled = this.channel.cancel(tag)
    const previous = this.rotating ?? Promise.resolve()
    this.rotating = previous
      .then(() => cancelled)
      .then(async () => {
        // Deliveries sent before the cancel have all arrived by now, so `remaining` is exact.
        if (!this.closed && !this.stopped && this.remaining() > 0) await this.consume()
      })
      .catch((err: unknown) => this.fail(new QsError('BROKER_ERROR', `reading queue "${this.queue}": ${messageOf(err)}`)))
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.rotating
    await this.stopConsuming()
    this.closed = true
    this.bufferedListener = null
    this.wake()
    this.buffer.length = 0
    // Everything not acknowledged goes back, in order (RabbitMQ requeues to the original position).
    try {
      this.acks.flush()
      if (!this.stream) this.channel.nackAll(true)
      await this.step(this.channel.close(), 'a channel close')
    } catch {
      // A closed channel has returned them already (a close the broker never confirms: they go
      // back when the connection does).
    }
  }
}
