import * as amqp from 'amqplib'
import { test, expect } from './support/fixtures'
import { ProfilesPage } from './pages/profiles.page'
import { OverviewPage } from './pages/overview.page'
import { SourcePage } from './pages/source.page'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../src/test-support/brokers'

// In the UI: the sampled history (lag sparkline, trend, chart) and the queue's settings and
// bindings in words. Its own vhost, removed afterwards (docs/coding.md "Tests").
let vhost: TestVhost
const QUEUE = 'e2e.chart.payments'
const DLX = 'e2e.chart.dlx'
const BACKLOG = 25

test.beforeAll(async () => {
  vhost = await createTestVhost('e2e-chart')
  const client = await amqp.connect(vhost.url)
  const ch = await client.createConfirmChannel()
  await ch.assertExchange(DLX, 'fanout')
  // A backlog nobody consumes, with a dead-letter exchange argument.
  await ch.assertQueue(QUEUE, { arguments: { 'x-dead-letter-exchange': DLX } })
  for (let i = 0; i < BACKLOG; i++) ch.sendToQueue(QUEUE, Buffer.from(JSON.stringify({ payment: i })))
  await ch.waitForConfirms()
  await client.close()
  // The management API's counts lag the queue by a stats interval; wait until it reports the
  // backlog, so the first sample the core takes is 25 rather than 0 (which would read as growth).
  await expect
    .poll(
      async () => {
        const response = await fetch(`${MANAGEMENT_URL}/api/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(QUEUE)}`, {
          headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
        })
        return response.ok ? ((await response.json()) as { messages_ready?: number }).messages_ready : undefined
      },
      { timeout: 20_000 },
    )
    .toBe(BACKLOG)
})

test.afterAll(async () => {
  await vhost?.remove()
})

test('a queue shows its settings and bindings in words, its lag, and a chart of its last hour', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e chart', vhost.name)
  await profiles.open('e2e chart')
  const overview = new OverviewPage(app)
  await overview.filter(QUEUE)
  await overview.expectRow(QUEUE, [String(BACKLOG)])

  // The core samples every 5 s: once the first sample is in, the sparkline has a name with the count.
  const row = overview.row(QUEUE)
  await expect(row.getByRole('img', { name: `ready over the last 15 minutes: ${BACKLOG} → ${BACKLOG}` })).toBeVisible({ timeout: 20_000 })
  await expect(app.getByRole('columnheader', { name: 'Trend' })).toBeVisible()

  const source = new SourcePage(app, await overview.openDetails('queue', QUEUE))

  // Details: the argument in words, and the binding every queue has to the default exchange.
  await source.openTab('Details')
  const settings = source.panel.getByRole('definition').filter({ hasText: DLX })
  await expect(source.panel.getByRole('term').filter({ hasText: 'Dead-letter exchange' })).toBeVisible()
  await expect(settings).toBeVisible()
  const bindings = source.panel.getByRole('table', { name: 'Bindings' })
  await expect(bindings.getByRole('row').filter({ hasText: `(default exchange) → ${QUEUE}` })).toContainText(QUEUE)
  await expect(source.panel.getByText('No consumers: ready messages wait until one subscribes.')).toBeVisible()

  // Chart: drawn from the second sample on (up to ~10 s after connecting).
  await source.openTab('Chart')
  await expect(source.chart.locator('canvas')).toBeVisible({ timeout: 30_000 })
  // Nothing arrives and nothing leaves: a backlog that stays put.
  await expect(source.trendSentence).toHaveText(/^Steady/)
  await app.screenshot({ path: testInfo.outputPath('queue-chart.png'), fullPage: true })
})
