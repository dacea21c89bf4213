import type * as amqp from 'amqplib'
import type { PeekResult } from '../../../shared/messages'
import { DisplayBudget } from '../message-body'
import type { RabbitLink } from './rabbitmq.connection'
import { browseTag, FIRST_DELIVERY_WAIT_MS, NEXT_DELIVERY_WAIT_MS, REQUEUE_WARNING, toPeekedMessage, type PreparedChannel } from './rabbitmq.peeked'

/**
 * Classic queues: on a throw-away channel, a passive declare says how many are ready, then a
 * consumer with prefetch = that many (at most `count`) receives them in queue order; all are
 * returned with one nack(requeue). Anything delivered after we stop (a consumer took some
 * meanwhile) is returned when the channel closes: nothing is ever acked. A classic queue has no
 * delivery limit to watch message by message, so one prefetch-limited consumer replaces N
 * basic.get round trips.
 */
export function browseClassic(link: RabbitLink, name: string, count: number, warnings: string[], prepared?: PreparedChannel): Promise<PeekResult> {
  const { channels } = link
  return channels.run(
    name,
    async (ch) => {
      const { messageCount } = await channels.step(prepared?.declared ?? ch.checkQueue(name), name, 'a passive declare')
      const expected = Math.min(count, messageCount)
      if (expected === 0) return { messages: [], warnings }
      await channels.step(ch.prefetch(expected), name, 'basic.qos')
      const received: amqp.ConsumeMessage[] = []
      // Our own tag: a delivery can arrive in the same read as consume-ok, before its promise settles.
      const consumerTag = browseTag()
      await new Promise<void>((resolve, reject) => {
        // Other consumers may take messages between the declare and our consume: stop when idle.
        let idle: NodeJS.Timeout = setTimeout(resolve, FIRST_DELIVERY_WAIT_MS)
        ch.consume(
          name,
          (message) => {
            if (message === null) {
              clearTimeout(idle)
              resolve()
              return
            }
            received.push(message)
            clearTimeout(idle)
            if (received.length >= expected) resolve()
            else idle = setTimeout(resolve, NEXT_DELIVERY_WAIT_MS)
          },
          { noAck: false, consumerTag },
        ).catch((err: unknown) => {
          clearTimeout(idle)
          reject(err)
        })
      })
      // Not awaited: the cancel goes out before the nack (frames keep their order on a channel),
      // so nothing is redelivered to us, and the reply is waited for while the channel closes.
      ch.cancel(consumerTag).catch(() => undefined)
      const last = received.at(-1)
      if (last) ch.nack(last, true, true)
      if (received.length > 0) warnings.push(REQUEUE_WARNING)
      const budget = new DisplayBudget()
      return { messages: received.map((m, i) => toPeekedMessage(m, String(i + 1), budget)), warnings }
    },
    { settleInBackground: true, channel: prepared?.channel },
  )
}
