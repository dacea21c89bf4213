import { gzipSync } from 'node:zlib'
import * as amqp from 'amqplib'
import { test, expect } from './support/fixtures'
import { ProfilesPage } from './pages/profiles.page'
import { OverviewPage } from './pages/overview.page'
import { SourcePage } from './pages/source.page'
import { createTestVhost, type TestVhost } from '../src/test-support/brokers'

// Its own vhost, removed afterwards (docs/coding.md "Tests"): parallel-safe and leaves nothing behind.
let vhost: TestVhost
const QUEUE = 'e2e.browse.orders'
const SEEDED = 4
const GZIP_QUEUE = 'e2e.browse.gzipped'
const GZIP_JSON = JSON.stringify({
  event: 'order.shipped',
  order: 42,
  express: true,
  note: null,
  lines: Array.from({ length: 6 }, (_, i) => ({ sku: `SKU-${i + 1}`, qty: i + 1 })),
})
const GZIPPED = gzipSync(Buffer.from(GZIP_JSON))

test.beforeAll(async () => {
  vhost = await createTestVhost('e2e-browse')
  const client = await amqp.connect(vhost.url)
  const ch = await client.createConfirmChannel()
  await ch.assertQueue(QUEUE)
  for (let i = 1; i <= SEEDED; i++) {
    ch.sendToQueue(QUEUE, Buffer.from(JSON.stringify({ order: i, sku: `SKU-${i}`, lines: [{ qty: i }] })), {
      contentType: 'application/json',
      messageId: `order-${i}`,
      timestamp: Math.floor(Date.now() / 1000),
      headers: { tenant: 'acme', attempt: i },
    })
  }
  // A compressed body, as a plain AMQP client sends one: gzip bytes with content-encoding set.
  await ch.assertQueue(GZIP_QUEUE)
  ch.sendToQueue(GZIP_QUEUE, GZIPPED, { contentType: 'application/json', contentEncoding: 'gzip', messageId: 'shipped-42' })
  await ch.waitForConfirms()
  await client.close()
})

test.afterAll(async () => {
  await vhost?.remove()
})

test('browse a queue, read a message, publish one, and purge it with a typed name', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e browse', vhost.name)
  await profiles.open('e2e browse')
  const overview = new OverviewPage(app)
  await overview.filter(QUEUE)
  await overview.expectRow(QUEUE, [String(SEEDED)])
  const source = new SourcePage(app, await overview.openDetails('queue', QUEUE))

  // Messages: what a browse does is said before it runs; the page shows every message.
  await source.openTab('Messages')
  await expect(source.panel.getByText(/marks it redelivered and may reorder/)).toBeVisible()
  await source.browse(10)
  await expect(source.messages.getByRole('listitem')).toHaveCount(SEEDED)
  await expect(source.message('1')).toContainText('order-1')
  await source.message('2').getByRole('button').click()
  const detail = source.messageDetail('2')
  await expect(detail.getByRole('button', { name: 'Pretty' })).toHaveAttribute('aria-pressed', 'true')
  await expect(detail.getByLabel('Body', { exact: true })).toContainText('"sku": "SKU-2"')
  const headers = detail.getByRole('table', { name: 'Headers' })
  await expect(headers.getByRole('row').filter({ hasText: 'tenant' })).toContainText('acme')
  await expect(detail.getByRole('table', { name: 'Properties' })).toContainText('application/json')
  await app.screenshot({ path: testInfo.outputPath('queue-messages.png') })
  await detail.getByRole('button', { name: 'Hex' }).click()
  await expect(detail.getByLabel('Body', { exact: true })).toContainText('00000000  7b 22')
  await app.screenshot({ path: testInfo.outputPath('queue-message-hex.png') })
  // The keyboard walks the list: Down selects the next message, Up the one before.
  await source.message('2').getByRole('button').focus()
  await app.keyboard.press('ArrowDown')
  await expect(source.messageDetail('3').getByLabel('Body', { exact: true })).toBeVisible()
  await app.keyboard.press('ArrowUp')
  await expect(source.messageDetail('2').getByLabel('Body', { exact: true })).toBeVisible()

  // Publish: through the default exchange to the queue.
  await source.openTab('Publish')
  // The editor lints JSON inline and the hint under it says why.
  await source.bodyEditor.fill('{"order": ')
  await expect(source.bodyEditor).toHaveAttribute('aria-invalid', 'true')
  await expect(source.panel.getByText(/^Not valid JSON/)).toBeVisible()
  await expect(source.panel.locator('.cm-lintRange-error')).toHaveCount(1)
  await app.screenshot({ path: testInfo.outputPath('queue-publish-invalid.png') })
  await source.publish(JSON.stringify({ order: 99 }), { source: 'e2e' })
  await expect(source.publishResult).toHaveText('Routed')
  await app.screenshot({ path: testInfo.outputPath('queue-publish.png') })
  // With the details panel open, the table keeps Ready (not Messages) beside it.
  await expect(await overview.cell(QUEUE, 'Ready')).toHaveText(String(SEEDED + 1), { timeout: 30_000 })

  // Purge: the count that goes, the name typed to confirm.
  const dialog = await source.purge(QUEUE)
  await expect(dialog).toContainText(`${SEEDED + 1} ready messages`)
  await expect(dialog).toContainText('Unacked messages')
  await app.screenshot({ path: testInfo.outputPath('queue-purge.png') })
  await dialog.getByRole('button', { name: 'Purge', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect(app.getByRole('status').filter({ hasText: `Purged ${SEEDED + 1} messages` })).toBeVisible()
  // The listing refreshes after the purge: Ready drops to 0.
  await expect(await overview.cell(QUEUE, 'Ready')).toHaveText('0', { timeout: 30_000 })
})

test('a gzip-encoded JSON body shows decoded, highlighted and foldable; Hex shows the stored bytes', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.addRabbitMq('e2e gzip', vhost.name)
  await profiles.open('e2e gzip')
  const overview = new OverviewPage(app)
  await overview.filter(GZIP_QUEUE)
  await overview.expectRow(GZIP_QUEUE, ['1'])
  const source = new SourcePage(app, await overview.openDetails('queue', GZIP_QUEUE))

  await source.openTab('Messages')
  await source.browse(10)
  await source.message('1').getByRole('button').click()
  const detail = source.messageDetail('1')
  const body = source.messageBody('1')
  await expect(
    detail.getByText(`gzip · ${GZIPPED.length.toLocaleString('en-US')} bytes → ${Buffer.byteLength(GZIP_JSON).toLocaleString('en-US')} bytes decoded`),
  ).toBeVisible()
  await expect(detail.getByRole('button', { name: 'Pretty' })).toHaveAttribute('aria-pressed', 'true')
  await expect(body).toContainText('"event": "order.shipped"')
  // Highlighted: JSON keys and strings are tokens of their own (CodeMirror, lang-json).
  await expect(body.locator('.tok-propertyName').first()).toHaveText('"event"')
  await expect(body.locator('.tok-string').first()).toHaveText('"order.shipped"')
  await expect(detail.locator('.cm-foldGutter')).toBeVisible()
  await app.screenshot({ path: testInfo.outputPath('queue-message-gzip.png') })
  await detail.screenshot({ path: testInfo.outputPath('message-detail-gzip.png') })
  await app.emulateMedia({ colorScheme: 'dark' })
  await detail.screenshot({ path: testInfo.outputPath('message-detail-gzip-dark.png') })
  await app.emulateMedia({ colorScheme: 'light' })

  // Folding the top-level object leaves one line with a placeholder.
  await detail.locator('.cm-foldGutter .cm-gutterElement').filter({ hasText: '⌄' }).first().click()
  await expect(body.locator('.cm-foldPlaceholder')).toBeVisible()
  await expect(body).not.toContainText('"order.shipped"')

  // Raw: the decoded text as sent; Hex: the gzip bytes as stored.
  await detail.getByRole('button', { name: 'Raw' }).click()
  await expect(body).toContainText(GZIP_JSON)
  await detail.getByRole('button', { name: 'Hex' }).click()
  await expect(body).toContainText('00000000  1f 8b 08')
})
