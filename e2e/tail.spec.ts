import type { Redis } from 'ioredis'
import { test, expect } from './support/fixtures'
import { ProfilesPage } from './pages/profiles.page'
import { OverviewPage } from './pages/overview.page'
import { TailPage } from './pages/tail.page'
import { createTestRedis, type TestRedis } from '../src/test-support/brokers'

let redis: TestRedis
/** A subscriber of our own, so PUBSUB CHANNELS lists the channel (pub/sub has no keys to find). */
let subscriber: Redis
let channel: string
let stream: string

test.beforeAll(async () => {
  redis = await createTestRedis('e2e-tail')
  channel = `${redis.prefix}news`
  stream = `${redis.prefix}events`
  await redis.client.xadd(stream, '*', 'body', JSON.stringify({ event: 'created', order: 0 }))
  subscriber = redis.client.duplicate()
  await subscriber.subscribe(channel)
})

test.afterAll(async () => {
  await subscriber?.quit()
  await redis?.remove()
})

async function numsub(name: string): Promise<number> {
  const reply = (await redis.client.pubsub('NUMSUB', name)) as [string, number]
  return Number(reply[1])
}

test('tail a pub/sub channel: messages arrive, pause holds the list, clear empties it, leaving stops the tail', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.add({ name: 'e2e tail', broker: 'redis', url: 'redis://127.0.0.1:6379/0' })
  await profiles.open('e2e tail')
  const overview = new OverviewPage(app)
  await overview.filter(redis.prefix)
  await overview.expectRow(channel, ['channel'])
  const tail = new TailPage(app, await overview.openDetails('channel', channel))
  await tail.open()
  await expect(tail.panel.getByText(/^Subscribers/)).toHaveText('Subscribers 1')
  await tail.start()
  await expect.poll(() => numsub(channel)).toBe(2)

  for (let n = 1; n <= 3; n++) await redis.client.publish(channel, JSON.stringify({ n, headline: `story ${n}`, tags: ['e2e', 'tail'] }))
  await expect(tail.rows).toHaveCount(3)
  // Newest first.
  await expect(tail.rows.first()).toContainText('"n":3')
  await expect(tail.status).toContainText('3 received')

  await tail.button('Pause').click()
  await redis.client.publish(channel, JSON.stringify({ n: 4 }))
  await redis.client.publish(channel, JSON.stringify({ n: 5 }))
  await expect(tail.status).toContainText('Paused: 2 new')
  await expect(tail.rows).toHaveCount(3)
  await tail.button('Resume').click()
  await expect(tail.rows).toHaveCount(5)
  await expect(tail.rows.first()).toContainText('"n":5')

  await tail.rows.nth(2).getByRole('button').click()
  const detail = tail.detail('3')
  await expect(detail.getByLabel('Body', { exact: true })).toContainText('"headline": "story 3"')
  await app.screenshot({ path: testInfo.outputPath('tail-channel.png') })

  await tail.button('Clear').click()
  await expect(tail.rows).toHaveCount(0)
  await expect(tail.panel.getByText('Waiting for messages…')).toBeVisible()
  await redis.client.publish(channel, 'plain text after clear')
  await expect(tail.rows).toHaveCount(1)
  await expect(tail.status).toContainText('6 received')

  // Another tab: the tail goes, and its subscription with it.
  await tail.panel.getByRole('tab', { name: 'Details', exact: true }).click()
  await expect.poll(() => numsub(channel)).toBe(1)
})

test('tail a channel pattern and a stream', async ({ app }, testInfo) => {
  const profiles = new ProfilesPage(app)
  await profiles.add({ name: 'e2e tail 2', broker: 'redis', url: 'redis://127.0.0.1:6379/0' })
  await profiles.open('e2e tail 2')
  const overview = new OverviewPage(app)
  await overview.filter(redis.prefix)

  // PSUBSCRIBE: every channel under the prefix, each message labelled with its channel.
  const tail = new TailPage(app, await overview.openDetails('channel', channel))
  await tail.open()
  await tail.patternToggle.check()
  await tail.patternInput.fill(`${redis.prefix}*`)
  await tail.start()
  await redis.client.publish(`${redis.prefix}alerts`, 'disk full')
  await redis.client.publish(channel, 'hello')
  await expect(tail.rows).toHaveCount(2)
  await expect(tail.rows.first()).toContainText(channel)
  await expect(tail.rows.nth(1)).toContainText(`${redis.prefix}alerts`)
  await tail.button('Stop').click()
  await expect(tail.status).toContainText('Stopped')
  await expect(tail.rows).toHaveCount(2)

  // A stream: entries added from now on.
  const live = new TailPage(app, await overview.openDetails('stream', stream))
  await live.open()
  await live.start()
  const ids: string[] = []
  for (let n = 1; n <= 4; n++) ids.push((await redis.client.xadd(stream, '*', 'body', JSON.stringify({ event: 'paid', order: n }), 'tenant', 'acme'))!)
  await expect(live.rows).toHaveCount(4)
  await expect(live.rows.first()).toContainText(ids[3]!)
  await live.rows.first().getByRole('button').click()
  const detail = live.detail(ids[3]!)
  await expect(detail.getByLabel('Body', { exact: true })).toContainText('"order": 4')
  await expect(detail.getByRole('table', { name: 'Headers' })).toContainText('acme')
  await app.screenshot({ path: testInfo.outputPath('tail-stream.png') })
})
