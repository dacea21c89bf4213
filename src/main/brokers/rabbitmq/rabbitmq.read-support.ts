import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { ReadMessage } from '../replay'
import { decodeXDeath, toMessageProperties } from './amqp-values'

/**
 * Bounds one step of talking to the broker (the adapter's request deadline): a queue that stops
 * answering while its connection stays alive must not hold a replay or export for ever.
 */
export type Step = <T>(work: Promise<T>, what: string) => Promise<T>
export const unbounded: Step = (work) => work

/**
 * A delivery as the engine holds it: the delivery tag and the consumer, not amqplib's message
 * object (its fields and raw properties would stay in memory for every message in flight).
 */
export type Held = ReadMessage & { readonly tag: number; readonly consumer: number }

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
