/**
 * Many queues in one vhost: the overview lists them all (paged) and filtering by name is
 * server-side. The listing comes in pages of at most 500, so the first screen needs one request.
 * The integration suite runs it with a few pages of queues, the soak tier with 10,000.
 */
import * as amqp from 'amqplib'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { parseConnectionUrl } from '../shared/connection-url'
import { RabbitMqAdapter } from '../main/brokers/rabbitmq/rabbitmq.adapter'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from './brokers'

const PAGE_SIZE = 500

export function describeManyQueues(queues: number): void {
  if (queues < PAGE_SIZE + 10) throw new Error(`more than a page of queues, please (${queues})`)
  const name = (i: number) => `q.${String(i).padStart(5, '0')}`
  const pageCount = Math.ceil(queues / PAGE_SIZE)

  describe(`${queues.toLocaleString('en-US')} queues (real broker)`, () => {
    let vhost: TestVhost
    let adapter: RabbitMqAdapter

    beforeAll(async () => {
      vhost = await createTestVhost('many-queues')
      const connection = await amqp.connect(vhost.url)
      const channel = await connection.createChannel()
      const pending: Promise<unknown>[] = []
      for (let i = 0; i < queues; i++) {
        pending.push(channel.assertQueue(name(i), { durable: false }))
        if (pending.length >= 500) await Promise.all(pending.splice(0))
      }
      await Promise.all(pending)
      await connection.close()
      const { target, password } = parseConnectionUrl(vhost.url, { managementUrl: MANAGEMENT_URL })
      if (target.broker !== 'rabbitmq') throw new Error('expected RabbitMQ')
      adapter = new RabbitMqAdapter(target, password)
      await adapter.connect()
      // The management API learns of new queues asynchronously.
      // (vi.waitFor, not expect.poll: this runs in a hook, outside any test.)
      await vi.waitFor(async () => expect((await adapter.listSources({ page: 1, pageSize: 1 })).paging?.total).toBe(queues), { timeout: 60_000, interval: 250 })
    }, 180_000)

    afterAll(async () => {
      await adapter?.close()
      await vhost?.remove()
    }, 120_000)

    it(`serves the first screen from one page of ${PAGE_SIZE}, and says how many there are`, async () => {
      const first = await adapter.listSources({ page: 1 })
      const listed = first.items.filter((i) => i.kind === 'queue')
      expect(listed).toHaveLength(PAGE_SIZE)
      expect(listed[0]!.name).toBe(name(0))
      expect(first.paging).toEqual({ page: 1, pageCount, pageSize: PAGE_SIZE, total: queues })
      expect(first.items.some((i) => i.kind === 'exchange' && i.name === 'amq.topic')).toBe(true)
    })

    it('lists every queue exactly once across the pages, and all at once', async () => {
      const seen = new Set<string>()
      for (let page = 1; page <= pageCount; page++) {
        const { items } = await adapter.listSources({ page })
        for (const item of items) if (item.kind === 'queue') seen.add(item.name)
        if (page > 1) expect(items.some((i) => i.kind === 'exchange')).toBe(false)
      }
      expect(seen.size).toBe(queues)
      const all = await adapter.listSources()
      expect(all.items.filter((i) => i.kind === 'queue')).toHaveLength(queues)
    })

    it('filters by name on the server', async () => {
      // The last ten names share a prefix no other name has (with 10,000: "q.0999" is in
      // q.09990 … q.09999 only; q.00999 reads "q.00999").
      const last = queues - (queues % 10 || 10)
      const filter = name(last).slice(0, -1)
      const { items, paging } = await adapter.listSources({ filter, page: 1 })
      expect(items.filter((i) => i.kind === 'queue').map((i) => i.name)).toEqual(Array.from({ length: queues - last }, (_, k) => name(last + k)))
      expect(paging).toMatchObject({ total: queues - last, pageCount: 1 })
    })
  })
}
