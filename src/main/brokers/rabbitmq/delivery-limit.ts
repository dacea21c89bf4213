/**
 * Quorum-queue delivery limits (BROKER-NOTES.md "Quorum queues"). Browsing returns each message
 * with nack(requeue); RabbitMQ before 4.3 counts every such return as a delivery attempt, and past
 * the limit the broker drops or dead-letters the message. Browsing must never do that.
 */

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
