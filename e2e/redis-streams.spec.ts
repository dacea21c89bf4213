import { test, expect } from './support/fixtures'
import { ProfilesPage } from './pages/profiles.page'
import { OverviewPage } from './pages/overview.page'
import { RedisPage } from './pages/redis.page'
import { createTestRedis, REDIS_URL, type TestRedis } from '../src/test-support/brokers'

// Redis streams in the UI: discovery by key pattern, a stream's groups and consumers, paging by
// id, a pending-entry claim and a trim with a typed name. Its own key prefix, removed afterwards
// (docs/coding.md "Tests").
let redis: TestRedis
let stream: string
const ENTRIES = 30
/** billing reads everything and acknowledges all but 5; shipping reads 10 and acknowledges 6. */
const BILLING_PENDING = 5
const SHIPPING_READ = 10
const SHIPPING_PENDING = 4
let ids: string[] = []

test.beforeAll(async () => {
  redis = await createTestRedis('e2e-streams')
  stream = `${redis.prefix}orders`
  const client = redis.client
  for (let i = 1; i <= ENTRIES; i++) {
    await client.xadd(stream, '*', 'order', JSON.stringify({ id: i, total: i * 10, lines: [{ sku: `SKU-${i}`, qty: 1 }] }), 'status', i % 3 ? 'new' : 'paid')
  }
  ids = (await client.xrange(stream, '-', '+')).map(([id]) => id)
  await client.xgroup('CREATE', stream, 'billing', '0')
  await client.xgroup('CREATE', stream, 'shipping', '0')
  // Another client's consumers: what they read and did not acknowledge is pending.
  await client.xreadgroup('GROUP', 'billing', 'billing-1', 'COUNT', ENTRIES, 'STREAMS', stream, '>')
  await client.xack(stream, 'billing', ...ids.slice(0, ENTRIES - BILLING_PENDING))
  await client.xreadgroup('GROUP', 'shipping', 'shipping-1', 'COUNT', SHIPPING_READ, 'STREAMS', stream, '>')
  await client.xack(stream, 'shipping', ...ids.slice(0, SHIPPING_READ - SHIPPING_PENDING))
})

test.afterAll(async () => {
  await redis?.remove()
})

test('a stream’s groups and consumers, pages by id, a pending-entry claim, the lag chart and a trim', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.add({ name: 'e2e redis streams', broker: 'redis', url: REDIS_URL })
  await profiles.open('e2e redis streams')
  // Discovery of this test's keys only: SCAN MATCH with the prefix.
  await RedisPage.setKeyPattern(app, `${redis.prefix}*`)
  const overview = new OverviewPage(app)
  await overview.expectRow(stream, [String(ENTRIES), '2 groups · max lag 20'])
  await expect(app.getByText(`keys ${redis.prefix}*`)).toBeVisible()

  const source = new RedisPage(app, await overview.openDetails('stream', stream))

  // Details: each group's lag and pending count match what XINFO says, with its consumers.
  await source.openTab('Details')
  await expect(source.group('billing').getByRole('cell').nth(0)).toHaveText('0')
  await expect(source.group('billing').getByRole('cell').nth(1)).toHaveText(String(BILLING_PENDING))
  await expect(source.group('shipping').getByRole('cell').nth(0)).toHaveText(String(ENTRIES - SHIPPING_READ))
  await expect(source.group('shipping').getByRole('cell').nth(1)).toHaveText(String(SHIPPING_PENDING))
  await expect(source.group('shipping').getByRole('cell').nth(3)).toHaveText(String(SHIPPING_READ))
  await expect(source.group('shipping').getByRole('cell').nth(4)).toHaveText(ids[SHIPPING_READ - 1]!)
  await expect(source.consumers('billing').getByRole('row', { name: /billing-1/ })).toContainText(String(BILLING_PENDING))
  await expect(source.consumers('shipping').getByRole('row', { name: /shipping-1/ })).toContainText(String(SHIPPING_PENDING))
  await app.screenshot({ path: testInfo.outputPath('redis-stream-groups.png') })

  // Messages: newest first, pages of 10 by id, back, oldest first, and a jump to an id.
  await source.openTab('Messages')
  await source.setCount(10)
  await expect(source.pageStatus).toHaveText('Newest first · 10 entries')
  await expect.poll(() => source.entryIds()).toEqual([...ids].reverse().slice(0, 10))
  await source.pagingButton('Next page').click()
  await expect.poll(() => source.entryIds()).toEqual([...ids].reverse().slice(10, 20))
  await expect(source.pageStatus).toHaveText(`Newest first, after ${ids[ENTRIES - 10]} · 10 entries`)
  await source.pagingButton('Previous').click()
  await expect.poll(() => source.entryIds()).toEqual([...ids].reverse().slice(0, 10))
  await source.pagingButton('Oldest').click()
  await expect.poll(() => source.entryIds()).toEqual(ids.slice(0, 10))
  await source.jumpTo(ids[24]!)
  await expect.poll(() => source.entryIds()).toEqual(ids.slice(24, 30))
  await expect(source.pagingButton('Next page')).toBeDisabled()
  // An entry's fields, its JSON value formatted.
  await source.entries.locator(`[data-message-id="${ids[26]}"]`).click()
  const entry = source.panel.getByRole('region', { name: `Entry ${ids[26]}` })
  await expect(entry.getByRole('table', { name: 'Fields' })).toContainText('"sku": "SKU-27"')
  await expect(entry.getByRole('table', { name: 'Fields' }).getByRole('row', { name: /status/ })).toContainText('paid')
  await app.screenshot({ path: testInfo.outputPath('redis-stream-messages.png') })

  // Pending: claim two of shipping's pending entries to another consumer.
  await source.openTab('Pending')
  await source.pickGroup('shipping')
  const pendingIds = ids.slice(SHIPPING_READ - SHIPPING_PENDING, SHIPPING_READ)
  await expect(source.pending.getByRole('row')).toHaveCount(SHIPPING_PENDING + 1)
  for (const id of pendingIds) await expect(source.pendingRow(id)).toContainText('shipping-1')
  await source.tick(pendingIds[0]!)
  await source.tick(pendingIds[2]!)
  await app.screenshot({ path: testInfo.outputPath('redis-pending-selected.png') })
  const outcome = await source.claim('shipping-2')
  await expect(outcome).toHaveText('Claimed 2 entries to shipping-2')
  await expect(source.pendingRow(pendingIds[0]!)).toContainText('shipping-2')
  await expect(source.pendingRow(pendingIds[1]!)).toContainText('shipping-1')
  // What Redis itself says: the new owner of exactly those two.
  const pel = (await redis.client.xpending(stream, 'shipping', '-', '+', 10)) as [string, string, number, number][]
  expect(Object.fromEntries(pel.map(([id, owner]) => [id, owner]))).toEqual({
    [pendingIds[0]!]: 'shipping-2',
    [pendingIds[1]!]: 'shipping-1',
    [pendingIds[2]!]: 'shipping-2',
    [pendingIds[3]!]: 'shipping-1',
  })
  await app.screenshot({ path: testInfo.outputPath('redis-pending.png') })

  // Chart: each group's lag over time (the core samples every 5 s; the line needs two samples).
  await source.openTab('Chart')
  await expect(source.lagSentences.getByRole('listitem')).toHaveCount(2)
  await expect(source.lagChart).toBeVisible({ timeout: 30_000 })
  await expect(source.lagSentences).toContainText(/billing: (caught up|steady)/)
  await app.screenshot({ path: testInfo.outputPath('redis-lag-chart.png') })

  // Trim with a typed name: the newest 10 stay, and both groups with them.
  const dialog = await source.prepareTrim(10, stream)
  await expect(dialog).toContainText(`Removes the oldest 20 entries of 30, keeping the newest 10.`)
  await app.screenshot({ path: testInfo.outputPath('redis-trim.png') })
  await dialog.getByRole('button', { name: 'Trim', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect.poll(() => redis.client.xlen(stream)).toBe(10)
  expect(((await redis.client.xinfo('GROUPS', stream)) as unknown[]).length).toBe(2)
  await overview.expectRow(stream, ['10'])
})
