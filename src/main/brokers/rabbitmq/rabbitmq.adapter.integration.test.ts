import * as amqp from 'amqplib'
import { createServer, type AddressInfo } from 'node:net'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { parseConnectionUrl } from '../../../shared/connection-url'
import type { SourceItem } from '../../../shared/model'
import { publishRequestSchema } from '../../../shared/publish'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../../../test-support/brokers'
import { RabbitMqAdapter } from './rabbitmq.adapter'
import { pollUntil } from '../../../test-support/wait'

function adapterFor(url: string, managementUrl = MANAGEMENT_URL): RabbitMqAdapter {
  const { target, password } = parseConnectionUrl(url, { managementUrl })
  if (target.broker !== 'rabbitmq') throw new Error('not rabbitmq')
  return new RabbitMqAdapter(target, password)
}

describe('RabbitMqAdapter against a real broker', () => {
  let vhost: TestVhost
  let client: amqp.ChannelModel
  let adapter: RabbitMqAdapter
  let info: Awaited<ReturnType<RabbitMqAdapter['connect']>>

  beforeAll(async () => {
    vhost = await createTestVhost('rabbit-adapter')
    // Topology made by another client, not Queuescope.
    client = await amqp.connect(vhost.url)
    const ch = await client.createConfirmChannel()
    await ch.assertExchange('orders.dlx', 'fanout')
    await ch.assertQueue('orders.dlq')
    await ch.bindQueue('orders.dlq', 'orders.dlx', '')
    await ch.assertQueue('orders', { arguments: { 'x-dead-letter-exchange': 'orders.dlx', 'x-dead-letter-routing-key': 'dead' } })
    await ch.assertQueue('invoices', { durable: true, arguments: { 'x-queue-type': 'quorum' } })
    await ch.assertQueue('audit', { durable: true, arguments: { 'x-queue-type': 'stream' } })
    await ch.assertExchange('events', 'topic')
    for (let i = 0; i < 7; i++) ch.sendToQueue('orders', Buffer.from(JSON.stringify({ i })))
    for (let i = 0; i < 3; i++) ch.sendToQueue('invoices', Buffer.from(`invoice ${i}`))
    await ch.waitForConfirms()
    await ch.close()
    adapter = adapterFor(vhost.url)
    info = await adapter.connect()
  })

  afterAll(async () => {
    await adapter?.close()
    await client?.close()
    await vhost?.remove()
  })

  it('connects and names the server', () => {
    expect(info.server).toMatch(/^RabbitMQ \d+\.\d+/)
    expect(info.warnings).toEqual([])
  })

  async function listUntil(predicate: (items: SourceItem[]) => boolean): Promise<SourceItem[]> {
    // The management API's message counts are sampled: wait for the stats to catch up.
    let items: SourceItem[] = []
    try {
      return await pollUntil(
        'the listing to catch up',
        async () => {
          items = (await adapter.listSources()).items
          return predicate(items) ? items : undefined
        },
        { everyMs: 500 },
      )
    } catch {
      return items // the test's own expectation says what was missing
    }
  }

  it('lists every queue with type, exact counts and dead-letter target, and every exchange', async () => {
    // The management API fills in a new queue's statistics in steps: wait for the consumers too.
    const items = await listUntil(
      (all) =>
        all.some((i) => i.kind === 'queue' && i.name === 'orders' && i.messages === 7 && i.consumers !== null) &&
        all.some((i) => i.name === 'invoices' && i.messages === 3),
    )
    const queues = items.filter((i) => i.kind === 'queue')
    expect(queues.map((q) => q.name).sort()).toEqual(['audit', 'invoices', 'orders', 'orders.dlq'])
    expect(queues.find((q) => q.name === 'orders')).toMatchObject({
      queueType: 'classic',
      messages: 7,
      ready: 7,
      unacked: 0,
      consumers: 0,
      deadLetterExchange: 'orders.dlx',
      deadLetterRoutingKey: 'dead',
    })
    expect(queues.find((q) => q.name === 'invoices')).toMatchObject({ queueType: 'quorum', messages: 3 })
    expect(queues.find((q) => q.name === 'audit')).toMatchObject({ queueType: 'stream' })
    const exchanges = items.filter((i) => i.kind === 'exchange')
    expect(exchanges.find((e) => e.name === 'events')).toMatchObject({ exchangeType: 'topic', messages: null, consumers: null })
    expect(exchanges.some((e) => e.name === '')).toBe(true) // the default exchange
  })

  it('samples every queue: counts as numbers, rates as numbers or null (never a fake 0 for missing stats)', async () => {
    const samples = await adapter.sample()
    expect([...samples.keys()].sort()).toEqual(['queue:audit', 'queue:invoices', 'queue:orders', 'queue:orders.dlq'])
    const orders = samples.get('queue:orders')!
    expect(orders).toMatchObject({ ready: expect.any(Number), unacked: 0, consumers: 0 })
    for (const rate of [orders.publishRate, orders.deliverRate, orders.ackRate]) {
      expect(rate === null || typeof rate === 'number').toBe(true)
    }
  })

  it('describes a queue: settings in words, consumers, bindings; and an exchange with its bindings', async () => {
    const ch = await client.createChannel()
    await ch.bindQueue('orders', 'events', 'orders.*')
    await ch.prefetch(7)
    const { consumerTag } = await ch.consume('orders.dlq', () => undefined, { noAck: false })
    try {
      const queue = await adapter.details({ kind: 'queue', name: 'orders' })
      expect(queue).toMatchObject({ kind: 'queue', name: 'orders', queueType: 'classic' })
      if (queue.kind !== 'queue') throw new Error('expected a queue')
      expect(queue.settings).toEqual([
        { key: 'x-dead-letter-exchange', label: 'Dead-letter exchange', value: 'orders.dlx', from: 'argument' },
        { key: 'x-dead-letter-routing-key', label: 'Dead-letter routing key', value: 'dead', from: 'argument' },
      ])
      expect(queue.bindings.map((b) => `${b.source || '(default)'} -> ${b.destination} [${b.routingKey}]`).sort()).toEqual([
        '(default) -> orders [orders]',
        'events -> orders [orders.*]',
      ])
      await expect
        .poll(
          async () => {
            const dlq = await adapter.details({ kind: 'queue', name: 'orders.dlq' })
            return dlq.kind === 'queue' ? dlq.consumers.map((c) => ({ tag: c.tag, prefetch: c.prefetch, ackRequired: c.ackRequired })) : []
          },
          { timeout: 15_000 },
        )
        .toEqual([{ tag: consumerTag, prefetch: 7, ackRequired: true }])
      const exchange = await adapter.details({ kind: 'exchange', name: 'events' })
      expect(exchange).toMatchObject({
        kind: 'exchange',
        exchangeType: 'topic',
        outgoing: [{ destination: 'orders', routingKey: 'orders.*', destinationType: 'queue' }],
      })
      await expect(adapter.details({ kind: 'queue', name: 'no-such-queue' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    } finally {
      await ch.close()
    }
  })

  it('filters by name on the server', async () => {
    const { items } = await adapter.listSources({ filter: 'orders' })
    expect(items.map((i) => `${i.kind}:${i.name}`).sort()).toEqual(['exchange:orders.dlx', 'queue:orders', 'queue:orders.dlq'])
  })

  it('publishes with confirms: routed to a queue, unroutable through an exchange without binding', async () => {
    const publish = (target: string, extra: object = {}) => adapter.publish(publishRequestSchema.parse({ connectionId: 'x', target, body: 'hello', ...extra }))
    expect(await publish('queue:orders.dlq', { headers: { 'x-source': 'test' }, properties: { messageId: 'm-1', contentType: 'text/plain' } })).toEqual({
      routed: true,
    })
    expect(await publish('exchange:events', { routingKey: 'nobody.listens' })).toEqual({ routed: false, reason: 'NO_ROUTE' })
    // what arrived carries the body, headers and properties
    const ch = await client.createChannel()
    const message = await ch.get('orders.dlq', { noAck: true })
    expect(message && message.content.toString()).toBe('hello')
    expect(message && message.properties).toMatchObject({ messageId: 'm-1', contentType: 'text/plain', headers: { 'x-source': 'test' } })
    await ch.close()
  })

  it('reports a missing exchange clearly and the connection stays usable', async () => {
    const request = publishRequestSchema.parse({ connectionId: 'x', target: 'exchange:no-such-exchange', body: 'x' })
    await expect(adapter.publish(request)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'exchange "no-such-exchange" does not exist in vhost "' + vhost.name + '"',
    })
    expect(await adapter.publish(publishRequestSchema.parse({ connectionId: 'x', target: 'queue:orders.dlq', body: 'after' }))).toEqual({ routed: true })
    expect((await adapter.listSources()).items.length).toBeGreaterThan(0)
  })

  it('says why it cannot connect: wrong password, missing vhost, nothing listening', async () => {
    await expect(adapterFor(vhost.url.replace('guest:guest', 'guest:wrong')).connect()).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringMatching(/refused user "guest": wrong user name or password/),
    })
    await expect(adapterFor('amqp://guest:guest@127.0.0.1:5672/qs-no-such-vhost').connect()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/vhost "qs-no-such-vhost" does not exist/),
    })
    await expect(adapterFor('amqp://guest:guest@127.0.0.1:1/').connect()).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringMatching(/127\.0\.0\.1:1: connection refused/),
    })
  })

  it('gives up on a port that accepts but never answers, saying it timed out', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1')
    await once(silent, 'listening')
    const port = (silent.address() as AddressInfo).port
    try {
      await expect(adapterFor(`amqp://guest:guest@127.0.0.1:${port}/`).connect()).rejects.toMatchObject({
        code: 'TIMEOUT',
        message: expect.stringMatching(/timed out connecting to RabbitMQ at 127\.0\.0\.1/),
      })
    } finally {
      silent.close()
    }
  })

  it('without the management API it still connects, and says what is missing and how to fix it', async () => {
    const degraded = adapterFor(vhost.url, 'http://127.0.0.1:1')
    const info = await degraded.connect()
    expect(info.warnings[0]).toMatch(/management API unavailable.*rabbitmq-plugins enable rabbitmq_management/)
    expect(info.warnings[0]!.split('rabbitmq-plugins enable').length).toBe(2) // the fix, said once
    const list = await degraded.listSources()
    expect(list.items).toEqual([])
    expect(list.warnings[0]).toMatch(/rabbitmq-plugins enable rabbitmq_management/)
    expect(list.warnings[1]).toMatch(/watched queues/)
    await degraded.close()
  })

  it('without the management API, shows watched queues from a passive declare; a missing one never breaks the connection', async () => {
    const { target, password } = parseConnectionUrl(vhost.url, { managementUrl: 'http://127.0.0.1:1' })
    if (target.broker !== 'rabbitmq') throw new Error('not rabbitmq')
    const degraded = new RabbitMqAdapter(target, password, { watchQueues: ['invoices', 'no-such-queue', 'orders.dlq'] })
    await degraded.connect()
    const lost = vi.fn()
    degraded.onLost(lost)
    const { items, warnings } = await degraded.listSources()
    expect(warnings[1]).toMatch(/3 watched queue\(s\)/)
    expect(items.map((i) => i.kind === 'queue' && [i.name, i.state, i.consumers])).toEqual([
      ['invoices', 'running', 0],
      ['no-such-queue', 'missing', null],
      ['orders.dlq', 'running', 0],
    ])
    expect(items.find((i) => i.name === 'invoices')).toMatchObject({ messages: 3, ready: 3, unacked: null })
    expect((await degraded.listSources({ filter: 'dlq' })).items.map((i) => i.name)).toEqual(['orders.dlq'])
    expect(lost).not.toHaveBeenCalled()
    await degraded.close()
  })

  it('reports connection loss once, and not after close()', async () => {
    const watched = adapterFor(vhost.url)
    await watched.connect()
    const lost = new Promise<Error>((resolve) => watched.onLost(resolve))
    // Close the connection from the broker side, as an operator (or a crash) would.
    const auth = `Basic ${Buffer.from('guest:guest').toString('base64')}`
    // Find our connection by its client port (the management API lists it as peer_port).
    const localPort = (watched as unknown as { link: { connection: { connection: { stream: { localPort: number } } } } }).link.connection.connection.stream
      .localPort
    const name = await pollUntil(
      'the management API to list our connection',
      async () => {
        const connections = (await (
          await fetch(`${MANAGEMENT_URL}/api/vhosts/${encodeURIComponent(vhost.name)}/connections`, { headers: { authorization: auth } })
        ).json()) as { name: string; peer_port: number }[]
        return connections.find((c) => c.peer_port === localPort)?.name
      },
      { everyMs: 250 },
    )
    await fetch(`${MANAGEMENT_URL}/api/connections/${encodeURIComponent(name!)}`, { method: 'DELETE', headers: { authorization: auth, 'X-Reason': 'test' } })
    const error = await lost
    expect(error.message).toMatch(/CONNECTION_FORCED|closed/i)
  })
})
