import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import { amqpLinkError, messageOf } from '../errors'
import { seconds, withDeadline } from '../timeouts'
import type { RabbitLink } from './rabbitmq.connection'

/**
 * The channels a link's browses, probes and purges run on. Each runs on a throw-away channel: a
 * failed operation (404 and friends) closes only that channel, never the connection or the publish
 * channel (docs/broker-facts.md). A spare channel is opened after each browse for the next one (a
 * round trip less), and the last browse's channel may still be closing (giving its messages back):
 * the next one waits for it.
 */
export class ChannelPool {
  /** The last browse channel still closing (its messages being requeued); see run(). */
  private settling: Promise<unknown> = Promise.resolve()
  /** A channel opened after a browse for the next one; see take(). */
  private spare: Promise<amqp.Channel> | null = null

  constructor(private readonly link: RabbitLink) {}

  /** Resolves once the last browse's channel has closed (its messages are back in the queue). */
  settled(): Promise<unknown> {
    return this.settling
  }

  /** The connection went away: its channels with it. */
  forget(): void {
    this.spare = null
  }

  /** The channel made ready after the last browse, or a new one; either way used for one browse only. */
  take(): Promise<amqp.Channel> {
    const spare = this.spare
    this.spare = null
    return spare ?? this.openQuiet()
  }

  prepareSpare(): void {
    if (this.spare || !this.link.connection || this.link.closing) return
    const opening = this.openQuiet()
    this.spare = opening
    opening.catch(() => {
      if (this.spare === opening) this.spare = null
    })
  }

  private openQuiet(): Promise<amqp.Channel> {
    if (!this.link.connection) return Promise.reject(new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed'))
    return this.link.connection.createChannel().then((ch) => {
      ch.on('error', () => undefined) // each user listens for its own errors
      return ch
    })
  }

  /**
   * Runs `work` on a channel of its own and closes it.
   * @param options.ownConnection on a connection of its own too (a stream's basic.get or purge
   *   closes the whole connection, 540: used while the queue type is unknown).
   * @param options.settleInBackground the work nacked (requeued) what it fetched: return its
   *   result at once and let the channel close — which waits for the broker to finish requeueing,
   *   ~45 ms for 100 messages at the head of a 1,000,000-message classic queue — in the
   *   background. The next throw-away channel waits for it, so a following browse or purge always
   *   sees every message back in the queue.
   * @param options.channel a channel opened ahead (take()).
   */
  async run<T>(
    queue: string,
    work: (ch: amqp.Channel) => Promise<T>,
    options: { ownConnection?: boolean; settleInBackground?: boolean; channel?: Promise<amqp.Channel> } = {},
  ): Promise<T> {
    await this.settling
    const connection = this.link.requireConnection()
    let connectionError: Error | null = null
    let own: amqp.ChannelModel | null = null
    if (options.ownConnection) {
      own = await this.link.openConnection('Queuescope (probe)')
      own.on('error', (err: Error) => {
        connectionError = err
      })
    }
    let closed = false
    let channelError: Error | null = null
    try {
      const ch = await this.step(options.channel ?? (own ?? connection).createChannel(), queue, 'a channel open')
      ch.on('error', (err: Error) => {
        channelError = err
      })
      ch.on('close', () => {
        closed = true
      })
      let background = false
      try {
        const result = await work(ch)
        background = options.settleInBackground === true && !own && !closed
        return result
      } finally {
        if (background) this.settling = this.close(ch)
        else if (!closed) await this.close(ch)
      }
    } catch (err) {
      throw this.queueError(channelError ?? connectionError ?? err, queue)
    } finally {
      if (own) await own.close().catch(() => undefined)
    }
  }

  /**
   * One step of a browse, read or purge, bounded by the request deadline: a broker that keeps its
   * connection alive (heartbeats flow) while a queue does not answer (a stuck or overloaded queue
   * process) would otherwise hold the call for ever. What was fetched before goes back when the
   * channel closes; `wrote` says whether the step may have changed the queue.
   */
  step<T>(work: Promise<T>, queue: string, what: string, wrote = false): Promise<T> {
    const ms = this.link.timeouts.requestMs
    const outcome = wrote ? 'it may or may not have been done (in doubt)' : 'nothing was consumed; messages already fetched go back to the queue'
    return withDeadline(
      work,
      ms,
      () => new QsError('TIMEOUT', `queue "${queue}" on ${this.link.where} did not answer ${what} within ${seconds(ms)}: ${outcome}`),
    )
  }

  /** Closes a channel, waiting at most the request deadline (a stuck queue can hold the close-ok). */
  close(ch: amqp.Channel): Promise<void> {
    return withDeadline(
      ch.close().then(() => undefined),
      this.link.timeouts.requestMs,
      () => new Error('close timed out'),
    ).catch(() => undefined)
  }

  missingQueue(name: string, detail: string): QsError {
    return new QsError('NOT_FOUND', `queue "${name}" does not exist in vhost "${this.link.target.vhost}"`, detail)
  }

  /** What went wrong with a queue, in the user's words. */
  queueError(err: unknown, queue: string): QsError {
    const lost = amqpLinkError(err, { where: this.link.where })
    if (lost) return lost
    if (err instanceof QsError) return err
    const text = messageOf(err)
    if (/NOT.FOUND/i.test(text)) return this.missingQueue(queue, text)
    if (/ACCESS.REFUSED/i.test(text)) return new QsError('AUTH_FAILED', `the user may not read queue "${queue}"`, text)
    if (/NOT.IMPLEMENTED|not supported/i.test(text)) return new QsError('UNSUPPORTED', `queue "${queue}": ${text}`, text)
    // The connection went away while the call ran (it may have failed on what was left of it).
    if (!this.link.connection) return new QsError('NOT_CONNECTED', `the connection to ${this.link.where} closed during the call`, text)
    return new QsError('BROKER_ERROR', `queue "${queue}": ${text}`, text)
  }
}
