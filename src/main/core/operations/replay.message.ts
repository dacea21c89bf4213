/**
 * What a replay does to one message, apart from moving it: its label in reports, its routes back
 * to its origin, and the headers every replayed message carries.
 */
import { ORIGIN_HEADER, type ReplayItem } from '../../../shared/replay'
import { formatSourceRef, parseSourceRef, type SourceRef } from '../../../shared/source-ref'
import type { ReadMessage, ReplayMessage, Route } from '../../brokers/replay'

export const REPLAYED_FROM_HEADER = 'qs-replayed-from'
export const REPLAY_COUNT_HEADER = 'qs-replay-count'

/** Where a message went, as reports show it. */
export type RouteLabel = Pick<ReplayItem, 'exchange' | 'routingKeys' | 'target'>

/** The message's id for reports and the journal: its message-id property, else the source's id. */
export function messageLabel(message: ReadMessage): string {
  return message.properties.messageId ?? `#${message.id}`
}

/**
 * Where a message goes back to ("back to origin"), or why it cannot. A RabbitMQ target takes
 * the exchange and routing keys of the newest x-death, else a `qs-origin` of `queue:` (default
 * exchange) or `exchange:` (the message keeps its routing key); a Redis target takes a `qs-origin`
 * of `stream:` or `list:`. The qs-origin rule is in docs/architecture.md ("Message mapping").
 */
export function originRoutes(message: ReadMessage, broker: 'rabbitmq' | 'redis'): { routes: Route[] } | { reason: string } {
  const newest = message.xDeath?.[0]
  if (broker === 'rabbitmq' && newest && newest.routingKeys.length > 0) {
    return { routes: newest.routingKeys.map((routingKey) => ({ exchange: newest.exchange, routingKey })) }
  }
  const recorded = message.headers[ORIGIN_HEADER]
  const text = Buffer.isBuffer(recorded) ? recorded.toString('utf8') : typeof recorded === 'string' ? recorded : ''
  if (text.trim() === '') {
    return {
      reason:
        broker === 'rabbitmq'
          ? `no x-death header and no ${ORIGIN_HEADER}: the message was not dead-lettered, so it has no origin to go back to`
          : `no ${ORIGIN_HEADER} field: the message does not say which stream or list it came from, so it has no origin to go back to`,
    }
  }
  let ref: SourceRef
  try {
    ref = parseSourceRef(text.trim())
  } catch {
    return { reason: `${ORIGIN_HEADER} "${text}" is not <kind>:<name> (stream:<key>, list:<key>, queue:<name> or exchange:<name>)` }
  }
  if (broker === 'redis' && (ref.kind === 'stream' || ref.kind === 'list')) return { routes: [{ exchange: '', routingKey: ref.name, target: ref }] }
  if (broker === 'rabbitmq' && ref.kind === 'queue') return { routes: [{ exchange: '', routingKey: ref.name }] }
  if (broker === 'rabbitmq' && ref.kind === 'exchange') return { routes: [{ exchange: ref.name, routingKey: message.routingKey }] }
  const takes = broker === 'redis' ? 'a Redis connection takes stream:<key> or list:<key>' : 'a RabbitMQ connection takes queue:<name> or exchange:<name>'
  return { reason: `${ORIGIN_HEADER} "${text}" cannot be sent back on this connection: ${takes}` }
}

/** One route to `exchange` with `routingKey`, and the Redis target when there is one (no `target` key otherwise). */
export function fixedRoute(exchange: string, routingKey: string, target: SourceRef | undefined): Route {
  return target ? { exchange, routingKey, target } : { exchange, routingKey }
}

/** Routes as reports show them: a Redis target by its ref, a RabbitMQ one by exchange and routing keys. */
export function routeLabel(routes: readonly Route[]): RouteLabel {
  const target = routes[0]?.target
  if (target) return { exchange: null, routingKeys: [], target: formatSourceRef(target) }
  return { exchange: routes[0]?.exchange ?? null, routingKeys: routes.map((r) => r.routingKey) }
}

/** Body, properties and headers as they came, plus the replay bookkeeping headers (never x-death). */
export function stampReplay(message: ReadMessage, source: string): ReplayMessage {
  const previous = message.headers[REPLAY_COUNT_HEADER]
  const count = typeof previous === 'number' && Number.isFinite(previous) ? previous : Number(previous) || 0
  return {
    body: message.body,
    properties: message.properties,
    headers: { ...message.headers, [REPLAYED_FROM_HEADER]: source, [REPLAY_COUNT_HEADER]: count + 1 },
  }
}
