import * as amqp from 'amqplib'
import { test, expect } from './support/fixtures'
import { ProfilesPage } from './pages/profiles.page'
import { OverviewPage } from './pages/overview.page'
import { ReplayPage } from './pages/replay.page'
import { SourcePage } from './pages/source.page'
import { createTestRedis, createTestVhost, type TestRedis, type TestVhost } from '../src/test-support/brokers'

// Its own vhost and Redis key prefix, removed afterwards (docs/coding.md "Tests"): parallel-safe
// and leaves nothing behind.
let vhost: TestVhost
let redis: TestRedis
const ORIGIN = 'e2e.replay.orders'
const DLX = 'e2e.replay.dlx'
const DLQ = 'e2e.replay.orders.dlq'
const DEAD = 20
// A rate-limited copy slow enough to watch its progress (sent at least every second while it runs).
const BULK = 'e2e.replay.bulk'
const BULK_COPY = 'e2e.replay.bulk.copy'
const BULK_COUNT = 1000
// Redis stream -> RabbitMQ queue, across connections.
const FROM_REDIS = 'e2e.replay.from-redis'
const REDIS_ENTRIES = 6

async function queueCount(name: string): Promise<number> {
  const client = await amqp.connect(vhost.url)
  try {
    const ch = await client.createChannel()
    return (await ch.checkQueue(name)).messageCount
  } finally {
    await client.close()
  }
}

test.beforeAll(async () => {
  vhost = await createTestVhost('e2e-replay')
  redis = await createTestRedis('e2e-replay')
  for (let i = 1; i <= REDIS_ENTRIES; i++) await redis.client.xadd(`${redis.prefix}orders:dead`, '*', 'body', JSON.stringify({ order: i }), 'tenant', 'acme')
  const client = await amqp.connect(vhost.url)
  const ch = await client.createConfirmChannel()
  // A consumer that rejects everything: RabbitMQ dead-letters each message through the DLX to the DLQ.
  await ch.assertExchange(DLX, 'fanout')
  await ch.assertQueue(DLQ)
  await ch.bindQueue(DLQ, DLX, '')
  await ch.assertQueue(ORIGIN, { arguments: { 'x-dead-letter-exchange': DLX } })
  for (let i = 1; i <= DEAD; i++) {
    ch.sendToQueue(ORIGIN, Buffer.from(JSON.stringify({ order: i, total: i * 10 })), {
      contentType: 'application/json',
      messageId: `order-${i}`,
      headers: { tenant: i % 2 ? 'acme' : 'globex' },
    })
  }
  await ch.assertQueue(BULK)
  await ch.assertQueue(BULK_COPY)
  await ch.assertQueue(FROM_REDIS)
  for (let i = 1; i <= BULK_COUNT; i++) ch.sendToQueue(BULK, Buffer.from(`{"n":${i}}`), { messageId: `bulk-${i}` })
  await ch.waitForConfirms()
  const consumer = await client.createChannel()
  await consumer.prefetch(DEAD)
  let nacked = 0
  const allNacked = new Promise<void>((resolve) => {
    void consumer.consume(ORIGIN, (msg) => {
      if (!msg) return
      consumer.nack(msg, false, false)
      if (++nacked === DEAD) resolve()
    })
  })
  await allNacked
  await consumer.close()
  await client.close()
  // Dead-lettering is asynchronous: wait until every message sits in the DLQ.
  await expect.poll(() => queueCount(DLQ), { timeout: 10_000 }).toBe(DEAD)
  expect(await queueCount(ORIGIN)).toBe(0)
})

test.afterAll(async () => {
  await vhost?.remove()
  await redis?.remove()
})

test('preview a dead-letter queue, move it back to origin with a typed name, and find it in the journal', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e replay', vhost.name)
  await profiles.open('e2e replay')
  const overview = new OverviewPage(app)
  await overview.filter('e2e.replay')
  await overview.expectRow(DLQ, [String(DEAD)])
  const source = new SourcePage(app, await overview.openDetails('queue', DLQ))
  const replay = new ReplayPage(app)

  await replay.open(source.panel)
  await expect(replay.dialog).toContainText(`queue:${DLQ}`)
  await expect(replay.dialog).toContainText(`${DEAD} ready`)
  await expect(replay.dialog.getByRole('group', { name: 'Target' }).getByRole('button', { name: 'Back to origin (x-death)' })).toHaveAttribute(
    'aria-pressed',
    'true',
  )
  await expect(replay.dialog.getByText(/Empty: all that are there now \(20 ready\)/)).toBeVisible()

  // A filter shows itself in words; one that keeps nothing out is fine for the preview.
  await replay.dialog.getByRole('button', { name: 'Add filter' }).click()
  await replay.dialog.getByLabel('Filter 1 field').selectOption('xDeathReason')
  await replay.dialog.getByLabel('Filter 1 value').fill('rejected')
  await expect(replay.dialog.getByText('x-death reason = rejected')).toBeVisible()

  // The dry run: exactly which messages would go, and where.
  const preview = await replay.preview()
  await expect(replay.previewCount('Would move')).toHaveText(String(DEAD))
  await expect(replay.previewCount('Skipped')).toHaveText('0')
  await expect(replay.previewCount('Would fail')).toHaveText('0')
  const items = preview.getByRole('table', { name: 'Messages that would be replayed' })
  await expect(items.getByRole('row')).toHaveCount(DEAD + 1)
  await expect(items.getByRole('row').filter({ hasText: 'order-7' })).toContainText(`default exchange → ${ORIGIN}`)
  // Nothing moved yet.
  expect(await queueCount(DLQ)).toBe(DEAD)
  await replay.dialog.screenshot({ path: testInfo.outputPath('replay-preview.png') })
  await app.screenshot({ path: testInfo.outputPath('replay-preview-page.png') })

  // Move: the button waits for the queue's name.
  const move = replay.action(`Move ${DEAD}`)
  await expect(move).toBeDisabled()
  await expect(replay.dialog.getByRole('note')).toHaveText('Type the queue name to confirm the move')
  await replay.confirm(DLQ.slice(0, -1))
  await expect(move).toBeDisabled()
  await replay.confirm(DLQ)
  await expect(move).toBeEnabled()
  await replay.dialog.screenshot({ path: testInfo.outputPath('replay-confirm.png') })
  await app.screenshot({ path: testInfo.outputPath('replay-confirm-page.png') })
  await move.click()

  const report = replay.reportDialog
  await expect(report).toBeVisible()
  await expect(report).toContainText(`Moved ${DEAD} of ${DEAD} messages from queue:${DLQ} to origin`)
  await expect(report).toContainText(`${DEAD} messages removed from the source after the target confirmed them.`)
  await expect(report).toContainText(`0 of the ${DEAD} left in the source.`)
  await expect(report).not.toContainText('may now be in both')
  await report.screenshot({ path: testInfo.outputPath('replay-report.png') })

  expect(await queueCount(DLQ)).toBe(0)
  expect(await queueCount(ORIGIN)).toBe(DEAD)

  await report.getByRole('button', { name: 'Close' }).click()
  await expect(report).toBeHidden()
  // The listing was refreshed after the move.
  await expect(await overview.cell(DLQ, 'Ready')).toHaveText('0', { timeout: 30_000 })

  // The journal: the move and its dry run, newest first.
  await replay.openJournal()
  const rows = replay.journalRows()
  await expect(rows).toHaveCount(3)
  await expect(rows.nth(1)).toContainText(`queue:${DLQ}`)
  await expect(rows.nth(1)).toContainText(`${DEAD} moved · 0 failed · 0 skipped · 0 left`)
  await expect(rows.nth(1)).not.toContainText('dry run')
  await expect(rows.nth(2)).toContainText('dry run')
  await expect(rows.nth(2)).toContainText('x-death reason = rejected')
  await expect(rows.nth(2)).toContainText(`would move ${DEAD}`)
  await replay.journal.screenshot({ path: testInfo.outputPath('replay-journal.png') })
  await replay.journal.getByRole('button', { name: 'Close' }).click()
})

test('replay selected messages from the browser: only ticked ids are copied', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e replay selected', vhost.name)
  await profiles.open('e2e replay selected')
  const overview = new OverviewPage(app)
  await overview.filter('e2e.replay')
  await overview.expectRow(ORIGIN, [String(DEAD)])
  const source = new SourcePage(app, await overview.openDetails('queue', ORIGIN))
  await source.openTab('Messages')
  await source.browse(50)
  await expect(source.messages.getByRole('listitem')).toHaveCount(DEAD)

  const replaySelected = source.panel.getByRole('button', { name: 'Replay selected…' })
  await expect(replaySelected).toBeDisabled()
  await source.panel.getByRole('checkbox', { name: 'Select order-3 for replay' }).check()
  await source.panel.getByRole('checkbox', { name: 'Select order-5 for replay' }).check()
  // Ticking keeps the row-click behaviour: the detail pane still opens by the row's button.
  await source.message('1').getByRole('button').click()
  await expect(source.messageDetail('1')).toBeVisible()
  await expect(source.panel.getByRole('toolbar', { name: 'Selected messages' })).toContainText('2 selected')
  await app.screenshot({ path: testInfo.outputPath('replay-selected-browser.png') })
  await replaySelected.click()

  const replay = new ReplayPage(app)
  await expect(replay.dialog).toContainText('only the 2 selected messages')
  await replay.target('Queue')
  await replay.dialog.getByLabel('Target queue').fill(DLQ)
  await replay.mode('Copy')
  const preview = await replay.preview()
  await expect(replay.previewCount('Would copy')).toHaveText('2')
  await expect(preview.getByRole('table', { name: 'Messages that would be replayed' })).toContainText('order-5')
  await replay.action('Copy 2').click()
  await expect(replay.reportDialog).toContainText('Copied 2 of')
  await expect(replay.reportDialog).toContainText('The source keeps every message')
  await replay.reportDialog.getByRole('button', { name: 'Close' }).click()

  await expect.poll(() => queueCount(DLQ)).toBe(2)
  expect(await queueCount(ORIGIN)).toBe(DEAD)
})

test('a slow copy shows progress, rate and ETA, and Cancel stops it with a report', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e replay slow', vhost.name)
  await profiles.open('e2e replay slow')
  const overview = new OverviewPage(app)
  await overview.filter(BULK)
  await overview.expectRow(BULK, [BULK_COUNT.toLocaleString('en-US')])
  const source = new SourcePage(app, await overview.openDetails('queue', BULK))
  const replay = new ReplayPage(app)

  await replay.open(source.panel)
  await replay.target('Queue')
  await replay.dialog.getByLabel('Target queue').fill(BULK_COPY)
  await replay.mode('Copy')
  await replay.dialog.getByLabel('Rate (msg/s)').fill('100')
  await replay.action('Copy all').click()

  const running = app.getByRole('dialog', { name: 'Replaying…' })
  const bar = running.getByRole('progressbar', { name: 'Replay progress' })
  await expect(bar).toHaveAttribute('aria-valuemax', String(BULK_COUNT))
  await expect(running.getByText(/ of 1,000 scanned$/)).toBeVisible()
  await expect(running.getByText(/^\d+ msg\/s$/)).toBeVisible()
  await expect(running.getByText(/^about .* left$/)).toBeVisible()
  await expect(running.getByLabel('Progress counts')).toContainText('Published')
  await running.screenshot({ path: testInfo.outputPath('replay-progress.png') })
  await running.getByRole('button', { name: 'Cancel replay' }).click()

  await expect(replay.reportDialog).toContainText('before it was cancelled', { timeout: 20_000 })
  await expect(replay.reportDialog).toContainText('Cancelled: what was published is counted here')
  await replay.reportDialog.screenshot({ path: testInfo.outputPath('replay-cancelled.png') })
  const copied = Number(
    (await replay.reportDialog.getByLabel('Report counts').locator('.replay-count').filter({ hasText: 'Copied' }).locator('dd').innerText()).replace(/\D/g, ''),
  )
  expect(copied).toBeGreaterThan(0)
  expect(copied).toBeLessThan(BULK_COUNT)
  await replay.reportDialog.getByRole('button', { name: 'Close' }).click()
  await expect.poll(() => queueCount(BULK_COPY)).toBe(copied)
  await expect.poll(() => queueCount(BULK)).toBe(BULK_COUNT)
})

test('move a Redis stream into a RabbitMQ queue on another connection, with the stream’s name typed', async ({ app }, testInfo) => {
  const stream = `${redis.prefix}orders:dead`
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e replay rabbit', vhost.name)
  await profiles.open('e2e replay rabbit')
  await profiles.add({ name: 'e2e replay redis', broker: 'redis', url: 'redis://127.0.0.1:6379/0' })
  await profiles.open('e2e replay redis')
  const overview = new OverviewPage(app)
  await overview.filter(redis.prefix)
  await overview.expectRow(stream, [String(REDIS_ENTRIES)])
  const source = new SourcePage(app, await overview.openDetails('stream', stream))
  const replay = new ReplayPage(app)

  await replay.open(source.panel)
  await expect(replay.dialog).toContainText(`stream:${stream}`)
  await expect(replay.dialog).toContainText(`${REDIS_ENTRIES} entries`)
  // On its own Redis connection the targets are Redis ones, and back to origin reads qs-origin.
  const targets = replay.dialog.getByRole('group', { name: 'Target' })
  await expect(targets.getByRole('button', { name: 'Back to origin (qs-origin)' })).toHaveAttribute('aria-pressed', 'true')
  await expect(targets.getByRole('button', { name: 'Channel' })).toBeVisible()
  await replay.target('Channel')
  await expect(replay.dialog.getByText(/with no subscriber a message fails and stays in the source/)).toBeVisible()

  // Another connection, the other broker: its kinds replace Redis's.
  await replay.targetConnection('e2e replay rabbit')
  await expect(targets.getByRole('button', { name: 'Channel' })).toBeHidden()
  await replay.target('Queue')
  await replay.dialog.getByLabel('Target queue').fill(FROM_REDIS)
  const preview = await replay.preview()
  await expect(replay.previewCount('Would move')).toHaveText(String(REDIS_ENTRIES))
  await expect(preview.getByRole('table', { name: 'Messages that would be replayed' }).getByRole('row')).toHaveCount(REDIS_ENTRIES + 1)
  expect(await redis.client.xlen(stream)).toBe(REDIS_ENTRIES)

  const move = replay.action(`Move ${REDIS_ENTRIES}`)
  await expect(replay.dialog.getByRole('note')).toHaveText('Type the stream name to confirm the move')
  await replay.confirm(stream)
  await expect(move).toBeEnabled()
  await replay.dialog.screenshot({ path: testInfo.outputPath('replay-redis-to-rabbit.png') })
  await move.click()

  await expect(replay.reportDialog).toContainText(
    `Moved ${REDIS_ENTRIES} of ${REDIS_ENTRIES} messages from stream:${stream} to queue:${FROM_REDIS} on e2e replay rabbit.`,
  )
  await expect(replay.reportDialog).toContainText(`0 of the ${REDIS_ENTRIES} left in the source.`)
  await replay.reportDialog.screenshot({ path: testInfo.outputPath('replay-redis-report.png') })
  await replay.reportDialog.getByRole('button', { name: 'Close' }).click()
  expect(await redis.client.xlen(stream)).toBe(0)

  // Each entry arrived as a message: the body, and its other fields as headers.
  const client = await amqp.connect(vhost.url)
  try {
    const ch = await client.createChannel()
    const first = await ch.get(FROM_REDIS, { noAck: true })
    expect(first && first.content.toString()).toBe('{"order":1}')
    expect(first && first.properties.headers).toMatchObject({ tenant: 'acme', 'qs-replayed-from': `stream:${stream}`, 'qs-replay-count': 1 })
    expect((await ch.checkQueue(FROM_REDIS)).messageCount).toBe(REDIS_ENTRIES - 1)
  } finally {
    await client.close()
  }

  // The journal says where it went by the profile's name.
  await replay.openJournal()
  await expect(replay.journalRows().nth(1)).toContainText(`queue:${FROM_REDIS} on e2e replay rabbit`)
})
