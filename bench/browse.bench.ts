/**
 * Benchmark: browse the first 100 messages of a queue holding 1,000,000, against the
 * management API's own `/get` (ackmode ack_requeue_true) of the same 100 in the same run.
 * Target: not slower than it.
 */
import * as amqp from 'amqplib'
import { parseConnectionUrl } from '../src/shared/connection-url'
import { peekRequestSchema } from '../src/shared/messages'
import { RabbitMqAdapter } from '../src/main/brokers/rabbitmq/rabbitmq.adapter'
import { createTestVhost, MANAGEMENT_URL } from '../src/test-support/brokers'
import { measure, type ComparisonRow } from './support'

const MESSAGES = Number(process.env['QS_BENCH_BROWSE_MESSAGES'] ?? 1_000_000)
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`

export async function benchBrowse(log: (line: string) => void): Promise<ComparisonRow[]> {
  const vhost = await createTestVhost('bench-browse')
  try {
    log(`publishing ${MESSAGES.toLocaleString('en-US')} messages into vhost ${vhost.name}…`)
    const connection = await amqp.connect(vhost.url)
    const channel = await connection.createConfirmChannel()
    await channel.assertQueue('big', { durable: false })
    const body = Buffer.from(JSON.stringify({ order: 0, sku: 'SKU-0000', note: 'x'.repeat(60) }))
    for (let sent = 0; sent < MESSAGES;) {
      const batch = Math.min(10_000, MESSAGES - sent)
      for (let i = 0; i < batch; i++) {
        if (!channel.sendToQueue('big', body, { messageId: String(sent + i), contentType: 'application/json' })) {
          await new Promise((resolve) => channel.once('drain', resolve))
        }
      }
      await channel.waitForConfirms()
      sent += batch
    }
    await connection.close()

    const { target, password } = parseConnectionUrl(vhost.url, { managementUrl: MANAGEMENT_URL })
    if (target.broker !== 'rabbitmq') throw new Error('expected RabbitMQ')
    const adapter = new RabbitMqAdapter(target, password)
    await adapter.connect()
    try {
      const request = peekRequestSchema.parse({ connectionId: 'bench', source: 'queue:big', count: 100 })
      const peek = async () => {
        const { messages } = await adapter.peek(request)
        if (messages.length !== 100) throw new Error(`peek returned ${messages.length} messages`)
      }
      const managementGet = async () => {
        const response = await fetch(`${MANAGEMENT_URL}/api/queues/${encodeURIComponent(vhost.name)}/big/get`, {
          method: 'POST',
          headers: { authorization: AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ count: 100, ackmode: 'ack_requeue_true', encoding: 'auto', truncate: 50_000 }),
        })
        const messages = (await response.json()) as unknown[]
        if (messages.length !== 100) throw new Error(`/get returned ${messages.length} messages`)
      }
      // 500 ms between browses (untimed) on both sides: a user's next click, not a tight loop.
      const reference = await measure('management API /get, ack_requeue_true', 7, managementGet, 500)
      const queuescope = await measure('Queuescope messages:peek', 7, peek, 500)
      return [
        {
          benchmark: `browse the first 100 of ${MESSAGES.toLocaleString('en-US')} messages`,
          queuescope,
          reference,
          target: '≤ 1.0× (not slower than the management API)',
        },
      ]
    } finally {
      await adapter.close()
    }
  } finally {
    await vhost.remove()
  }
}
