/**
 * Keeps traffic flowing into every tailed and browsed source for the whole soak, on connections of
 * its own straight to the brokers (not through the proxy the soak cuts), and keeps every source
 * bounded so the brokers' memory stays flat too: queues have x-max-length, streams and lists are
 * trimmed as they grow (replays copy into them as well).
 */
import * as amqp from 'amqplib'
import { Redis } from 'ioredis'
import type { LoadConfig, LoadStats } from './protocol'

const TICK_MS = 100
/** Bound of every queue, stream and list the soak uses. */
const KEEP = 500

export interface Publisher {
  stop(): Promise<void>
}

/** Declares the RabbitMQ topology (the vhost is the soak's own) and starts publishing. */
export async function startPublisher(config: LoadConfig, stats: LoadStats): Promise<Publisher> {
  const { rabbit, redis } = config
  const connection = await amqp.connect(rabbit.url)
  const channel = await connection.createChannel()
  await channel.assertExchange(rabbit.exchange, 'topic', { durable: false })
  for (const queue of [rabbit.queue, rabbit.copyQueue]) await channel.assertQueue(queue, { durable: false, arguments: { 'x-max-length': KEEP } })
  await channel.bindQueue(rabbit.queue, rabbit.exchange, '#')
  const client = new Redis(redis.url, { lazyConnect: true })
  await client.connect()

  let seq = 0
  let busy = false
  const tick = async (): Promise<void> => {
    const count = Math.max(1, Math.round((config.rate * TICK_MS) / 1000))
    const pipeline = client.pipeline()
    for (let i = 0; i < count; i++) {
      const n = seq++
      const body = JSON.stringify({
        order: `o-${n}`,
        customer: `c-${n % 97}`,
        total: (n % 1000) / 10,
        currency: 'EUR',
        items: [{ sku: `sku-${n % 13}`, qty: 1 + (n % 3) }],
      })
      const headers = { tenant: n % 2 === 0 ? 'acme' : 'globex', seq: n }
      channel.publish(rabbit.exchange, `orders.${headers.tenant}`, Buffer.from(body), { contentType: 'application/json', messageId: `m-${n}`, headers })
      pipeline.xadd(redis.stream, 'MAXLEN', '~', KEEP, '*', 'body', body, 'tenant', headers.tenant)
      pipeline.publish(redis.channel, body)
      pipeline.lpush(redis.list, body)
    }
    pipeline.ltrim(redis.list, 0, KEEP - 1)
    pipeline.xtrim(redis.copyStream, 'MAXLEN', '~', KEEP)
    const results = (await pipeline.exec()) ?? []
    stats.published += count * 4
    stats.publishErrors += results.filter(([err]) => err).length
  }
  // One tick at a time: a slow broker makes the publisher slower, never a pile of pipelines.
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    tick()
      .catch(() => stats.publishErrors++)
      .finally(() => (busy = false))
  }, TICK_MS)

  return {
    stop: async () => {
      clearInterval(timer)
      while (busy) await new Promise((resolve) => setTimeout(resolve, 20))
      await channel.close().catch(() => undefined)
      await connection.close().catch(() => undefined)
      client.disconnect()
    },
  }
}
