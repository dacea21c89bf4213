import { describe, expect, it } from 'vitest'
import type { CallRequest } from '../../../shared/contract'
import { QsError } from '../../../shared/errors'
import type { BullmqCounts, BullmqJob } from '../../../shared/bullmq'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { selectBullmqFor, selectedJobOf } from './bullmq.selectors'
import type { BullmqJobsPage } from './bullmq.slice'

const LISTING = { items: [], warnings: [], scope: '0', listedAt: 1, broker: 'redis' as const }
const SOURCE = 'bullmq:mail'
const COUNTS: BullmqCounts = { waiting: 2, active: 0, delayed: 0, prioritized: 0, completed: 5, failed: 2, paused: 0 }

function job(id: string, overrides: Partial<BullmqJob> = {}): BullmqJob {
  return {
    id,
    name: 'send',
    state: 'failed',
    data: '{"to":"a@b.c"}',
    dataTruncated: false,
    opts: { attempts: 3 },
    attemptsMade: 3,
    attempts: 3,
    failedReason: 'SMTP 550',
    stacktrace: ['Error: SMTP 550\n    at send (mail.js:1:1)'],
    returnValue: null,
    progress: null,
    timestamp: 1000,
    processedOn: 1100,
    finishedOn: 1200,
    delay: 0,
    priority: 0,
    ...overrides,
  }
}

/** A bullmq:jobs that answers from a table of jobs per state, as the core pages them. */
function jobsApi(byState: Partial<Record<string, BullmqJob[]>>, counts = COUNTS) {
  return async (request: CallRequest<'bullmq:jobs'>): Promise<BullmqJobsPage> => {
    const all = byState[request.state] ?? []
    const start = request.start ?? 0
    return { jobs: all.slice(start, start + (request.count ?? 50)), counts, total: all.length }
  }
}

describe('bullmq slice', () => {
  it('opens a queue on its waiting jobs, switches state from the first page, and keeps one queue at a time', async () => {
    const fake = createFakeApi({ bullmqJobs: jobsApi({ waiting: [job('3', { state: 'waiting' })], failed: [job('1'), job('2')] }) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadBullmqJobs('p1', SOURCE)
    expect(fake.calls[0]).toEqual({ method: 'bullmqJobs', request: { connectionId: 'p1', source: SOURCE, state: 'waiting', start: 0, count: 50 } })
    expect(selectBullmqFor('p1', SOURCE)(store.getState())?.page?.jobs.map((j) => j.id)).toEqual(['3'])

    await store.getState().loadBullmqJobs('p1', SOURCE, { state: 'failed' })
    const view = selectBullmqFor('p1', SOURCE)(store.getState())!
    expect(view.state).toBe('failed')
    expect(view.page?.total).toBe(2)
    store.getState().selectJob('2')
    expect(selectedJobOf(store.getState().bullmq)?.failedReason).toBe('SMTP 550')

    await store.getState().loadBullmqJobs('p1', 'bullmq:other')
    expect(selectBullmqFor('p1', SOURCE)(store.getState())).toBeNull()
    expect(store.getState().bullmq).toMatchObject({ source: 'bullmq:other', state: 'waiting', selectedJobId: null })
  })

  it('pages within a state and keeps the state when no state is given', async () => {
    const failed = Array.from({ length: 120 }, (_, i) => job(String(i)))
    const fake = createFakeApi({ bullmqJobs: jobsApi({ failed }) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadBullmqJobs('p1', SOURCE, { state: 'failed' })
    await store.getState().loadBullmqJobs('p1', SOURCE, { start: 100 })
    const view = store.getState().bullmq!
    expect(view.state).toBe('failed')
    expect(view.page?.jobs.map((j) => j.id)).toEqual(failed.slice(100).map((j) => j.id))
  })

  it('ignores the answer to an older load that arrives after a newer one', async () => {
    let releaseFirst!: () => void
    const fake = createFakeApi({
      bullmqJobs: async (request: CallRequest<'bullmq:jobs'>) => {
        if (request.state === 'completed') await new Promise<void>((resolve) => (releaseFirst = resolve))
        return { jobs: [job(request.state)], counts: COUNTS, total: 1 }
      },
    })
    const store = createAppStore({ api: () => fake.api })
    const slow = store.getState().loadBullmqJobs('p1', SOURCE, { state: 'completed' })
    await store.getState().loadBullmqJobs('p1', SOURCE, { state: 'failed' })
    releaseFirst()
    await slow
    expect(store.getState().bullmq).toMatchObject({ state: 'failed', loading: false })
    expect(store.getState().bullmq?.page?.jobs[0]?.id).toBe('failed')
  })

  it('keeps the last page and says why when a load fails', async () => {
    let fail = false
    const fake = createFakeApi({
      bullmqJobs: async (request: CallRequest<'bullmq:jobs'>) => {
        if (fail) throw new QsError('NOT_CONNECTED', 'connection "Local Redis" is reconnecting')
        return jobsApi({ failed: [job('1')] })(request)
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadBullmqJobs('p1', SOURCE, { state: 'failed' })
    fail = true
    await store.getState().loadBullmqJobs('p1', SOURCE)
    expect(store.getState().bullmq).toMatchObject({ loading: false, error: { code: 'NOT_CONNECTED' } })
    expect(store.getState().bullmq?.page?.jobs).toHaveLength(1)
  })

  it('retries the picked failed jobs, says how many, drops what left the state and relists', async () => {
    let failed = [job('1'), job('2'), job('3')]
    const fake = createFakeApi({
      bullmqJobs: async (request: CallRequest<'bullmq:jobs'>) => jobsApi({ failed })(request),
      bullmqRetry: async (request: CallRequest<'bullmq:retry'>) => {
        failed = failed.filter((j) => !request.jobIds?.includes(j.id))
        return { retried: request.jobIds?.length ?? 0, notRetried: [] }
      },
      sourcesList: async () => LISTING,
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadBullmqJobs('p1', SOURCE, { state: 'failed' })
    store.getState().toggleJobPick('1')
    store.getState().toggleJobPick('3')
    store.getState().selectJob('1')
    await store.getState().retryJobs(store.getState().bullmq!.picked)
    expect(fake.calls.find((c) => c.method === 'bullmqRetry')?.request).toEqual({ connectionId: 'p1', source: SOURCE, jobIds: ['1', '3'] })
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'info', message: 'Retried 2 jobs' })
    await eventually(() => store.getState().bullmq?.page?.jobs.length === 1)
    expect(store.getState().bullmq).toMatchObject({ picked: [], selectedJobId: null, busy: false })
    expect(fake.calls.some((c) => c.method === 'sourcesList')).toBe(true)
  })

  it('retries every failed job without ids, and says which were not retried', async () => {
    const fake = createFakeApi({
      bullmqJobs: jobsApi({ failed: [job('1')] }),
      bullmqRetry: async () => ({ retried: 4, notRetried: [{ id: '9', reason: 'job is locked by a worker' }] }),
      sourcesList: async () => LISTING,
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadBullmqJobs('p1', SOURCE, { state: 'failed' })
    store.getState().openBullmqDialog('retry-all')
    await store.getState().retryJobs(null)
    expect(fake.calls.find((c) => c.method === 'bullmqRetry')?.request).toEqual({ connectionId: 'p1', source: SOURCE })
    expect(store.getState().toasts[0]?.message).toBe('Retried 4 jobs; 1 not retried: 9 (job is locked by a worker)')
    expect(store.getState().bullmq?.dialog).toBeNull()
  })

  it('cleans completed jobs with the typed name; a refusal keeps the dialog open', async () => {
    let refuse = true
    const fake = createFakeApi({
      bullmqJobs: jobsApi({ completed: [job('5', { state: 'completed' })] }),
      bullmqClean: async () => {
        if (refuse) throw new QsError('READ_ONLY', 'profile "prod" is read-only')
        return { removed: 5 }
      },
      sourcesList: async () => LISTING,
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadBullmqJobs('p1', SOURCE, { state: 'completed' })
    store.getState().openBullmqDialog('clean')
    expect(await store.getState().cleanCompleted({ graceMs: 60_000, limit: 100, confirm: 'mail' })).toBe(false)
    expect(store.getState().bullmq).toMatchObject({ dialog: 'clean', busy: false })
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'error', code: 'READ_ONLY' })

    refuse = false
    expect(await store.getState().cleanCompleted({ graceMs: 60_000, limit: 100, confirm: 'mail' })).toBe(true)
    expect(fake.calls.filter((c) => c.method === 'bullmqClean').at(-1)?.request).toEqual({
      connectionId: 'p1',
      source: SOURCE,
      state: 'completed',
      graceMs: 60_000,
      limit: 100,
      confirm: 'mail',
    })
    expect(store.getState().bullmq?.dialog).toBeNull()
    expect(store.getState().toasts.at(-1)?.message).toBe('Removed 5 completed jobs')
  })
})

/** Waits for the relist a write starts in the background (no timers: a few turns of the event loop). */
async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 20 && !condition(); i++) await Promise.resolve()
  expect(condition()).toBe(true)
}
