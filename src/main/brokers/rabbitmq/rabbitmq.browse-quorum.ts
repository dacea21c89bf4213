import type * as amqp from 'amqplib'
import type { QsError } from '../../../shared/errors'
import type { PeekRequestParsed, PeekResult } from '../../../shared/messages'
import { DisplayBudget } from '../message-body'
import type { ReadConsent } from '../read-purpose'
import { admitRead, deliveryAtRisk, deliveryCountOf, rememberQuorum } from './delivery-limit'
import type { RabbitLink } from './rabbitmq.connection'
import { describeMessage, REQUEUE_WARNING, toPeekedMessage, type PreparedChannel } from './rabbitmq.peeked'
import { limitedQueue, type QueueInfo } from './rabbitmq.queue-info'

/**
 * Quorum (and unknown-type) queues: basic.get up to `count` on a throw-away channel, then
 * nack(requeue) them all at once. A queue with a delivery limit follows the read rule
 * (delivery-limit.ts): admitted first, and the page stops at the first message one attempt from
 * the limit. Without the management API (`info` null) the gets run on a connection of their own:
 * a stream refuses basic.get by closing the whole connection.
 */
export function browseQuorum(
  link: RabbitLink,
  name: string,
  request: PeekRequestParsed,
  consent: ReadConsent,
  info: QueueInfo | null,
  warnings: string[],
  prepared?: PreparedChannel,
): Promise<PeekResult> {
  const { channels } = link
  const limited = limitedQueue(link, name, info)
  if (limited) admitRead(limited, consent, 'browse')
  return channels.run(
    name,
    async (ch) => {
      const fetched: amqp.GetMessage[] = []
      let atRisk: QsError | null = null
      let sawDeliveryCount = false
      while (fetched.length < request.count) {
        const message = await channels.step(ch.get(name, { noAck: false }), name, 'basic.get')
        if (message === false) break
        fetched.push(message)
        const headers = message.properties.headers as Record<string, unknown> | undefined
        if (headers && 'x-delivery-count' in headers) sawDeliveryCount = true
        // Stop fetching at once: every further get spends an attempt on another message too.
        atRisk = limited ? deliveryAtRisk(limited, deliveryCountOf(headers), describeMessage(message, fetched.length), 'browse') : null
        if (atRisk) break
        // Type unknown and it carries x-delivery-count: a quorum queue, limit unknown. Without the
        // user's say, stop here (from now on the rule decides before anything is fetched).
        if (!info && sawDeliveryCount && !limited && !(consent.acceptDeliveryLimitRisk && !consent.readOnly)) break
      }
      const last = fetched.at(-1)
      // All together, never reject: the throw-away channel holds nothing else.
      if (last) ch.nack(last, true, true)
      if (atRisk) throw atRisk

      if (!info && sawDeliveryCount && !limited) {
        rememberQuorum(link.queueKey(name))
        // The first time the page read so far is refused after the fact (it spent an attempt on
        // the messages fetched); from now on the rule asks before anything is fetched.
        admitRead(limitedQueue(link, name, info)!, consent, 'browse')
      }

      if (fetched.length > 0) warnings.push(REQUEUE_WARNING)
      const limit = limited?.limit ?? null
      if (limit !== null && fetched.length > 0) {
        const highest = Math.max(...fetched.map((m) => deliveryCountOf(m.properties.headers as Record<string, unknown> | undefined)))
        warnings.push(`this browse spent one delivery attempt per message shown: the highest delivery count is now ${highest + 1} of a limit of ${limit}`)
      }
      const budget = new DisplayBudget()
      return { messages: fetched.map((m, i) => toPeekedMessage(m, String(i + 1), budget)), warnings }
    },
    info === null ? { ownConnection: true } : { channel: prepared?.channel },
  )
}
