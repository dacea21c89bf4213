/**
 * What a RabbitMQ connection can do, for the front ends (tabs, purge, replay targets), and how
 * replays and imports route into it: by queue, by exchange, or back along x-death.
 */
import type { BrokerDescription, SourceCapabilities } from '../../../shared/capabilities'
import { QsError } from '../../../shared/errors'
import { ORIGIN_HEADER } from '../../../shared/replay'
import type { SourceRef } from '../../../shared/source-ref'
import type { OriginRoutes, ReadMessage, ReplayRouting } from '../replay'
import { recordedOrigin } from '../origin-header'

const BROWSE_REQUEUES = 'Browsing takes each message and puts it back: RabbitMQ marks it redelivered and may reorder the queue.'

const classicQueue: SourceCapabilities = {
  tabs: ['messages', 'chart', 'publish', 'details'],
  purge: true,
  replayFrom: null,
  hasOrigin: true,
  browseNotice: BROWSE_REQUEUES,
}

export const RABBITMQ_DESCRIPTION: BrokerDescription = {
  label: 'RabbitMQ',
  sources: {
    queue: classicQueue,
    'queue:quorum': {
      ...classicQueue,
      browseNotice: `${BROWSE_REQUEUES} On a quorum queue with a delivery limit, each browse also spends one delivery attempt per message.`,
    },
    // A stream keeps its messages: read by offset, nothing to purge, and a live tail.
    'queue:stream': { tabs: ['messages', 'live', 'chart', 'publish', 'details'], purge: false, replayFrom: null, hasOrigin: true, browseNotice: null },
    exchange: {
      tabs: ['publish', 'live', 'details'],
      purge: false,
      replayFrom: 'Exchanges hold no messages: replay reads from a queue',
      hasOrigin: false,
      browseNotice: null,
    },
  },
  replayTargets: [
    { kind: 'queue', label: 'Queue', hint: 'Published through the default exchange straight into the queue.' },
    { kind: 'exchange', label: 'Exchange', hint: 'Published to the exchange; its bindings decide where each message lands.' },
  ],
  origin: {
    label: 'Back to origin (x-death)',
    hint: `Each message goes back where its newest x-death entry says it was dead-lettered from (else to the queue: or exchange: its ${ORIGIN_HEADER} header names); one with neither fails and stays.`,
  },
}

/** A queue's class in RABBITMQ_DESCRIPTION: quorum and stream queues differ from classic ones. */
export function queueCapabilities(queueType: string): string | undefined {
  return queueType === 'quorum' || queueType === 'stream' ? `queue:${queueType}` : undefined
}

const TAKES = 'a RabbitMQ connection takes queue:<name> or exchange:<name>'

export const rabbitRouting: ReplayRouting = {
  targetRoute(target: SourceRef, routingKey: string | null) {
    if (target.kind === 'queue') return { exchange: '', routingKey: target.name }
    if (target.kind === 'exchange') return { exchange: target.name, routingKey }
    throw new QsError('BAD_REQUEST', `${TAKES}, not ${target.kind}:…`)
  },

  /** The newest x-death's exchange and routing keys, else a qs-origin of `queue:` or `exchange:` (keeping the message's routing key). */
  originRoutes(message: ReadMessage): OriginRoutes {
    const newest = message.xDeath?.[0]
    if (newest && newest.routingKeys.length > 0) return { routes: newest.routingKeys.map((routingKey) => ({ exchange: newest.exchange, routingKey })) }
    const origin = recordedOrigin(message, `no x-death header and no ${ORIGIN_HEADER}: the message was not dead-lettered, so it has no origin to go back to`)
    if ('reason' in origin) return origin
    const { ref, text } = origin
    if (ref.kind === 'queue') return { routes: [{ exchange: '', routingKey: ref.name }] }
    if (ref.kind === 'exchange') return { routes: [{ exchange: ref.name, routingKey: message.routingKey }] }
    return { reason: `${ORIGIN_HEADER} "${text}" cannot be sent back on this connection: ${TAKES}` }
  },

  originTarget: `origin (each message’s x-death, else ${ORIGIN_HEADER})`,
}
