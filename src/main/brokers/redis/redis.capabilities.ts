/**
 * What a Redis connection can do, for the front ends (tabs, replay targets), and how replays and
 * imports route into it: into a stream, list or channel, or back to the key qs-origin names.
 */
import type { BrokerDescription } from '../../../shared/capabilities'
import { QsError } from '../../../shared/errors'
import { ORIGIN_HEADER } from '../../../shared/replay'
import type { SourceRef } from '../../../shared/source-ref'
import { recordedOrigin } from '../origin-header'
import type { OriginRoutes, ReadMessage, ReplayRouting } from '../replay'

export const REDIS_DESCRIPTION: BrokerDescription = {
  label: 'Redis',
  sources: {
    // Every stream's group lag is sampled, so every stream has a chart.
    stream: { tabs: ['messages', 'live', 'chart', 'publish', 'details'], purge: false, replayFrom: null, hasOrigin: true, browseNotice: null },
    // Pending entries belong to a group.
    'stream:grouped': {
      tabs: ['messages', 'live', 'pending', 'chart', 'publish', 'details'],
      purge: false,
      replayFrom: null,
      hasOrigin: true,
      browseNotice: null,
    },
    // A list item is its body alone: it cannot say where it came from.
    list: { tabs: ['messages', 'publish', 'details'], purge: false, replayFrom: null, hasOrigin: false, browseNotice: null },
    channel: {
      tabs: ['live', 'publish', 'details'],
      purge: false,
      replayFrom: 'Pub/sub keeps no messages: a channel has nothing to replay (its live tail shows what passes)',
      hasOrigin: false,
      browseNotice: null,
    },
    bullmq: {
      tabs: ['jobs', 'details'],
      purge: false,
      replayFrom: 'BullMQ jobs are retried from the job browser, not replayed',
      hasOrigin: false,
      browseNotice: null,
    },
  },
  replayTargets: [
    { kind: 'stream', label: 'Stream', hint: 'Added with XADD: the body in field body, each header a field, properties in qs-properties.' },
    { kind: 'list', label: 'List', hint: 'Pushed on the left (LPUSH), as producers do: the body alone; properties and headers are not kept.' },
    {
      kind: 'channel',
      label: 'Channel',
      hint: 'Published to the channel: pub/sub keeps nothing, so with no subscriber a message fails and stays in the source.',
    },
  ],
  origin: {
    label: `Back to origin (${ORIGIN_HEADER})`,
    hint: `Each message goes back to the stream or list its ${ORIGIN_HEADER} field names (stream:<key> or list:<key>); one without it fails and stays.`,
  },
}

/** A stream's class in REDIS_DESCRIPTION: with consumer groups it has pending entries too. */
export function streamCapabilities(groups: number): string | undefined {
  return groups > 0 ? 'stream:grouped' : undefined
}

export const redisRouting: ReplayRouting = {
  targetRoute(target: SourceRef) {
    if (target.kind !== 'stream' && target.kind !== 'list' && target.kind !== 'channel') {
      throw new QsError('BAD_REQUEST', `a Redis connection takes messages into stream:<key>, list:<key> or channel:<name>, not ${target.kind}:…`)
    }
    return { exchange: '', routingKey: target.name, target }
  },

  /** Redis has no x-death: a message names its stream or list in qs-origin. */
  originRoutes(message: ReadMessage): OriginRoutes {
    const origin = recordedOrigin(
      message,
      `no ${ORIGIN_HEADER} field: the message does not say which stream or list it came from, so it has no origin to go back to`,
    )
    if ('reason' in origin) return origin
    const { ref, text } = origin
    if (ref.kind === 'stream' || ref.kind === 'list') return { routes: [{ exchange: '', routingKey: ref.name, target: ref }] }
    return { reason: `${ORIGIN_HEADER} "${text}" cannot be sent back on this connection: a Redis connection takes stream:<key> or list:<key>` }
  },

  originTarget: `origin (each message’s ${ORIGIN_HEADER})`,
}
