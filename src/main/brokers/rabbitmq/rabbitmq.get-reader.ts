import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { ReadPurpose } from '../read-purpose'
import type { BatchReader, ReadMessage } from '../replay'
import { deliveryAtRisk, deliveryCountOf, type LimitedQueue } from './delivery-limit'
import { channelAcks, openReaderChannel, toReadMessage, type AckBatcher, type Held, type Step } from './rabbitmq.read-support'

/**
 * Reads a quorum queue with a delivery limit (export, dry run, copy, a filtered move): basic.get
 * one message at a time on a channel of its own, checking each one's delivery count before the
 * next is fetched. A consumer would be sent a whole prefetch at once, and every one of those
 * messages goes back at close, spending an attempt; this reader stops at the first message one
 * attempt from the limit, so no other message is fetched after it. Slower than a consumer (a round
 * trip a message), which is the price of never pushing a message past its limit.
 *
 * Like the consumer reader, nothing is acknowledged until the caller says so, released messages
 * stay held until close, and close gives everything not acknowledged back in queue order.
 */
export class RabbitGetReader implements BatchReader {
  readonly removable = true
  heldElsewhere: number | null = null
  private readonly acks: AckBatcher
  private fetched = 0
  /** The message that stopped the read, held (it goes back at close), and the refusal it caused. */
  private atRisk: QsError | null = null
  private failure: QsError | null = null
  private closed = false

  private constructor(
    private readonly channel: amqp.Channel,
    private readonly queue: LimitedQueue,
    readonly available: number | null,
    private readonly limit: number,
    private readonly purpose: ReadPurpose,
    private readonly describe: (err: unknown) => QsError,
    private readonly step: Step,
  ) {
    this.acks = channelAcks(channel)
  }

  static async open(
    connection: amqp.ChannelModel,
    queue: LimitedQueue,
    options: { limit?: number; purpose: ReadPurpose; step: Step; heldElsewhere?: number | null },
    describe: (err: unknown) => QsError,
  ): Promise<RabbitGetReader> {
    const { step } = options
    return openReaderChannel(connection, queue.name, step, describe, (channel, messageCount) => {
      const reader = new RabbitGetReader(channel, queue, messageCount, options.limit ?? Number.POSITIVE_INFINITY, options.purpose, describe, step)
      reader.heldElsewhere = options.heldElsewhere ?? null
      return reader
    })
  }

  get lost(): boolean {
    return this.failure !== null
  }

  /** The channel failed or closed (openReaderChannel wires it): everything held went back. */
  fail(error: QsError): void {
    if (this.closed) return
    this.failure ??= error
    this.closed = true
  }

  async read(max: number): Promise<ReadMessage[]> {
    const batch: ReadMessage[] = []
    while (batch.length < max && this.fetched < this.limit && !this.atRisk && !this.closed) {
      let message: amqp.GetMessage | false
      try {
        message = await this.step(this.channel.get(this.queue.name, { noAck: false }), 'basic.get')
      } catch (err) {
        this.fail(this.failure ?? this.describe(err))
        break
      }
      if (message === false) break
      this.fetched++
      this.acks.delivered(message.fields.deliveryTag)
      const headers = message.properties.headers as Record<string, unknown> | undefined
      // Kept back (it goes back at close) and nothing more is fetched: the next read says why.
      this.atRisk = deliveryAtRisk(this.queue, deliveryCountOf(headers), describeFetched(message, this.fetched), this.purpose)
      if (!this.atRisk) batch.push(toReadMessage(message, 0, false))
    }
    if (batch.length > 0) return batch
    if (this.failure) throw this.failure
    if (this.atRisk) throw this.atRisk
    return batch
  }

  ack(messages: readonly ReadMessage[]): void {
    if (this.failure) throw this.failure
    for (const message of messages) this.acks.ack((message as Held).tag)
  }

  /** Held until close: given back now, a message would be the next one fetched again. */
  release(): void {}

  async close(): Promise<void> {
    if (this.closed && this.failure) return
    this.closed = true
    try {
      this.acks.flush()
      this.channel.nackAll(true)
      await this.step(this.channel.close(), 'a channel close')
    } catch {
      // A closed channel has given them back already.
    }
  }
}

/** "message 3 read (message-id m-1)": enough for a user to find it. */
function describeFetched(message: amqp.Message, position: number): string {
  const id = (message.properties as { messageId?: unknown }).messageId
  return `message ${position} read${typeof id === 'string' && id ? ` (message-id ${id})` : ''}`
}
