/**
 * Benchmark: list 10,000 queues. Queuescope's listing (management API, paged at 500 with
 * only the needed columns, queues and exchanges) against fetching the same queue pages straight
 * from the management API in the same run.
 */
import * as amqp from 'amqplib'
import { parseConnectionUrl } from '../src/shared/connection-url'
import { RabbitMqAdapter } from '../src/main/brokers/rabbitmq/rabbitmq.adapter'
import { createTestVhost, MANAGEMENT_URL } from '../src/test-support/brokers'
import { measure, type ComparisonRow } from './support'

const QUEUES = Number(process.env['QS_BENCH_QUEUES'] ?? 10_000)
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`

export async function benchListQueues(log: (line: string) => void): Promise<ComparisonRow[]> {
  const vhost = await createTestVhost('bench-list')
  try {
    log(`creating ${QUEUES.toLocaleString('en-US')} queues in vhost ${vhost.name}…`)
    const connection = await amqp.connect(vhost.url)
    const channel = await connection.createChannel()
    const pending: Promise<unknown>[] = []
    for (let i = 0; i < QUEUES; i++) {
      pending.push(channel.assertQueue(`bench.q.${String(i).padStart(5, '0')}`, { durable: false }))
      if (pending.length >= 500) await Promise.all(pending.splice(0))
    }
    await Promise.all(pending)
    await connection.close()

    const path = encodeURIComponent(vhost.name)
    const columns = 'name,type,messages,messages_ready,messages_unacknowledged,consumers,state,durable,arguments'
    const rawAllPages = async () => {
      let total = 0
      for (let page = 1; ; page++) {
        const response = await fetch(`${MANAGEMENT_URL}/api/queues/${path}?page=${page}&page_size=500&columns=${columns}`, { headers: { authorization: AUTH } })
        const body = (await response.json()) as { page_count: number; items: unknown[] }
        total += body.items.length
        if (page >= body.page_count) return total
      }
    }
    // The management API learns about new queues asynchronously: wait until it lists them all.
    for (let i = 0; i < 120 && (await rawAllPages()) < QUEUES; i++) await new Promise((r) => setTimeout(r, 500))

    const { target, password } = parseConnectionUrl(vhost.url, { managementUrl: MANAGEMENT_URL })
    if (target.broker !== 'rabbitmq') throw new Error('expected RabbitMQ')
    const adapter = new RabbitMqAdapter(target, password)
    await adapter.connect()
    try {
      const listed = (await adapter.listSources()).items.filter((i) => i.kind === 'queue').length
      if (listed !== QUEUES) throw new Error(`Queuescope listed ${listed} queues, expected ${QUEUES}`)
      const rawFirstPage = async () => {
        const response = await fetch(`${MANAGEMENT_URL}/api/queues/${path}?page=1&page_size=500&columns=${columns}`, { headers: { authorization: AUTH } })
        return response.json()
      }
      const firstReference = await measure('raw management API, page 1', 5, rawFirstPage)
      const firstQueuescope = await measure('Queuescope sources:list page 1', 5, () => adapter.listSources({ page: 1 }))
      const reference = await measure('raw management API, same pages', 5, rawAllPages)
      const queuescope = await measure('Queuescope sources:list', 5, () => adapter.listSources())
      return [
        {
          benchmark: `first screen of ${QUEUES.toLocaleString('en-US')} queues (page 1 of 500, + exchanges)`,
          queuescope: firstQueuescope,
          reference: firstReference,
          target: '≤ 1.2× (one page, plus exchanges in parallel)',
        },
        {
          benchmark: `full list of ${QUEUES.toLocaleString('en-US')} queues (+ exchanges)`,
          queuescope,
          reference,
          target: '≤ 1.1× (the same pages, plus exchanges in parallel)',
        },
      ]
    } finally {
      await adapter.close()
    }
  } finally {
    await vhost.remove()
  }
}
