import { QsError } from '../../../shared/errors'
import type { TailMessage } from '../../../shared/tail'
import type { SourceRef } from '../../../shared/source-ref'
import type { TailHandle, TailOptions, TailSink } from '../adapter'
import { messageOf, redisLinkError, redisLostReason } from '../errors'
import { resolveTimeouts, type BrokerTimeouts } from '../timeouts'
import { browsedBody } from '../message-body'
import { connectWithin, createRedisClient, describeRedis, keepChecking, type RedisTarget } from './redis.connection'
import { messageFromStreamFields, pairsToObject } from './redis-encoding'

/**
 * How long one XREAD waits for new entries. When it times out the tail checks that the stream
 * still exists (a deleted stream just blocks forever), so this is also how soon a deletion shows.
 */
const BLOCK_MS = 2000

/**
 * Most entries one XREAD returns. Reads are not bounded by the tail's buffer: a tail that reads
 * in big steps stays at the head of a fast stream (the core drops the oldest when its buffer is
 * full) instead of falling ever further behind it, and this caps what one read holds in memory.
 */
const READ_COUNT = 1000

type Client = ReturnType<typeof createRedisClient>

/**
 * Live tails of Redis, each on a connection of its own: XREAD BLOCK and
 * SUBSCRIBE hold their connection, so they can never share the adapter's. Stream entries and
 * pub/sub bodies are shown as browsing shows them (UTF-8 text, else base64).
 */
export async function openRedisTail(
  target: RedisTarget,
  password: string | null,
  source: SourceRef,
  options: TailOptions,
  sink: TailSink,
  timeouts: Partial<BrokerTimeouts> = {},
): Promise<TailHandle> {
  if (options.pattern && source.kind !== 'channel') throw new QsError('BAD_REQUEST', `a pattern tail takes channel:<glob>, not ${source.kind}:…`)
  const link: Link = { target, password, timeouts: resolveTimeouts(timeouts) }
  if (source.kind === 'stream') return openStreamTail(link, source.name, sink)
  if (source.kind === 'channel') return openChannelTail(link, source.name, options, sink)
  const hint = source.kind === 'list' ? ': a list has no way to watch it without popping its items; browse it instead' : ''
  throw new QsError('BAD_REQUEST', `Redis can tail stream:<key> and channel:<name> (a pattern with pattern: true), not ${source.kind}:…${hint}`)
}

/** Where a tail connects, and its deadlines. */
interface Link {
  target: RedisTarget
  password: string | null
  timeouts: BrokerTimeouts
}

/**
 * A dedicated client, connected within the connect deadline. It blocks (no per-command deadline),
 * but its dead-link check allows for one XREAD block, so a silently dead link still ends the tail.
 */
async function connectClient(link: Link): Promise<{ client: Client; lastError: () => Error | null }> {
  const client = createRedisClient(link.target, link.password, { name: 'queuescope-tail', blocking: true, blockMs: BLOCK_MS, timeouts: link.timeouts })
  let lastError: Error | null = null
  client.on('error', (err: Error) => {
    lastError = err
  })
  const where = describeRedis(link.target)
  try {
    await connectWithin(client, link.timeouts.connectMs, where, async () => undefined)
  } catch (err) {
    client.disconnect()
    if (err instanceof QsError) throw err
    throw new QsError('UNREACHABLE', `cannot open a tail connection to ${where}: ${messageOf(lastError ?? err)}`)
  }
  const lastWords = (): Error | null => (lastError ? redisLostReason(lastError, where) : null)
  return { client, lastError: lastWords }
}

/**
 * Ends a tail once: by stop() (no `end` call), or by itself with a reason. Either way its client
 * is disconnected, which also makes a blocked XREAD return.
 */
function finisher(client: Client, sink: TailSink, lastError: () => Error | null): { stopped: () => boolean; finish: (reason: string | null) => void } {
  let done = false
  const finish = (reason: string | null): void => {
    if (done) return
    done = true
    client.disconnect()
    if (reason !== null) sink.end(reason)
  }
  client.on('end', () => {
    const error = lastError()
    finish(`connection lost${error ? `: ${error.message}` : ''}`)
  })
  return { stopped: () => done, finish }
}

async function openStreamTail(link: Link, key: string, sink: TailSink): Promise<TailHandle> {
  const { target } = link
  const { client, lastError } = await connectClient(link)
  // From the id the stream had when the tail started (not `$` on each read), so no entry added
  // after start() returns is missed, and each read continues from the last entry it returned.
  let lastId: string
  try {
    const info = pairsToObject((await client.xinfo('STREAM', key)) as unknown[])
    lastId = String(info['last-generated-id'])
  } catch (err) {
    client.disconnect()
    const text = messageOf(err)
    const lost = redisLinkError(err, { where: describeRedis(target) })
    if (lost) throw lost
    if (/no such key/i.test(text)) {
      throw new QsError('NOT_FOUND', `stream "${key}" does not exist in db ${target.db}: a tail shows the entries added to an existing stream from now on`)
    }
    if (/WRONGTYPE/.test(text)) throw new QsError('BAD_REQUEST', `key "${key}" is not a stream`, text)
    throw new QsError('BROKER_ERROR', `stream "${key}": ${text}`)
  }
  const { stopped, finish } = finisher(client, sink, lastError)

  const read = async (): Promise<void> => {
    while (!stopped()) {
      const reply = await client.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', key, lastId)
      if (stopped()) return
      if (!reply) {
        if ((await client.exists(key)) === 0) return finish(`stream "${key}" was deleted`)
        continue
      }
      for (const [, entries] of reply) {
        for (const [rawId, fields] of entries) {
          lastId = rawId.toString()
          sink.message(streamMessage(lastId, fields))
        }
      }
    }
  }
  read().catch((err: unknown) => {
    if (stopped()) return
    const text = messageOf(err)
    finish(/WRONGTYPE/.test(text) ? `key "${key}" is no longer a stream` : `Redis error: ${text}`)
  })
  return { stop: async () => finish(null) }
}

function streamMessage(id: string, fields: Buffer[]): TailMessage {
  const { body, encoding, size, shownBytes, headers, properties } = messageFromStreamFields(fields)
  const message: TailMessage = { id, at: Number.parseInt(id, 10), body, encoding, size, headers }
  if (shownBytes !== undefined) message.shownBytes = shownBytes
  if (Object.keys(properties).length > 0) message.properties = properties
  return message
}

async function openChannelTail(link: Link, name: string, options: TailOptions, sink: TailSink): Promise<TailHandle> {
  const { client, lastError } = await connectClient(link)
  let sequence = 0
  const deliver = (channel: Buffer, payload: Buffer): void => {
    const { body, encoding, size, shownBytes } = browsedBody(payload)
    sink.message({
      id: String(++sequence),
      channel: channel.toString(),
      at: Date.now(),
      body,
      encoding,
      size,
      headers: {},
      ...(shownBytes === undefined ? {} : { shownBytes }),
    })
  }
  client.on('messageBuffer', deliver)
  client.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, payload: Buffer) => deliver(channel, payload))
  try {
    if (options.pattern) await client.psubscribe(name)
    else await client.subscribe(name)
  } catch (err) {
    client.disconnect()
    throw (
      redisLinkError(err, { where: describeRedis(link.target) }) ??
      new QsError('BROKER_ERROR', `cannot ${options.pattern ? 'PSUBSCRIBE to pattern' : 'SUBSCRIBE to channel'} "${name}": ${messageOf(err)}`)
    )
  }
  // A subscriber waits for messages with nothing due: PINGs keep an answer due (keepChecking).
  const stopChecking = keepChecking(client, link.timeouts.deadLinkMs)
  client.once('end', stopChecking)
  const { finish } = finisher(client, sink, lastError)
  return { stop: async () => finish(null) }
}
