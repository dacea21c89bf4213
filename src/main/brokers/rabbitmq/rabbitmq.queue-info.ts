import { QsError } from '../../../shared/errors'
import { effectiveDeliveryLimit, isKnownQuorum, rememberQuorum, type LimitedQueue } from './delivery-limit'
import { vhostPath, type ManagementQueue } from './management.client'
import type { RabbitLink } from './rabbitmq.connection'

/** What the management API says of one queue, as browsing, reading and purging need it. */
export interface QueueInfo {
  type: string
  /** Quorum queues: the limit that applies; null when none does. */
  deliveryLimit: number | null
  messages: number | null
  messageBytes: number | null
  /** Delivered to consumers and not acknowledged yet (the management API's statistics: up to 5 s old). */
  unacked: number | null
}

/** The queue's type and delivery limit from the management API; null when it is unavailable. */
export async function queueInfo(link: RabbitLink, name: string, warnings: string[]): Promise<QueueInfo | null> {
  let q: ManagementQueue
  try {
    q = await link.management.get<ManagementQueue>(`/queues/${vhostPath(link.target.vhost)}/${encodeURIComponent(name)}`)
  } catch (err) {
    if (err instanceof QsError && err.code === 'NOT_FOUND') throw link.channels.missingQueue(name, err.message)
    if (err instanceof QsError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'AUTH_FAILED')) {
      warnings.push(`the management API is unavailable (${err.message}), so the queue type and any delivery limit are unknown`)
      return null
    }
    throw err
  }
  const type = q.type ?? 'classic'
  const policy = q.effective_policy_definition
  const deliveryLimit =
    type === 'quorum'
      ? effectiveDeliveryLimit({
          arguments: q.arguments ?? {},
          effectivePolicy: policy && !Array.isArray(policy) ? policy : {},
          reported: q.delivery_limit,
          serverMajor: link.serverMajor,
        })
      : null
  return { type, deliveryLimit, messages: q.messages ?? null, messageBytes: q.message_bytes ?? null, unacked: q.messages_unacknowledged ?? null }
}

/**
 * The queue as the delivery-limit rule sees it: a quorum queue with a limit (from the management
 * API), or one known to be quorum without a known limit (no management API, but a read saw
 * x-delivery-count); null when returning a message can never drop it.
 */
export function limitedQueue(link: RabbitLink, name: string, info: QueueInfo | null): LimitedQueue | null {
  const key = link.queueKey(name)
  if (info) return info.type === 'quorum' && info.deliveryLimit !== null ? { name, limit: info.deliveryLimit, key, serverMajor: link.serverMajor } : null
  return isKnownQuorum(key) ? { name, limit: null, key, serverMajor: link.serverMajor } : null
}

/**
 * Queues the no-management probe found to be streams, process-wide: a queue's type never changes
 * while it exists, and each probe of a queue takes its head message and gives it back.
 */
const probedStreams = new Map<string, boolean>()

/**
 * Whether a queue is a stream, when the management API cannot say. Over AMQP a stream looks like
 * any queue: its message count is 0 until the broker's stream statistics first come in (every
 * 5 s), its length after. Read as a classic queue it goes wrong either way: a count of 0 ends a
 * replay or export at once, and a consumer without `x-stream-offset` starts at the stream's end
 * and reads nothing. A stream refuses basic.get by closing the whole connection (540), so one
 * basic.get on a connection of its own tells. On a classic or quorum queue that get takes the
 * head message, which goes straight back (requeued, as a browse returns its messages: marked
 * redelivered, and on a quorum queue one delivery attempt); the replay or export that follows
 * reads it again anyway.
 */
export async function streamWithoutManagement(link: RabbitLink, name: string): Promise<boolean> {
  const key = link.queueKey(name)
  const known = probedStreams.get(key)
  if (known !== undefined) return known
  // A queue known to be quorum is not probed again: the get would spend another attempt.
  if (isKnownQuorum(key)) return false
  let stream: boolean
  try {
    stream = await link.channels.run(
      name,
      async (ch) => {
        const got = await link.channels.step(ch.get(name, { noAck: false }), name, 'basic.get')
        if (got) {
          ch.nack(got, false, true)
          // x-delivery-count: a quorum queue, whose limit the rule must weigh before any read.
          const headers = got.properties.headers as Record<string, unknown> | undefined
          if (headers && 'x-delivery-count' in headers) rememberQuorum(key)
        }
        return false
      },
      { ownConnection: true },
    )
  } catch (err) {
    if (!(err instanceof QsError && err.code === 'UNSUPPORTED' && /basic\.get not supported by stream/i.test(String(err.detail)))) throw err
    stream = true
  }
  // Only a stream is remembered: a queue found empty may turn out to be quorum later.
  if (stream) probedStreams.set(key, true)
  return stream
}
