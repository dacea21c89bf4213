import { Job, Queue, Worker, type ConnectionOptions } from 'bullmq'
import { test, expect } from './support/fixtures'
import { ProfilesPage } from './pages/profiles.page'
import { OverviewPage } from './pages/overview.page'
import { BullmqPage } from './pages/bullmq.page'
import { createTestRedis, REDIS_URL, type TestRedis } from '../src/test-support/brokers'

// Jobs made by the bullmq package itself, under a BullMQ prefix inside this file's own key prefix
// (removed afterwards with every other key of the test).
const url = new URL(REDIS_URL)
const connection: ConnectionOptions = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null }
let redis: TestRedis
let queue: Queue
let prefix: string
const failedIds: string[] = []

test.beforeAll(async () => {
  redis = await createTestRedis('e2e-bullmq')
  prefix = `${redis.prefix}bull`
  queue = new Queue('mail', { connection, prefix })
  for (let n = 0; n < 6; n++) await queue.add('send', { n, to: `user-${n}@example.com`, template: 'receipt' }, { attempts: 1 })
  // A real worker: odd jobs throw, so they fail with BullMQ's own reason and stack trace.
  const worker = new Worker(
    'mail',
    async (job) => {
      if (job.data.n % 2 === 1) throw new Error(`SMTP 550 mailbox unavailable: user-${job.data.n}@example.com`)
      return { delivered: true, messageId: `<m${job.data.n}@example.com>` }
    },
    { connection, prefix },
  )
  await new Promise<void>((resolve) => {
    let finished = 0
    const done = () => ++finished === 6 && resolve()
    worker.on('completed', done)
    worker.on('failed', (job) => {
      failedIds.push(job!.id!)
      done()
    })
  })
  await worker.close()
  // No worker from here on: these stay delayed and waiting, and a retried job stays waiting.
  await queue.add('send', { n: 10 }, { delay: 3_600_000 })
  await queue.add('send', { n: 11 })
})

test.afterAll(async () => {
  await queue?.close()
  await redis?.remove()
})

test('a failed BullMQ job: its reason and stack trace, then retry it from the UI', async ({ app }, testInfo) => {
  const name = `${prefix}:mail`
  const profiles = new ProfilesPage(app)
  await profiles.add({ name: 'e2e bullmq', broker: 'redis', url: 'redis://127.0.0.1:6379/0' })
  await profiles.open('e2e bullmq')
  const overview = new OverviewPage(app)
  await overview.filter(redis.prefix)
  // Messages: jobs not started yet (1 waiting + 1 delayed); the summary marks the failed ones.
  await overview.expectRow(name, ['bullmq', '2'])
  await expect(overview.row(name)).toContainText('1 delayed · 3 failed')

  const jobs = new BullmqPage(app, await overview.openDetails('bullmq', name))
  await jobs.open()
  await expect(jobs.chip('waiting')).toHaveAccessibleName('waiting 1')
  await expect(jobs.chip('completed')).toHaveAccessibleName('completed 3')
  await expect(jobs.chip('failed')).toHaveAccessibleName('failed 3')
  await jobs.showState('failed')
  await expect(jobs.jobs.getByRole('listitem')).toHaveCount(3)

  const id = failedIds[0]!
  const failedJob = await Job.fromId(queue, id)
  const detail = await jobs.openJob(id)
  await expect(detail).toContainText(`SMTP 550 mailbox unavailable: user-${failedJob!.data.n}@example.com`)
  await expect(detail.getByLabel('Stack trace')).toContainText('Error: SMTP 550')
  await expect(detail.getByLabel('Stack trace')).toContainText('at ')
  await expect(detail.getByLabel('Job data')).toContainText('"template": "receipt"')
  await expect(detail).toContainText('1 / 1 (made / allowed)')
  await jobs.pick(id)
  await jobs.chip('failed').scrollIntoViewIfNeeded()
  await app.screenshot({ path: testInfo.outputPath('bullmq-failed.png') })

  await jobs.button('Retry selected (1)').click()
  await expect(app.getByRole('status').filter({ hasText: 'Retried 1 job' })).toBeVisible()
  // BullMQ itself says the job is waiting again; the page follows.
  await expect.poll(async () => (await Job.fromId(queue, id))!.getState()).toBe('waiting')
  await expect(jobs.chip('failed')).toHaveAccessibleName('failed 2')
  await expect(jobs.job(id)).toHaveCount(0)
  await jobs.showState('waiting')
  await expect(jobs.job(id)).toBeVisible()
  await app.screenshot({ path: testInfo.outputPath('bullmq-retried.png') })

  // Clean completed: the typed queue name is what enables it.
  await jobs.showState('completed')
  await jobs.button('Clean completed…').click()
  const dialog = app.getByRole('alertdialog', { name: 'Clean completed jobs' })
  const clean = dialog.getByRole('button', { name: 'Clean', exact: true })
  await expect(clean).toBeDisabled()
  await dialog.getByLabel('Type the queue name to confirm').fill(name)
  await clean.click()
  await expect(dialog).toBeHidden()
  await expect(app.getByRole('status').filter({ hasText: 'Removed 3 completed jobs' })).toBeVisible()
  await expect.poll(() => queue.getCompletedCount()).toBe(0)
  await expect(jobs.chip('completed')).toHaveAccessibleName('completed 0')
})

test('a read-only profile offers no retry, and says why', async ({ app }) => {
  const name = `${prefix}:mail`
  const profiles = new ProfilesPage(app)
  await profiles.add({ name: 'e2e bullmq prod', broker: 'redis', url: 'redis://127.0.0.1:6379/0', readOnly: true })
  await profiles.open('e2e bullmq prod')
  const overview = new OverviewPage(app)
  await overview.filter(redis.prefix)
  const jobs = new BullmqPage(app, await overview.openDetails('bullmq', name))
  await jobs.open()
  await jobs.showState('failed')
  const retryAll = jobs.button('Retry all failed…')
  await expect(retryAll).toBeDisabled()
  await expect(retryAll).toHaveAccessibleDescription('Read-only profile: retrying and cleaning jobs are not allowed')
  await expect(jobs.panel.getByRole('checkbox', { name: /^Select job/ })).toHaveCount(0)
})
