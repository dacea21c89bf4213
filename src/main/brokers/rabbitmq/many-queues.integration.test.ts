/**
 * 10,000 queues: the overview lists them all (paged) and filtering by name is server-side. The
 * listing comes in pages of at most 500, so the first screen needs one request.
 */
import * as amqp from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../../../test-support/brokers'
import { RabbitMqAdapter } from './rabbitmq.adapter'

const QUEUES = 10_000
const name = (i: number) => `q.${String(i).padStart(5, '0')}`

describe('10,000 queues (real broker)', () => {
  let vhost: TestVhost
  let adapter: RabbitMqAdapter

  beforeAll(async () => {
    vhost = await createTestVhost('many-queues')
    const connection = await amqp.connect(vhost.url)
    const channel = await connection.createChannel()
    const pending: Promise<unknown>[] = []
    for (let i = 0; i < QUEUES; i++) {
      pending.push(channel.assertQueue(name(i), { durable: false }))
      if (pending.length >= 500) await Promise.all(pending.splice(0))
    }
    await Promise.all(pending)
    await connection.close()
    const { target, password } = parseConnectionUrl(vhost.url, { managementUrl: MANAGEMENT_URL })
    if (target.broker !== 'rabbitmq') throw new Error('expected RabbitMQ')
    adapter = new RabbitMqAdapter(target, password)
    await adapter.connect()
    // the management API learns of new queues asynchronously
    for (let i = 0; i < 120 && (await adapter.listSources({ page: 1, pageSize: 1 })).paging?.total !== QUEUES; i++) {
      await new Promise((r) => setTimeout(r, 500))
    }
  }, 180_000)

  afterAll(async () => {
    await adapter?.close()
    await vhost?.remove()
  }, 120_000)

  it('serves the first screen from one page of 500, and says how many there are', async () => {
    const first = await adapter.listSources({ page: 1 })
    const queues = first.items.filter((i) => i.kind === 'queue')
    expect(queues).toHaveLength(500)
    expect(queues[0]!.name).toBe(name(0))
    expect(first.paging).toEqual({ page: 1, pageCount: 20, pageSize: 500, total: QUEUES })
    expect(first.items.some((i) => i.kind === 'exchange' && i.name === 'amq.topic')).toBe(true)
  })

  it('lists every queue exactly once across the pages, and all at once', async () => {
    const seen = new Set<string>()
    for (let page = 1; page <= 20; page++) {
      const { items } = await adapter.listSources({ page })
      for (const item of items) if (item.kind === 'queue') seen.add(item.name)
      if (page > 1) expect(items.some((i) => i.kind === 'exchange')).toBe(false)
    }
    expect(seen.size).toBe(QUEUES)
    const all = await adapter.listSources()
    expect(all.items.filter((i) => i.kind === 'queue')).toHaveLength(QUEUES)
  })

  it('filters by name on the server', async () => {
    const { items, paging } = await adapter.listSources({ filter: 'q.0999', page: 1 })
    // "q.0999" is in q.09990 … q.09999 only (q.00999 reads "q.00999")
    expect(items.filter((i) => i.kind === 'queue').map((i) => i.name)).toEqual(Array.from({ length: 10 }, (_, k) => name(9990 + k)))
    expect(paging).toMatchObject({ total: 10, pageCount: 1 })
  })
})
