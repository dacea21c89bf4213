import type * as amqp from 'amqplib'
import type { PeekResult, StreamFrom } from '../../../shared/messages'
import { DisplayBudget } from '../message-body'
import type { RabbitLink } from './rabbitmq.connection'
import { browseTag, FIRST_DELIVERY_WAIT_MS, NEXT_DELIVERY_WAIT_MS, streamOffsetOf, toPeekedMessage, type PreparedChannel } from './rabbitmq.peeked'
import { belowStart } from './rabbitmq.read-support'

/**
 * Stream queues: no basic.get; an offset consumer with prefetch, cancelled once the page is full
 * or idle. On a stream an ack only returns credit; nothing is removed.
 */
export function browseStream(
  link: RabbitLink,
  name: string,
  count: number,
  from: StreamFrom,
  warnings: string[],
  prepared?: PreparedChannel,
): Promise<PeekResult> {
  const { channels } = link
  return channels.run(
    name,
    async (ch) => {
      await channels.step(ch.prefetch(Math.min(count, 65_535)), name, 'basic.qos')
      const offsetArg = from.type === 'offset' ? from.value : from.type === 'timestamp' ? { '!': 'timestamp', value: Math.floor(from.value / 1000) } : from.type
      const collected: amqp.ConsumeMessage[] = []
      const consumerTag = browseTag()
      await new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout = setTimeout(resolve, FIRST_DELIVERY_WAIT_MS)
        const finish = (): void => {
          clearTimeout(timer)
          resolve()
        }
        ch.consume(
          name,
          (message) => {
            if (message === null) return finish() // cancelled by the broker (queue deleted)
            const offset = streamOffsetOf(message)
            // The broker starts at the chunk holding the offset; skip anything before it.
            if (from.type === 'offset' && belowStart(offset, from.value)) {
              ch.ack(message)
              return
            }
            if (collected.length >= count) return
            collected.push(message)
            if (collected.length >= count) return finish()
            clearTimeout(timer)
            timer = setTimeout(resolve, NEXT_DELIVERY_WAIT_MS)
          },
          { noAck: false, consumerTag, arguments: { 'x-stream-offset': offsetArg } },
        ).catch((err: unknown) => {
          clearTimeout(timer)
          reject(err)
        })
      })
      await channels.step(ch.cancel(consumerTag), name, 'basic.cancel')
      ch.ackAll()
      if (from.type === 'timestamp')
        warnings.push('a stream starts from the first chunk written at or after the timestamp (whole seconds), so a few earlier messages may show')
      const budget = new DisplayBudget()
      return {
        messages: collected.slice(0, count).map((m) => {
          const offset = streamOffsetOf(m)
          return toPeekedMessage(m, offset === undefined ? '?' : String(offset), budget)
        }),
        warnings,
      }
    },
    { channel: prepared?.channel },
  )
}
