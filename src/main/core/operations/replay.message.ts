/**
 * What a replay does to one message, apart from moving it: its label in reports, its routes as
 * reports show them, and the headers every replayed message carries. (Its way back to its origin
 * is the target broker's: ReplayRouting.originRoutes.)
 */
import type { ReplayItem } from '../../../shared/replay'
import { formatSourceRef, type SourceRef } from '../../../shared/source-ref'
import type { ReadMessage, ReplayMessage, Route } from '../../brokers/replay'

export const REPLAYED_FROM_HEADER = 'qs-replayed-from'
export const REPLAY_COUNT_HEADER = 'qs-replay-count'

/** Where a message went, as reports show it. */
export type RouteLabel = Pick<ReplayItem, 'exchange' | 'routingKeys' | 'target'>

/** The message's id for reports and the journal: its message-id property, else the source's id. */
export function messageLabel(message: ReadMessage): string {
  return message.properties.messageId ?? `#${message.id}`
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
