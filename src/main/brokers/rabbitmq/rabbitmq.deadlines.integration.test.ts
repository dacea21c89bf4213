import * as amqp from 'amqplib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { peekRequestSchema } from '../../../shared/messages'
import { publishRequestSchema } from '../../../shared/publish'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../../../test-support/brokers'
import { startTcpProxy, type TcpProxy } from '../../../test-support/tcp-proxy'
import type { BrokerTimeouts } from '../timeouts'
import { RabbitMqAdapter } from './rabbitmq.adapter'

const TIMEOUTS: BrokerTimeouts = { connectMs: 1500, requestMs: 1000, deadLinkMs: 2000 }
/** A dead link shows within three heartbeats (1 s here); the promise under test settles before this. */
const BOUND = 8000

async function within<T>(promise: Promise<T>, ms = BOUND): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

/** Deadlines and failure words of the RabbitMQ adapter itself, below the core. */
describe('RabbitMQ connections keep their deadlines (real broker behind a fault proxy)', () => {
  let vhost: TestVhost
  let proxy: TcpProxy
  const adapters: RabbitMqAdapter[] = []
  const adapterVia = (port: number): RabbitMqAdapter => {
    const { target, password } = parseConnectionUrl(`amqp://guest:guest@127.0.0.1:${port}/${encodeURIComponent(vhost.name)}`, { managementUrl: MANAGEMENT_URL })
    if (target.broker !== 'rabbitmq') throw new Error('not rabbitmq')
    const adapter = new RabbitMqAdapter(target, password, { timeouts: TIMEOUTS })
    adapters.push(adapter)
    return adapter
  }
  const publish = (adapter: RabbitMqAdapter) => adapter.publish(publishRequestSchema.parse({ connectionId: 'x', target: 'queue:orders', body: 'hello' }))

  beforeAll(async () => {
    vhost = await createTestVhost('rabbit-deadlines')
    const client = await amqp.connect(vhost.url)
    const ch = await client.createChannel()
    await ch.assertQueue('orders')
    await client.close()
    proxy = await startTcpProxy(5672)
  })

  afterEach(async () => {
    proxy.blackhole(false)
    await Promise.all(adapters.splice(0).map((adapter) => within(adapter.close())))
  })

  afterAll(async () => {
    await proxy?.close()
    await vhost?.remove()
  })

  it('a dead link is found by heartbeats within seconds and reported as such; a publish in flight is in doubt', async () => {
    const adapter = adapterVia(proxy.port)
    await adapter.connect()
    expect(await publish(adapter)).toEqual({ routed: true })
    const lost = new Promise<Error>((resolve) => adapter.onLost(resolve))
    proxy.blackhole(true)
    await expect(within(publish(adapter))).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/did not confirm the message within 1 s; it may or may not have been applied \(in doubt\)/),
    })
    expect((await within(lost)).message).toMatch(/RabbitMQ at 127\.0\.0\.1:\d+ stopped answering: no heartbeat/)
    await expect(publish(adapter)).rejects.toMatchObject({ code: 'NOT_CONNECTED', message: expect.stringMatching(/nothing was sent/) })
  })

  it('while the connection is closing, publish, browse and tail say NOT_CONNECTED (never INTERNAL)', async () => {
    const adapter = adapterVia(5672)
    await adapter.connect()
    // amqplib refuses everything at once ("Connection closing") once a close has begun.
    const model = (adapter as unknown as { link: { connection: amqp.ChannelModel } }).link.connection
    void model.close().catch(() => undefined)
    await expect(publish(adapter)).rejects.toMatchObject({ code: 'NOT_CONNECTED', message: expect.stringMatching(/nothing was sent/) })
    await expect(adapter.peek(peekRequestSchema.parse({ connectionId: 'x', source: 'queue:orders' }))).rejects.toMatchObject({ code: 'NOT_CONNECTED' })
    await expect(
      adapter.openTail({ kind: 'exchange', name: 'amq.fanout' }, { pattern: false }, { message: () => undefined, end: () => undefined }),
    ).rejects.toMatchObject({ code: 'NOT_CONNECTED' })
  })

  it('an AMQP handshake that never completes gives up within the connect deadline', async () => {
    proxy.blackhole(true)
    await expect(within(adapterVia(proxy.port).connect())).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/timed out connecting to RabbitMQ at 127\.0\.0\.1/),
    })
  })
})
