/**
 * Quorum-queue delivery limits. Every read that does not consume (browse, export, dry run, copy)
 * gives its messages back with nack(requeue); RabbitMQ 3.x counts every such return as a delivery
 * attempt (4.0-4.2 may too), and past the limit the broker drops or dead-letters the message. A
 * read must never do that without the user's say, and never on a read-only profile: this file is
 * the one rule every read path follows.
 */
import { QsError } from '../../../shared/errors'
import type { ReadConsent, ReadPurpose } from '../read-purpose'

/** RabbitMQ 4.0+ applies this limit to every quorum queue that sets none. */
export const DEFAULT_DELIVERY_LIMIT_4X = 20

export interface QuorumLimitSources {
  /** The queue's declared arguments (`x-delivery-limit`). */
  arguments: Record<string, unknown>
  /** The management API's effective_policy_definition (`delivery-limit`), policy and operator policy merged. */
  effectivePolicy: Record<string, unknown>
  /** RabbitMQ 4.x reports the limit it applies as `delivery_limit` on the queue. */
  reported?: unknown
  /** Major version of the broker, e.g. 3 or 4. */
  serverMajor: number
}

function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/**
 * The delivery limit that applies, or null when none does (unlimited). Where an argument and a
 * policy both set one, the broker applies the lower; we do the same, so we never under-estimate.
 */
export function effectiveDeliveryLimit(sources: QuorumLimitSources): number | null {
  const values = [sources.arguments['x-delivery-limit'], sources.effectivePolicy['delivery-limit'], sources.reported]
    .map(asNumber)
    .filter((v): v is number => v !== null)
  const limits = values.filter((v) => v >= 0)
  if (limits.length > 0) return Math.min(...limits)
  if (values.length > 0) return null // only -1 (or another negative): explicitly unlimited
  return sources.serverMajor >= 4 ? DEFAULT_DELIVERY_LIMIT_4X : null
}

export interface AtRisk {
  /** 1-based position in the page. */
  position: number
  deliveryCount: number
}

/**
 * Whether returning a message fetched with `deliveryCount` could bring it to the limit: after our
 * nack its count is deliveryCount + 1, and the browse after that would push it past the limit.
 * So the browse is refused as soon as deliveryCount + 1 reaches the limit.
 */
export function couldReachLimit(deliveryCount: number, limit: number): boolean {
  return deliveryCount + 1 >= limit
}

/** The `x-delivery-count` header as a count (absent on a first delivery). */
export function deliveryCountOf(headers: Record<string, unknown> | undefined): number {
  const raw = headers?.['x-delivery-count']
  const n = typeof raw === 'bigint' ? Number(raw) : raw
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0
}

/** A quorum queue that drops or dead-letters a message returned too often. */
export interface LimitedQueue {
  name: string
  /** The limit, or null when the queue is known to be quorum but its limit is not (no management API). */
  limit: number | null
  /** Broker, vhost and queue: what the refusal latch remembers. */
  key: string
  /** Major version of the broker (4.0-4.2 may count only some returns; 3.x counts every one). */
  serverMajor: number
}

/**
 * Quorum queues where a read stopped because the next one could push a message past its limit.
 * Process-wide (a reconnect builds a fresh adapter): once a read stopped there, later reads are
 * refused *before* fetching, because fetching that message again is what would spend its last
 * attempt. Cleared only by restarting Queuescope.
 */
const latchedQueues = new Map<string, string>()

export function limitedQueueKey(host: string, port: number, vhost: string, queue: string): string {
  return `${host}:${port}/${vhost}/${queue}`
}

function describeQueue(queue: LimitedQueue): string {
  return queue.limit === null
    ? `"${queue.name}" is a quorum queue whose delivery limit is unknown (the management API is unavailable)`
    : `quorum queue "${queue.name}" has a delivery limit of ${queue.limit}`
}

/**
 * The one rule for every read of a quorum queue with a delivery limit (browse, export, dry run,
 * copy, a move that gives some back): refused when an earlier read stopped there, when no return
 * is ever safe (limit 0), on a read-only profile, and unless the user accepted that the read spends
 * one attempt per message it gives back. Throws the refusal; returns when the read may go ahead.
 */
export function admitRead(queue: LimitedQueue, consent: ReadConsent, purpose: ReadPurpose): void {
  if (purpose === 'consume') return // nothing is given back by design; a failure's return is the price of a move
  const latched = latchedQueues.get(queue.key)
  if (latched) throw new QsError('UNSUPPORTED', latched, { reason: 'delivery-limit', deliveryLimit: queue.limit, latched: true })
  const what = describeQueue(queue)
  if (queue.limit !== null && queue.limit < 1) {
    throw new QsError('UNSUPPORTED', `${what}: a returned message would be dropped or dead-lettered at once, so no ${purpose} is possible`, {
      reason: 'delivery-limit',
      deliveryLimit: queue.limit,
    })
  }
  const spends = `a ${purpose} gives back every message it reads${purpose === 'move' ? ' and does not move' : ''} with nack(requeue), which ${queue.serverMajor >= 4 ? 'may count' : 'counts'} as a delivery attempt, and past the limit RabbitMQ drops or dead-letters a message`
  if (consent.readOnly) {
    throw new QsError('READ_ONLY', `refused: ${what}, and ${spends}; a read-only profile never spends delivery attempts`, {
      reason: 'delivery-limit',
      deliveryLimit: queue.limit,
      requiresAcceptance: false,
    })
  }
  if (!consent.acceptDeliveryLimitRisk) {
    throw new QsError(
      'UNSUPPORTED',
      `${what}: ${spends}. Go ahead only if you accept that each ${purpose} spends one attempt per message it gives back (Queuescope stops at the first message one attempt from the limit).`,
      { reason: 'delivery-limit', deliveryLimit: queue.limit, requiresAcceptance: true },
    )
  }
}

/**
 * Checks one fetched message. When returning it could bring it to the limit, the queue is latched
 * and the refusal that ends the read comes back (the caller stops fetching at once: every further
 * fetch spends an attempt on another message too); else null.
 */
export function deliveryAtRisk(queue: LimitedQueue, deliveryCount: number, what: string, purpose: ReadPurpose): QsError | null {
  if (queue.limit === null || !couldReachLimit(deliveryCount, queue.limit)) return null
  const limit = queue.limit
  const reason =
    deliveryCount >= limit
      ? `refused: ${what} in quorum queue "${queue.name}" already had delivery count ${deliveryCount} at delivery limit ${limit}; returning it may have made RabbitMQ drop or dead-letter it. Queuescope will not read this queue again until it restarts.`
      : `refused: ${what} in quorum queue "${queue.name}" has delivery count ${deliveryCount} and the delivery limit is ${limit}; it was returned at once (count now ${deliveryCount + 1}), and one more ${purpose} could make RabbitMQ drop or dead-letter it. Consume or move it instead; Queuescope will not read this queue again until it restarts.`
  latchedQueues.set(queue.key, reason)
  return new QsError('UNSUPPORTED', reason, { reason: 'delivery-limit', deliveryLimit: limit, deliveryCount })
}

/**
 * Queues known to be quorum queues although the management API could not say (a read saw
 * x-delivery-count): process-wide, so the next read asks before it fetches anything.
 */
const knownQuorum = new Set<string>()

export function rememberQuorum(key: string): void {
  knownQuorum.add(key)
}

export function isKnownQuorum(key: string): boolean {
  return knownQuorum.has(key)
}
