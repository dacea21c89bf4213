import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { TailMessage } from '../../../shared/tail'
import type { SourceRef } from '../../../shared/source-ref'
import type { TailHandle, TailOptions, TailSink } from '../adapter'
import { messageOf } from '../errors'
import { browsedBody } from '../message-body'
import { toHeaders, toMessageProperties } from './amqp-values'
import { vhostPath, type ManagementClient, type ManagementExchange, type ManagementQueue } from './management.client'

/**
 * Most messages the tail's own queue holds while this process falls behind; beyond it RabbitMQ
 * drops the oldest (x-max-length), so a slow tail never fills the broker's memory.
 */
const TAIL_QUEUE_MAX_LENGTH = 100_000

/** Unacknowledged deliveries a stream tail may hold (a stream consumer needs a prefetch). */
const STREAM_PREFETCH = 1000

export interface RabbitTailContext {
  connection: amqp.ChannelModel
  management: ManagementClient
  vhost: string
}

/**
 * Live tails of RabbitMQ (the RabbitMQ side of the Live tab), each on a channel of its own, never
 * taking a message from anyone:
 * - `exchange:NAME`: a server-named exclusive auto-delete queue bound to the exchange so that it
 *   sees everything (`#` on a topic exchange, x-match all without headers on a headers exchange),
 *   consumed with noAck; closing the channel cancels the consumer and RabbitMQ deletes the queue.
 * - `queue:NAME` of type stream: an offset consumer from `next` (reading a stream removes nothing).
 * - classic and quorum queues are refused: the only way to see their messages live is to consume them.
 */
export async function openRabbitTail(context: RabbitTailContext, source: SourceRef, options: TailOptions, sink: TailSink): Promise<TailHandle> {
  if (source.kind === 'exchange') return openExchangeTail(context, source.name, options, sink)
  if (source.kind === 'queue') return openStreamQueueTail(context, source.name, sink)
  throw new QsError('BAD_REQUEST', `RabbitMQ can tail exchange:<name> and stream queues (queue:<name>), not ${source.kind}:…`)
}

/** The binding that sees every message of an exchange of this type (null type: management API unavailable). */
function bindingFor(exchange: string, type: string | null, routingKey: string | undefined): { key: string; args: Record<string, unknown> } {
  if (type === 'direct' && routingKey === undefined) {
    throw new QsError(
      'UNSUPPORTED',
      `exchange "${exchange}" is a direct exchange: it routes by exact routing key, so no binding can see every message. Give the routing key to watch, or tail a stream queue it feeds`,
    )
  }
  // Headers exchanges ignore the key; x-match all with no headers to match matches every message
  // (x-match any with none would match nothing). Other types ignore the argument.
  return { key: routingKey ?? (type === 'fanout' || type === 'headers' ? '' : '#'), args: { 'x-match': 'all' } }
}

async function exchangeType(context: RabbitTailContext, name: string): Promise<string | null> {
  try {
    const exchange = await context.management.get<ManagementExchange>(`/exchanges/${vhostPath(context.vhost)}/${encodeURIComponent(name)}`)
    return exchange.type
  } catch (err) {
    if (err instanceof QsError && err.code === 'NOT_FOUND')
      throw new QsError('NOT_FOUND', `exchange "${name}" does not exist in vhost "${context.vhost}"`, err.message)
    // Without the management API the type is unknown: bind as for a topic exchange (see bindingFor).
    if (err instanceof QsError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'AUTH_FAILED')) return null
    throw err
  }
}

async function openExchangeTail(context: RabbitTailContext, exchange: string, options: TailOptions, sink: TailSink): Promise<TailHandle> {
  if (exchange === '') {
    throw new QsError(
      'UNSUPPORTED',
      'the default exchange cannot be bound to, so it cannot be tailed: tail the exchange your producers publish to, or a stream queue',
    )
  }
  const binding = bindingFor(exchange, await exchangeType(context, exchange), options.routingKey)
  return onChannel(context, `exchange "${exchange}"`, sink, async (ch, deliver) => {
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false, arguments: { 'x-max-length': TAIL_QUEUE_MAX_LENGTH } })
    await ch.bindQueue(queue, exchange, binding.key, binding.args)
    await ch.consume(queue, (message) => message && deliver(message, String(message.fields.deliveryTag)), { noAck: true })
  })
}

async function openStreamQueueTail(context: RabbitTailContext, name: string, sink: TailSink): Promise<TailHandle> {
  const type = await queueType(context, name)
  if (type !== 'stream') {
    const feeders = await feedingExchanges(context, name)
    const suggestion =
      feeders.length > 0
        ? `tail the exchange that feeds it instead (${feeders.map((e) => `exchange:${e}`).join(', ')})`
        : 'tail the exchange that feeds it instead'
    throw new QsError(
      'UNSUPPORTED',
      `queue "${name}" is a ${type} queue: its messages can only be seen live by consuming them (taking them from its consumers); ${suggestion}`,
    )
  }
  return onChannel(context, `stream queue "${name}"`, sink, async (ch, deliver, ended) => {
    // A stream consumer needs acks (they return credit, nothing is removed) and a prefetch.
    await ch.prefetch(STREAM_PREFETCH)
    await ch.consume(
      name,
      (message) => {
        if (message === null) return ended(`stream queue "${name}" was deleted`)
        ch.ack(message)
        const offset = (message.properties.headers as Record<string, unknown> | undefined)?.['x-stream-offset']
        deliver(message, typeof offset === 'number' ? String(offset) : String(message.fields.deliveryTag))
      },
      { noAck: false, arguments: { 'x-stream-offset': 'next' } },
    )
  })
}

async function queueType(context: RabbitTailContext, name: string): Promise<string> {
  try {
    const queue = await context.management.get<ManagementQueue>(`/queues/${vhostPath(context.vhost)}/${encodeURIComponent(name)}`, { columns: 'name,type' })
    return queue.type ?? 'classic'
  } catch (err) {
    if (err instanceof QsError && err.code === 'NOT_FOUND')
      throw new QsError('NOT_FOUND', `queue "${name}" does not exist in vhost "${context.vhost}"`, err.message)
    throw new QsError(
      'UNSUPPORTED',
      `cannot tell whether queue "${name}" is a stream without the management API (${messageOf(err)}), and a classic or quorum queue cannot be tailed without consuming it: tail the exchange that feeds it instead`,
    )
  }
}

/** Exchanges bound to a queue (not the default one), for the refusal's suggestion; empty when unknown. */
async function feedingExchanges(context: RabbitTailContext, queue: string): Promise<string[]> {
  try {
    const bindings = await context.management.get<{ source: string }[]>(`/queues/${vhostPath(context.vhost)}/${encodeURIComponent(queue)}/bindings`)
    return [...new Set(bindings.map((b) => b.source).filter((source) => source !== ''))]
  } catch {
    return []
  }
}

/**
 * Runs `setup` on a channel of its own and turns the channel into a tail handle: a channel the
 * broker closes (exchange or queue deleted, connection lost) ends the tail in words.
 */
async function onChannel(
  context: RabbitTailContext,
  what: string,
  sink: TailSink,
  setup: (ch: amqp.Channel, deliver: (message: amqp.Message, id: string) => void, ended: (reason: string) => void) => Promise<void>,
): Promise<TailHandle> {
  const ch = await context.connection.createChannel()
  let error: Error | null = null
  let done = false
  let closing: Promise<void> = Promise.resolve()
  const finish = (reason: string | null): void => {
    if (done) return
    done = true
    closing = ch.close().catch(() => undefined)
    if (reason !== null) sink.end(reason)
  }
  ch.on('error', (err: Error) => {
    error = err
  })
  ch.on('close', () => finish(error ? `RabbitMQ closed the tail of ${what}: ${(error as Error).message}` : 'the RabbitMQ connection closed'))
  const deliver = (message: amqp.Message, id: string): void => {
    if (!done) sink.message(tailMessage(message, id))
  }
  try {
    await setup(ch, deliver, finish)
  } catch (err) {
    done = true
    ch.close().catch(() => undefined)
    const text = messageOf(error ?? err)
    if (/NOT.FOUND/i.test(text)) throw new QsError('NOT_FOUND', `${what} does not exist in vhost "${context.vhost}"`, text)
    if (/ACCESS.REFUSED/i.test(text)) throw new QsError('AUTH_FAILED', `the user may not read ${what}`, text)
    throw new QsError('BROKER_ERROR', `cannot tail ${what}: ${text}`, text)
  }
  return {
    stop: async () => {
      finish(null)
      await closing
    },
  }
}

function tailMessage(message: amqp.Message, id: string): TailMessage {
  const amqpProperties = message.properties as unknown as Record<string, unknown>
  const { body, encoding, size, shownBytes } = browsedBody(
    message.content,
    typeof amqpProperties['contentEncoding'] === 'string' ? amqpProperties['contentEncoding'] : undefined,
  )
  const out: TailMessage = {
    id,
    at: Date.now(),
    body,
    encoding,
    size,
    headers: toHeaders(message.properties.headers as Record<string, unknown> | undefined),
    routingKey: message.fields.routingKey,
  }
  if (shownBytes !== undefined) out.shownBytes = shownBytes
  const properties = toMessageProperties(amqpProperties)
  if (Object.keys(properties).length > 0) out.properties = properties
  return out
}
