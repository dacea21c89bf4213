import { randomUUID } from 'node:crypto'
import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { BatchReader, ReaderOptions, ReadMessage, ReplayMessage, Route, TargetWriter, WriteResult } from '../replay'
import { messageOf } from '../errors'
import { toPublishOptions } from './amqp-properties'
import { decodeXDeath, toMessageProperties } from './amqp-values'

export const DEFAULT_WINDOW = 256
const DEFAULT_IDLE_MS = 1500
/** The first consumer's prefetch while message sizes are unknown (as the engine's first read). */
const PROBE_CREDIT = 10

/**
 * Bounds one step of talking to the broker (the adapter's request deadline): a queue that stops
 * answering while its connection stays alive must not hold a replay or export for ever.
 */
export type Step = <T>(work: Promise<T>, what: string) => Promise<T>
const unbounded: Step = (work) => work

/**
 * A delivery as the engine holds it: the delivery tag and the consumer, not amqplib's message
 * object (its fields and raw properties would stay in memory for every message in flight).
 */
export type Held = ReadMessage & { readonly tag: number; readonly consumer: number }

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

/**
 * Acknowledgements sent a tick later and coalesced: the longest run of acknowledged deliveries at
 * the head of the channel's unsettled ones goes as one `multiple` ack; an acknowledged delivery
 * behind one still held (released, or past the limit) goes on its own, so a multiple ack never
 * covers a message that must go back. Delivery tags are per channel and arrive in order.
 */
export class AckBatcher {
  /** Every delivery not yet acknowledged on the broker, in arrival order (from `head`). */
  private unsettled: number[] = []
  private head = 0
  /** Acknowledged by the engine, not yet sent. */
  private readonly pending = new Set<number>()
  /** Sent on their own while an older delivery was still held: skipped when the head reaches them. */
  private readonly sent = new Set<number>()
  private scheduled = false

  constructor(private readonly send: (deliveryTag: number, multiple: boolean) => void) {}

  delivered(tag: number): void {
    this.unsettled.push(tag)
  }

  ack(tag: number): void {
    this.pending.add(tag)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  flush(): void {
    this.scheduled = false
    if (this.pending.size === 0) return
    let upTo = -1
    while (this.head < this.unsettled.length) {
      const tag = this.unsettled[this.head]!
      if (this.pending.delete(tag)) upTo = tag
      else if (!this.sent.delete(tag)) break
      this.head++
    }
    if (upTo >= 0) this.send(upTo, true)
    for (const tag of this.pending) {
      this.send(tag, false)
      this.sent.add(tag)
    }
    this.pending.clear()
    if (this.head > 4096) {
      this.unsettled = this.unsettled.slice(this.head)
      this.head = 0
    }
  }
}

/**
 * Acknowledgements on a reader's channel, batched. Sent to a channel that closed meanwhile they
 * are dropped: the broker has requeued everything unacknowledged, and the reader reports the loss
 * (its fail) on the next read.
 */
export function channelAcks(channel: amqp.Channel): AckBatcher {
  return new AckBatcher((deliveryTag, multiple) => {
    try {
      channel.ack({ fields: { deliveryTag } } as amqp.Message, multiple)
    } catch {
      // closed: see above
    }
  })
}

/**
 * A reader's own channel, and the queue's ready count from a passive declare (a missing queue
 * closes this channel only, with a 404 that `describe` puts into words). `make` builds the reader;
 * from then on the channel's error or close fails it, and if `start` (or anything before) throws,
 * the channel is closed.
 */
export async function openReaderChannel<R extends { fail(error: QsError): void }>(
  connection: amqp.ChannelModel,
  queue: string,
  step: Step,
  describe: (err: unknown) => QsError,
  make: (channel: amqp.Channel, messageCount: number) => R,
  start?: (reader: R) => Promise<void>,
): Promise<R> {
  let channel: amqp.Channel
  try {
    channel = await step(connection.createChannel(), 'a channel open')
  } catch (err) {
    throw describe(err)
  }
  let early: unknown = null
  channel.on('error', (err: unknown) => {
    early = err
  })
  try {
    const { messageCount } = await step(channel.checkQueue(queue), 'a passive declare')
    const reader = make(channel, messageCount)
    channel.removeAllListeners('error')
    channel.on('error', (err: unknown) => reader.fail(describe(err)))
    channel.on('close', () =>
      reader.fail(new QsError('NOT_CONNECTED', `the channel reading queue "${queue}" closed; every message not yet acknowledged went back to the queue`)),
    )
    await start?.(reader)
    return reader
  } catch (err) {
    await step(channel.close(), 'a channel close').catch(() => undefined)
    throw describe(early ?? err)
  }
}

/** A stream delivery before the offset its consumer asked to start at (numeric offsets only; 'first' has none before it). */
export function belowStart(offset: unknown, start: number | 'first' | null): boolean {
  return typeof start === 'number' && typeof offset === 'number' && offset < start
}

export function toReadMessage(delivery: amqp.Message, consumer: number, stream: boolean): Held {
  const headers = (delivery.properties.headers ?? {}) as Record<string, unknown>
  const offset = headers['x-stream-offset']
  const message: Held = {
    id: stream && typeof offset === 'number' ? String(offset) : String(delivery.fields.deliveryTag),
    body: delivery.content,
    properties: toMessageProperties(delivery.properties as unknown as Record<string, unknown>),
    headers: stream ? withoutStreamHeaders(headers) : headers,
    redelivered: delivery.fields.redelivered,
    exchange: delivery.fields.exchange,
    routingKey: delivery.fields.routingKey,
    tag: delivery.fields.deliveryTag,
    consumer,
  }
  const xDeath = decodeXDeath(headers['x-death'])
  if (xDeath) message.xDeath = xDeath
  return message
}

/** The broker adds x-stream-offset to every delivery from a stream; it is not part of the message. */
function withoutStreamHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const { 'x-stream-offset': _offset, ...rest } = headers
  return rest
}

const ROUTED: WriteResult = { routed: true }
const CHANNEL_CLOSED = (): QsError => new QsError('NOT_CONNECTED', 'the publishing channel closed before the broker confirmed every message')

/** One publish awaiting its confirm: only what matching a basic.return needs, not the whole message. */
interface Pending {
  readonly route: Route
  readonly body: Buffer
  readonly messageId: string | undefined
  returned: string | null
  readonly resolve: (result: WriteResult) => void
  readonly reject: (error: QsError) => void
}

/**
 * Publishes for a replay on a confirm channel of its own, every message `mandatory`, many in
 * flight. A basic.return arrives before the confirm of the same message but may overtake confirms
 * of earlier ones, so it is matched to the in-flight message with the same exchange, routing key,
 * body and message id (identical messages are interchangeable for the report).
 */
export class RabbitWriter implements TargetWriter {
  private readonly pending = new Set<Pending>()
  private drained: Promise<void> | null = null
  private unblocked: Promise<void> | null = null
  private failure: QsError | null = null
  waits = 0

  private constructor(
    private readonly channel: amqp.ConfirmChannel,
    private readonly vhost: string,
    private readonly release: () => Promise<void>,
  ) {}

  /** `release` runs after the channel closed (the adapter closes the writer's own connection there). */
  static async open(
    connection: amqp.ChannelModel,
    vhost: string,
    blocked: () => boolean,
    release: () => Promise<void> = async () => undefined,
  ): Promise<RabbitWriter> {
    const channel = await connection.createConfirmChannel()
    const writer = new RabbitWriter(channel, vhost, release)
    channel.on('return', (message: amqp.Message) => writer.onReturn(message))
    channel.on('error', (err: unknown) => writer.fail(writeError(err, vhost)))
    channel.on('close', () => writer.fail(CHANNEL_CLOSED()))
    const onBlocked = (): void => writer.block()
    const onUnblocked = (): void => writer.unblock()
    connection.on('blocked', onBlocked)
    connection.on('unblocked', onUnblocked)
    channel.once('close', () => {
      connection.off('blocked', onBlocked)
      connection.off('unblocked', onUnblocked)
    })
    if (blocked()) writer.block()
    return writer
  }

  get inFlight(): number {
    return this.pending.size
  }

  private releaseBlock: (() => void) | null = null

  private block(): void {
    if (this.unblocked) return
    this.unblocked = new Promise((resolve) => {
      this.releaseBlock = resolve
    })
  }

  private unblock(): void {
    this.releaseBlock?.()
    this.releaseBlock = null
    this.unblocked = null
  }

  private fail(error: QsError): void {
    this.failure ??= error
    for (const entry of this.pending) entry.reject(this.failure)
    this.pending.clear()
    this.unblock()
  }

  private onReturn(message: amqp.Message): void {
    const fields = message.fields as { exchange: string; routingKey: string; replyText?: string }
    const messageId = (message.properties as { messageId?: unknown }).messageId
    for (const entry of this.pending) {
      if (
        entry.returned === null &&
        entry.route.exchange === fields.exchange &&
        entry.route.routingKey === fields.routingKey &&
        entry.messageId === (messageId ?? undefined) &&
        entry.body.equals(message.content)
      ) {
        entry.returned = fields.replyText ?? 'NO_ROUTE'
        return
      }
    }
  }

  /** The broker's confirm (or nack) for one publish; nothing for one already settled by a failure. */
  private confirmed(entry: Pending, err: unknown): void {
    if (!this.pending.delete(entry)) return
    // amqplib settles every unconfirmed publish with "channel closed" before the channel's close
    // event, so a lost connection must not read as a nack.
    if (err)
      entry.reject(
        this.failure ??
          (messageOf(err) === 'channel closed'
            ? CHANNEL_CLOSED()
            : new QsError('BROKER_ERROR', `the broker refused the message (nack) for exchange "${entry.route.exchange || '(default)'}"`)),
      )
    else entry.resolve(entry.returned === null ? ROUTED : { routed: false, reason: entry.returned })
  }

  write(message: ReplayMessage, route: Route): Promise<WriteResult> {
    // Back-pressure: a blocked connection (broker alarm) or a full socket buffer.
    if (this.unblocked || this.drained) return this.writeWhenReady(message, route)
    if (this.failure) return Promise.reject(this.failure)
    return new Promise<WriteResult>((resolve, reject) => {
      const entry: Pending = { route, body: message.body, messageId: message.properties.messageId ?? undefined, returned: null, resolve, reject }
      this.pending.add(entry)
      const options = toPublishOptions(message.properties, message.headers)
      options.mandatory = true
      let accepted: boolean
      try {
        accepted = this.channel.publish(route.exchange, route.routingKey, message.body, options, (err: unknown) => this.confirmed(entry, err))
      } catch (err) {
        this.pending.delete(entry)
        reject(this.failure ?? writeError(err, this.vhost))
        return
      }
      if (!accepted && !this.drained) {
        this.drained = new Promise<void>((resolve) => {
          const done = (): void => {
            this.channel.off('drain', done)
            this.channel.off('close', done)
            this.drained = null
            resolve()
          }
          this.channel.on('drain', done)
          this.channel.on('close', done)
        })
      }
    })
  }

  private async writeWhenReady(message: ReplayMessage, route: Route): Promise<WriteResult> {
    while (!this.failure && (this.unblocked || this.drained)) {
      this.waits++
      await (this.unblocked ?? this.drained)
    }
    return this.write(message, route)
  }

  async close(): Promise<void> {
    if (!this.failure) {
      await this.channel.waitForConfirms().catch(() => undefined)
      await this.channel.close().catch(() => undefined)
    }
    await this.release().catch(() => undefined)
  }
}

function writeError(err: unknown, vhost: string): QsError {
  if (err instanceof QsError) return err
  const text = messageOf(err)
  const exchange = /exchange '([^']*)'/.exec(text)?.[1]
  if (/NOT.FOUND/i.test(text)) return new QsError('NOT_FOUND', `exchange "${exchange ?? '?'}" does not exist in vhost "${vhost}"`, text)
  if (/ACCESS.REFUSED/i.test(text)) return new QsError('AUTH_FAILED', `the user may not publish to exchange "${exchange ?? '?'}"`, text)
  return new QsError('BROKER_ERROR', text)
}
