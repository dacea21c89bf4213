import * as amqp from 'amqplib'
import { test, expect } from './support/fixtures'
import { ProfilesPage } from './pages/profiles.page'
import { OverviewPage } from './pages/overview.page'
import { createTestRedis, createTestVhost, type TestRedis, type TestVhost } from '../src/test-support/brokers'

// Each run works in its own vhost and key prefix, removed afterwards (docs/coding.md "Tests").
let vhost: TestVhost
let redis: TestRedis

test.beforeAll(async () => {
  vhost = await createTestVhost('e2e')
  const client = await amqp.connect(vhost.url)
  const ch = await client.createConfirmChannel()
  await ch.assertQueue('e2e.orders')
  for (let i = 0; i < 42; i++) ch.sendToQueue('e2e.orders', Buffer.from(JSON.stringify({ order: i })))
  await ch.waitForConfirms()
  await client.close()

  redis = await createTestRedis('e2e')
  const stream = `${redis.prefix}orders:events`
  for (let i = 0; i < 12; i++) await redis.client.xadd(stream, '*', 'order', String(i))
  await redis.client.xgroup('CREATE', stream, 'billing', '0')
  await redis.client.xgroup('CREATE', stream, 'shipping', '0')
  await redis.client.xreadgroup('GROUP', 'billing', 'b1', 'COUNT', 12, 'STREAMS', stream, '>')
  await redis.client.xreadgroup('GROUP', 'shipping', 's1', 'COUNT', 5, 'STREAMS', stream, '>')
})

test.afterAll(async () => {
  await vhost?.remove()
  await redis?.remove()
})

test('add a RabbitMQ profile, connect, and see a queue with its exact message count', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e rabbit', vhost.name, { color: 'green' })
  await profiles.open('e2e rabbit')
  const overview = new OverviewPage(app)
  await overview.filter('e2e.orders')
  await overview.expectRow('e2e.orders', ['42'])
  await app.screenshot({ path: testInfo.outputPath('rabbitmq-overview.png'), fullPage: true })
})

test("add a Redis profile, connect, and see a stream's consumer-group lag", async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.add({ name: 'e2e redis', broker: 'redis', url: 'redis://127.0.0.1:6379/0' })
  await profiles.open('e2e redis')
  const overview = new OverviewPage(app)
  const stream = `${redis.prefix}orders:events`
  await overview.filter(redis.prefix)
  await overview.expectRow(stream, ['12'])
  const details = await overview.openDetails('stream', stream)
  // The groups table: the group's name heads its row, lag is the first cell.
  const group = (name: string) => details.getByRole('row').filter({ has: app.getByRole('rowheader', { name, exact: true }) })
  await expect(group('shipping').getByRole('cell').first()).toHaveText('7') // lag: 12 entries, 5 delivered
  await expect(group('billing').getByRole('cell').first()).toHaveText('0')
  await app.screenshot({ path: testInfo.outputPath('redis-stream-lag.png'), fullPage: true })
})

test('a read-only profile shows its lock, and the core refuses writes from it whatever the UI does', async ({ app }) => {
  const profiles = new ProfilesPage(app)
  await profiles.add({ name: 'e2e prod', broker: 'redis', url: 'redis://127.0.0.1:6379/0', readOnly: true, color: 'red' })
  await expect(profiles.sidebar.getByLabel('read-only')).toBeVisible()
  await profiles.open('e2e prod')
  await expect(app.getByText('READ-ONLY').first()).toBeVisible()

  // Straight through the transport, as a buggy or compromised renderer would: the core refuses.
  const target = `list:${redis.prefix}must-stay-empty`
  const envelope = await app.evaluate(
    async ({ name, target }) => {
      type Envelope = { ok: boolean; data?: unknown; error?: { code: string } }
      const bridge = (window as unknown as { queuescope?: Record<string, (p: unknown) => Promise<Envelope>> }).queuescope
      const call = (channel: string, payload: unknown): Promise<Envelope> => {
        if (bridge) return bridge[channel.replace(/:(\w)/, (_m, c: string) => c.toUpperCase())]!(payload)
        return new Promise((resolve) => {
          // The page's own token (web mode keeps it per tab), as the page's client sends it.
          const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('queuescope.token') ?? '')}`)
          ws.onopen = () => ws.send(JSON.stringify({ type: 'call', id: 1, channel, payload }))
          ws.onmessage = (event) => {
            resolve(JSON.parse(String(event.data)) as Envelope)
            ws.close()
          }
        })
      }
      const list = (await call('profiles:list', {})) as { data: { profiles: { id: string; name: string }[] } }
      const id = list.data.profiles.find((p) => p.name === name)!.id
      return call('messages:publish', { connectionId: id, target, body: 'must not arrive' })
    },
    { name: 'e2e prod', target },
  )
  expect(envelope).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } })
  expect(await redis.client.exists(`${redis.prefix}must-stay-empty`)).toBe(0)
})
