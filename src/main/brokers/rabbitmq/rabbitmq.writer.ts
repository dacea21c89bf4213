import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { ReplayMessage, Route, TargetWriter, WriteResult } from '../replay'
import { messageOf } from '../errors'
import { toPublishOptions } from './amqp-properties'

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
