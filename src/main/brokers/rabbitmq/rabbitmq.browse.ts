import { QsError } from '../../../shared/errors'
import type { PeekRequestParsed, PeekResult } from '../../../shared/messages'
import { parseSourceRef } from '../../../shared/source-ref'
import type { ReadConsent } from '../read-purpose'
import { browseClassic } from './rabbitmq.browse-classic'
import { browseQuorum } from './rabbitmq.browse-quorum'
import { browseStream } from './rabbitmq.browse-stream'
import type { RabbitLink } from './rabbitmq.connection'
import { queueInfo } from './rabbitmq.queue-info'

/**
 * A page of a queue without consuming it, by the strategy its type needs (docs/semantics.md):
 * classic queues by one consumer (rabbitmq.browse-classic.ts), quorum queues and queues of
 * unknown type by basic.get under the delivery-limit rule (rabbitmq.browse-quorum.ts), stream
 * queues by an offset consumer (rabbitmq.browse-stream.ts).
 */
export async function browseQueue(link: RabbitLink, request: PeekRequestParsed, consent: ReadConsent): Promise<PeekResult> {
  const ref = parseSourceRef(request.source)
  if (ref.kind !== 'queue') {
    throw new QsError('BAD_REQUEST', `RabbitMQ can browse queues only (queue:<name>), not ${ref.kind}:…; exchanges hold no messages`)
  }
  const { channels } = link
  const warnings: string[] = []
  // While the management API says what kind of queue this is, a channel is made ready and the
  // queue's ready count read (after the previous browse has returned its messages): the page
  // then costs one consume round trip more, not four (bench/browse.bench.ts).
  const channel = link.connection ? channels.take() : null
  const declared = channel
    ? channels
        .settled()
        .then(() => channel)
        .then((ch) => ch.checkQueue(ref.name))
    : null
  declared?.catch(() => undefined)
  const prepared = channel && declared ? { channel, declared } : undefined
  try {
    const info = await queueInfo(link, ref.name, warnings)
    if (info?.type === 'stream') return await browseStream(link, ref.name, request.count, request.from ?? { type: 'first' }, warnings, prepared)
    if (request.from) warnings.push('"from" applies to stream queues only; this queue is browsed from its head')
    try {
      if (info?.type === 'classic') return await browseClassic(link, ref.name, request.count, warnings, prepared)
      // Type unknown (no management API): the gets run on a connection of their own.
      if (info === null) void channel?.then((ch) => ch.close()).catch(() => undefined)
      return await browseQuorum(link, ref.name, request, consent, info, warnings, info === null ? undefined : prepared)
    } catch (err) {
      // Without the management API we cannot know the type up front. A stream refuses basic.get
      // by closing the whole *connection* (540), so that get ran on a connection of its own.
      if (!info && err instanceof QsError && err.code === 'UNSUPPORTED' && /stream/i.test(String(err.detail))) {
        return await browseStream(link, ref.name, request.count, request.from ?? { type: 'first' }, warnings)
      }
      throw err
    }
  } catch (err) {
    // The lookup failed before the channel was used (a missing queue): close it.
    void channel?.then((ch) => ch.close()).catch(() => undefined)
    throw err
  } finally {
    channels.prepareSpare()
  }
}
