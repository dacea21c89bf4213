import * as amqp from 'amqplib'
import { test, expect } from './support/fixtures'
import { ProfilesPage } from './pages/profiles.page'
import { OverviewPage } from './pages/overview.page'
import { SourcePage } from './pages/source.page'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../src/test-support/brokers'

// The vhost picker: a profile opens its own vhost, the picker re-opens the connection on another
// one, whose queues, connection counts and consumer capacity show, and whose table sorts by column.
let home: TestVhost
let other: TestVhost
let consumer: amqp.ChannelModel
const HOME_QUEUE = 'e2e.scope.home'
/** Ready messages per queue of the other vhost: the Ready sort must put them in this order. */
const BACKLOGS = { 'e2e.scope.beta': 7, 'e2e.scope.alpha': 3, 'e2e.scope.gamma': 1, 'e2e.scope.worker': 0 }

async function management<T>(path: string): Promise<T> {
  const response = await fetch(`${MANAGEMENT_URL}/api${path}`, { headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` } })
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`)
  return (await response.json()) as T
}

test.beforeAll(async () => {
  home = await createTestVhost('e2e-scope-home')
  other = await createTestVhost('e2e-scope-other')
  const homeClient = await amqp.connect(home.url)
  await (await homeClient.createChannel()).assertQueue(HOME_QUEUE)
  await homeClient.close()

  const client = await amqp.connect(other.url)
  const ch = await client.createConfirmChannel()
  for (const [queue, backlog] of Object.entries(BACKLOGS)) {
    await ch.assertQueue(queue)
    for (let i = 0; i < backlog; i++) ch.sendToQueue(queue, Buffer.from(JSON.stringify({ i })))
  }
  await ch.waitForConfirms()
  await client.close()

  // A worker that stays connected for the test: one connection, one channel, one consumer.
  consumer = await amqp.connect(other.url)
  const work = await consumer.createChannel()
  await work.consume('e2e.scope.worker', (message) => message && work.ack(message))

  // The management API's counts lag by a stats interval: wait until it reports the backlogs and
  // the worker, so the first listing after the switch has them.
  const vhost = encodeURIComponent(other.name)
  await expect
    .poll(
      async () => {
        const queues = await management<{ name: string; messages_ready?: number }[]>(`/queues/${vhost}?columns=name,messages_ready`)
        return Object.fromEntries(queues.map((q) => [q.name, q.messages_ready]))
      },
      { timeout: 20_000 },
    )
    .toEqual(BACKLOGS)
  await expect.poll(async () => (await management<unknown[]>(`/vhosts/${vhost}/connections`)).length, { timeout: 20_000 }).toBeGreaterThan(0)
})

test.afterAll(async () => {
  await consumer?.close().catch(() => undefined)
  await home?.remove()
  await other?.remove()
})

test('the vhost picker re-opens the connection on another vhost, with its queues, counts and sortable columns', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e scope', home.name)
  await profiles.open('e2e scope')
  const overview = new OverviewPage(app)
  await overview.expectRow(HOME_QUEUE, [])
  await expect(overview.scopePicker()).toHaveValue(home.name)
  // The picker lists every vhost with its messages: 11 ready in the other one.
  await expect(overview.scopePicker().getByRole('option', { name: `${other.name} (11 msgs)` })).toBeAttached()

  await overview.switchScope(other.name)
  await overview.expectRow('e2e.scope.beta', ['7'])
  await expect(overview.row(HOME_QUEUE)).toHaveCount(0)

  // The other vhost's counts: the worker's connection, channel and consumer (and Queuescope's own connection).
  const counts = overview.counts(`vhost ${other.name}`)
  await expect(counts).toContainText(/Connections [1-9]/)
  await expect(counts).toContainText(/Channels [1-9]/)
  await expect(counts).toContainText('Consumers 1 ·')

  // Consumer capacity: the worker keeps up; the queues nobody consumes report 0.
  await expect(await overview.cell('e2e.scope.worker', 'Capacity')).toHaveText('100%')
  await expect(await overview.cell('e2e.scope.alpha', 'Capacity')).toHaveText('0%')

  // Sorting: only the other vhost's queues, by Ready, both ways; exchanges ("—") would sort last.
  await overview.filter('e2e.scope.')
  await overview.sortBy('Ready', 'descending')
  await expect.poll(() => overview.rowNames()).toEqual(['e2e.scope.beta', 'e2e.scope.alpha', 'e2e.scope.gamma', 'e2e.scope.worker'])
  await overview.sortBy('Ready', 'ascending')
  await expect.poll(() => overview.rowNames()).toEqual(['e2e.scope.worker', 'e2e.scope.gamma', 'e2e.scope.alpha', 'e2e.scope.beta'])
  await expect(overview.header('Name')).toHaveAttribute('aria-sort', 'none')
  await overview.sortBy('Name', 'ascending')
  await expect.poll(() => overview.rowNames()).toEqual(['e2e.scope.alpha', 'e2e.scope.beta', 'e2e.scope.gamma', 'e2e.scope.worker'])
  await app.screenshot({ path: testInfo.outputPath('vhost-picker.png'), fullPage: true })

  // The Chart tab says the worker's consumer capacity from the samples.
  const source = new SourcePage(app, await overview.openDetails('queue', 'e2e.scope.worker'))
  await source.openTab('Chart')
  const capacity = source.panel.getByRole('definition').first()
  await expect(capacity).toHaveText('100%', { timeout: 20_000 })
  await app.screenshot({ path: testInfo.outputPath('vhost-picker-chart.png'), fullPage: true })
})
