import type * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { PurgeResult } from '../../../shared/messages'
import type { SourceRef } from '../../../shared/source-ref'
import { writeInDoubt } from '../errors'
import { NO_CONSENT } from '../read-purpose'
import type { BatchReader, ReaderOptions, TargetWriter } from '../replay'
import { admitRead } from './delivery-limit'
import { closeWithin, CLOSE_TIMEOUT_MS, type RabbitLink } from './rabbitmq.connection'
import { amqpConnectError } from './rabbitmq.errors'
import { RabbitGetReader } from './rabbitmq.get-reader'
import { limitedQueue, queueInfo, streamWithoutManagement } from './rabbitmq.queue-info'
import { RabbitQueueReader } from './rabbitmq.queue-reader'
import type { Step } from './rabbitmq.read-support'
import { RabbitWriter } from './rabbitmq.writer'

/**
 * A replay or export reader over one queue. Streams are read by an offset consumer (copy only,
 * from the first offset); classic and quorum queues by a consumer (RabbitQueueReader). A quorum
 * queue with a delivery limit follows the read rule (delivery-limit.ts): admitted by purpose and
 * consent, and read by basic.get (RabbitGetReader) so the read stops at the first message one
 * attempt from the limit, unless the read takes everything it reads (a plain move).
 */
export async function openQueueReader(link: RabbitLink, source: SourceRef, options: ReaderOptions = {}): Promise<BatchReader> {
  if (source.kind !== 'queue') throw new QsError('BAD_REQUEST', `RabbitMQ reads messages from queues (queue:<name>), not ${source.kind}:…`)
  await link.channels.settled()
  link.requireConnection()
  const purpose = options.purpose ?? 'copy'
  const info = await queueInfo(link, source.name, [])
  const stream = info ? info.type === 'stream' : await streamWithoutManagement(link, source.name)
  const limited = stream ? null : limitedQueue(link, source.name, info)
  if (limited) admitRead(limited, options.consent ?? NO_CONSENT, purpose)
  const describe = (err: unknown): QsError => link.channels.queueError(err, source.name)
  const step: Step = (work, what) => link.channels.step(work, source.name, what)
  // The lookups above waited: the connection may have gone meanwhile.
  const connection = link.connection
  if (!connection) throw new QsError('NOT_CONNECTED', 'the RabbitMQ connection closed while the reader was opening')
  const heldElsewhere = stream ? null : (info?.unacked ?? null)
  if (limited && purpose !== 'consume') return RabbitGetReader.open(connection, limited, { limit: options.limit, purpose, step, heldElsewhere }, describe)
  // AMQP's prefetch counts messages only: a byte budget becomes a count by the queue's average size.
  // Without the average (no management API, or statistics not in yet) the reader measures the
  // first messages it reads instead.
  let window = options.window
  const sized = Boolean(info?.messages && info.messageBytes)
  if (options.windowBytes !== undefined && sized) {
    const average = info!.messageBytes! / info!.messages!
    window = Math.max(1, Math.min(window ?? Number.POSITIVE_INFINITY, Math.floor(options.windowBytes / average)))
  }
  return RabbitQueueReader.open(
    connection,
    source.name,
    { ...options, window, stream, available: info?.messages ?? null, sizeUnknown: !sized, step, heldElsewhere },
    describe,
  )
}

/**
 * A replay writer: a confirm channel on a connection of its own (closed with the writer),
 * `mandatory` on every message, many in flight. Its own connection because RabbitMQ's flow
 * control stops reading a whole connection while one of its publishers outpaces a queue: on the
 * shared connection that would also hold back the source's acknowledgements, and with them the
 * next deliveries (RabbitMQ's advice: separate connections for publishing and consuming).
 */
export async function openQueueWriter(link: RabbitLink): Promise<TargetWriter> {
  link.requireConnection()
  const connection: amqp.ChannelModel = await link.openConnection('Queuescope replay (publishing)')
  // An unhandled 'error' would crash the process; the writer's channel reports the loss on close.
  connection.on('error', () => undefined)
  try {
    return await RabbitWriter.open(
      connection,
      link.target.vhost,
      () => link.blocked,
      () => closeWithin(connection, CLOSE_TIMEOUT_MS),
    )
  } catch (err) {
    await closeWithin(connection, CLOSE_TIMEOUT_MS)
    throw amqpConnectError(err, link.target)
  }
}

/** Removes a queue's ready messages (unacked ones stay); a stream is refused before anything is sent. */
export async function purgeQueue(link: RabbitLink, source: SourceRef): Promise<PurgeResult> {
  if (source.kind !== 'queue') throw new QsError('BAD_REQUEST', `RabbitMQ can purge queues only (queue:<name>), not ${source.kind}:…`)
  const info = await queueInfo(link, source.name, [])
  // queue.purge on a stream closes the whole connection (540 NOT_IMPLEMENTED): refuse it first.
  if (info?.type === 'stream') {
    throw new QsError('UNSUPPORTED', `queue "${source.name}" is a stream: RabbitMQ cannot purge streams (use retention: x-max-length-bytes / x-max-age)`)
  }
  // Type unknown (no management API): purge on a connection of its own, so a stream cannot take ours down.
  return link.channels
    .run(
      source.name,
      async (ch) => {
        const { messageCount } = await link.channels.step(ch.purgeQueue(source.name), source.name, 'queue.purge', true)
        return { purged: messageCount }
      },
      { ownConnection: info === null },
    )
    .catch((err: unknown) => {
      throw writeInDoubt(err)
    })
}
