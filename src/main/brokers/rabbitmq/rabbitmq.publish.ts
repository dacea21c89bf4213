import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { PublishRequestParsed, PublishResult } from '../../../shared/publish'
import { parseSourceRef } from '../../../shared/source-ref'
import { amqpLinkError, IN_DOUBT, messageOf, writeInDoubt } from '../errors'
import { seconds, withDeadline } from '../timeouts'
import { toPublishOptions } from './amqp-properties'
import type { RabbitLink } from './rabbitmq.connection'
import { publishError } from './rabbitmq.errors'

/**
 * Publishing one message at a time, with confirms and `mandatory`, on one confirm channel of the
 * link's connection. One at a time, so a basic.return can only belong to the publish in flight;
 * basic.return arrives before the confirm (docs/broker-facts.md): an ack alone does not prove delivery.
 */
export class RabbitPublisher {
  private confirmChannel: Promise<amqp.ConfirmChannel> | null = null
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly link: RabbitLink) {}

  /** The connection went away: its channel with it. */
  forget(): void {
    this.confirmChannel = null
  }

  async publish(request: PublishRequestParsed): Promise<PublishResult> {
    const ref = parseSourceRef(request.target)
    if (ref.kind !== 'queue' && ref.kind !== 'exchange') {
      throw new QsError('BAD_REQUEST', `RabbitMQ cannot publish to ${ref.kind}:…; use queue:<name> or exchange:<name>`)
    }
    const exchange = ref.kind === 'exchange' ? ref.name : ''
    const routingKey = ref.kind === 'queue' ? ref.name : (request.routingKey ?? '')
    const content = Buffer.from(request.body, request.encoding)
    const options = toPublishOptions(request.properties, request.headers)
    const run = this.queue.then(() => this.publishOne(exchange, routingKey, content, options))
    this.queue = run.catch(() => undefined)
    return run
  }

  private channel(): Promise<amqp.ConfirmChannel> {
    const connection = this.link.requireConnection()
    if (!this.confirmChannel) {
      const opening = connection.createConfirmChannel().then((ch) => {
        ch.on('error', () => undefined)
        ch.on('close', () => {
          if (this.confirmChannel === opening) this.confirmChannel = null
        })
        return ch
      })
      this.confirmChannel = opening
      opening.catch(() => {
        if (this.confirmChannel === opening) this.confirmChannel = null
      })
    }
    return this.confirmChannel
  }

  private async publishOne(exchange: string, routingKey: string, content: Buffer, options: amqp.Options.Publish): Promise<PublishResult> {
    const { where, target } = this.link
    const ms = this.link.timeouts.requestMs
    let ch: amqp.ConfirmChannel
    try {
      ch = await withDeadline(this.channel(), ms, () => new QsError('TIMEOUT', `${where} did not open a channel within ${seconds(ms)}; nothing was sent`))
    } catch (err) {
      throw writeInDoubt(amqpLinkError(err, { where, write: true, sent: false }) ?? publishError(err, exchange, target.vhost))
    }
    let returned: amqp.Message | null = null
    let channelError: Error | null = null
    let sent = false
    const onReturn = (message: amqp.Message): void => {
      returned = message
    }
    const onError = (err: Error): void => {
      channelError = err
    }
    ch.on('return', onReturn)
    ch.on('error', onError)
    let timer: NodeJS.Timeout | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        const lost = (): QsError => new QsError('NOT_CONNECTED', `the channel to ${where} closed before the broker confirmed the message; ${IN_DOUBT}`)
        const onClose = (): void => reject(channelError ?? lost())
        ch.once('close', onClose)
        ch.publish(exchange, routingKey, content, { ...options, mandatory: true }, (err: unknown) => {
          clearTimeout(timer)
          ch.off('close', onClose)
          // amqplib calls back with "channel closed" for every unconfirmed message when the channel goes.
          if (err) reject(channelError ?? (messageOf(err) === 'message nacked' ? new QsError('BROKER_ERROR', 'the broker refused the message (nack)') : lost()))
          else resolve()
        })
        sent = true
        timer = setTimeout(() => {
          ch.off('close', onClose)
          // A late confirm or return must not be taken for the next publish's: use a fresh channel.
          this.confirmChannel = null
          ch.close().catch(() => undefined)
          reject(new QsError('TIMEOUT', `${where} did not confirm the message within ${seconds(ms)}; ${IN_DOUBT}`))
        }, ms)
      })
    } catch (err) {
      throw amqpLinkError(err, { where, write: true, sent }) ?? publishError(err, exchange, target.vhost)
    } finally {
      clearTimeout(timer)
      ch.off('return', onReturn)
      ch.off('error', onError)
    }
    const bounced = returned as amqp.Message | null
    if (bounced) {
      const reply = (bounced.fields as { replyText?: string }).replyText ?? 'NO_ROUTE'
      return { routed: false, reason: reply }
    }
    return { routed: true }
  }
}
