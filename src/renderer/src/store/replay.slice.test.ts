import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import type { ReplayReport } from '../../../shared/replay'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { replayRequestKey, type ReplayStartRequest } from './replay.slice'

const LISTING = { items: [], warnings: [], scope: '/', listedAt: 1, broker: 'rabbitmq' as const }
const JOURNAL = { replays: [], journal: '/tmp/replays.ndjson' }

function report(overrides: Partial<ReplayReport> = {}): ReplayReport {
  return {
    id: 'r1',
    mode: 'move',
    dryRun: false,
    source: 'queue:orders.dlq',
    target: 'origin (each message’s x-death)',
    total: 20,
    scanned: 20,
    published: 20,
    acknowledged: 20,
    failed: 0,
    skipped: 0,
    left: 0,
    duplicates: 0,
    cancelled: false,
    failures: [],
    preview: [],
    startedAt: 1000,
    finishedAt: 3000,
    ...overrides,
  }
}

const MOVE: ReplayStartRequest = {
  connectionId: 'p1',
  source: 'queue:orders.dlq',
  to: { toOrigin: true, connectionId: 'p1' },
  mode: 'move',
  filters: [],
  dryRun: false,
  confirm: 'orders.dlq',
}

/** A replay:start whose answer the test gives when it wants (the real one resolves when the replay ends). */
function deferredStart() {
  let resolve!: (r: ReplayReport) => void
  let reject!: (e: unknown) => void
  const requests: ReplayStartRequest[] = []
  const start = (request: ReplayStartRequest) => {
    requests.push(request)
    return new Promise<ReplayReport>((res, rej) => {
      resolve = res
      reject = rej
    })
  }
  return { start, requests, resolve: (r: ReplayReport) => resolve(r), reject: (e: unknown) => reject(e) }
}

describe('replay slice', () => {
  it('follows a replay by the id it gave: progress events, then the report; relists the source and the journal', async () => {
    const deferred = deferredStart()
    const fake = createFakeApi({ replayStart: deferred.start as never, sourcesList: async () => LISTING, replayList: async () => JOURNAL })
    const store = createAppStore({ api: () => fake.api })
    store.getState().openReplayDialog('p1', 'queue:orders.dlq')
    const done = store.getState().startReplay(MOVE)
    const run = store.getState().replayRun!
    expect(deferred.requests[0]).toMatchObject({ ...MOVE, id: run.id })
    expect(run.id).toMatch(/\S{16,}/)

    store.getState().applyReplayProgress({ id: 'someone-else', scanned: 1, total: 2, published: 1, failed: 0, skipped: 0, rate: 1, etaMs: 1 })
    expect(store.getState().replayRun!.progress).toBeNull()
    const progress = { id: run.id, scanned: 12, total: 20, published: 12, failed: 0, skipped: 0, rate: 340, etaMs: 3000 }
    store.getState().applyReplayProgress(progress)
    expect(store.getState().replayRun!.progress).toEqual(progress)

    deferred.resolve(report({ id: run.id }))
    await done
    expect(store.getState().replayRun!.report).toMatchObject({ published: 20 })
    // A late progress event does not move the final numbers back.
    store.getState().applyReplayProgress({ ...progress, scanned: 19 })
    expect(store.getState().replayRun!.progress!.scanned).toBe(12)
    expect(fake.calls.filter((c) => c.method === 'sourcesList')).toHaveLength(1)
    // The vhost picker's counts changed too.
    expect(fake.calls.filter((c) => c.method === 'brokerOverview')).toEqual([{ method: 'brokerOverview', request: { connectionId: 'p1' } }])
    expect(fake.calls.some((c) => c.method === 'replayList')).toBe(true)
    expect(store.getState().replayJournal.listing).toEqual(JOURNAL)
  })

  it('keeps a dry run apart as the preview, and does not relist (nothing changed)', async () => {
    const fake = createFakeApi({ replayStart: async (r) => report({ id: r.id!, dryRun: true, acknowledged: 0, left: 20 }), replayList: async () => JOURNAL })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().startReplay({ ...MOVE, dryRun: true, confirm: undefined })
    expect(store.getState().replayPreview!.report).toMatchObject({ dryRun: true })
    expect(store.getState().replayPreview!.requestKey).toBe(replayRequestKey(MOVE))
    expect(store.getState().replayRun).toBeNull()
    expect(fake.calls.some((c) => c.method === 'sourcesList')).toBe(false)
  })

  it('keeps the refusal on the run, so the dialog can say it next to the form', async () => {
    const fake = createFakeApi({
      replayStart: async () => {
        throw new QsError('BAD_REQUEST', 'move not confirmed: type the source name "orders.dlq" exactly')
      },
      replayList: async () => JOURNAL,
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().startReplay({ ...MOVE, confirm: 'nope' })
    expect(store.getState().replayRun!.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('not confirmed') })
    expect(store.getState().replayRun!.report).toBeNull()
  })

  it('cancels by id and refuses a second real replay while one runs', async () => {
    const deferred = deferredStart()
    const fake = createFakeApi({
      replayStart: deferred.start as never,
      replayCancel: async () => ({ cancelled: true }),
      sourcesList: async () => LISTING,
      replayList: async () => JOURNAL,
    })
    const store = createAppStore({ api: () => fake.api })
    const done = store.getState().startReplay(MOVE)
    const id = store.getState().replayRun!.id
    await store.getState().startReplay({ ...MOVE, source: 'queue:other' })
    expect(deferred.requests).toHaveLength(1)

    await store.getState().cancelReplay(id)
    expect(fake.calls.find((c) => c.method === 'replayCancel')!.request).toEqual({ id })
    expect(store.getState().replayRun!.cancelling).toBe(true)
    deferred.resolve(report({ id, cancelled: true, published: 12, acknowledged: 12, left: 8 }))
    await done
    expect(store.getState().replayRun).toMatchObject({ cancelling: false, report: { cancelled: true } })
  })

  it('toasts the outcome of a replay whose dialog was closed, and drops the stale browse after a move', async () => {
    const deferred = deferredStart()
    const fake = createFakeApi({ replayStart: deferred.start as never, sourcesList: async () => LISTING, replayList: async () => JOURNAL })
    const store = createAppStore({ api: () => fake.api })
    store.setState({ browse: { connectionId: 'p1', source: 'queue:orders.dlq', loading: false, result: null, error: null, selectedMessageId: null } })
    store.getState().setReplaySelection('p1', 'queue:orders.dlq', ['a', 'b'])
    store.getState().openReplayDialog('p1', 'queue:orders.dlq', ['a', 'b'])
    const done = store.getState().startReplay({ ...MOVE, messageIds: ['a', 'b'] })
    store.getState().closeDialog()
    deferred.resolve(report({ id: store.getState().replayRun!.id, total: 2, published: 2, acknowledged: 2 }))
    await done
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'info', message: expect.stringContaining('Moved 2 of 2 messages') })
    expect(store.getState().browse).toBeNull()
    expect(store.getState().replaySelection).toBeNull()
  })

  it('opening the dialog again forgets a finished run and the old preview, but keeps a running one', async () => {
    const deferred = deferredStart()
    const fake = createFakeApi({ replayStart: deferred.start as never, sourcesList: async () => LISTING, replayList: async () => JOURNAL })
    const store = createAppStore({ api: () => fake.api })
    const done = store.getState().startReplay(MOVE)
    store.getState().openReplayDialog('p1', 'queue:orders.dlq')
    expect(store.getState().replayRun).not.toBeNull()
    expect(store.getState().dialog).toEqual({ kind: 'replay', connectionId: 'p1', source: 'queue:orders.dlq', messageIds: null })
    deferred.resolve(report({ id: store.getState().replayRun!.id }))
    await done
    store.getState().openReplayDialog('p1', 'queue:orders.dlq')
    expect(store.getState().replayRun).toBeNull()
  })

  it('ticks and unticks messages for "Replay selected", per source', () => {
    const store = createAppStore({ api: () => createFakeApi({}).api })
    const { toggleReplaySelection } = store.getState()
    toggleReplaySelection('p1', 'queue:q', 'a')
    toggleReplaySelection('p1', 'queue:q', 'b')
    toggleReplaySelection('p1', 'queue:q', 'a')
    expect(store.getState().replaySelection).toEqual({ connectionId: 'p1', source: 'queue:q', messageIds: ['b'] })
    toggleReplaySelection('p1', 'queue:other', 'c')
    expect(store.getState().replaySelection).toEqual({ connectionId: 'p1', source: 'queue:other', messageIds: ['c'] })
  })

  it('opens the journal and reads it; a failure is kept, not thrown', async () => {
    const fake = createFakeApi({
      replayList: async () => {
        throw new QsError('INTERNAL', 'EACCES: journal not readable')
      },
    })
    const store = createAppStore({ api: () => fake.api })
    store.getState().openReplayJournal()
    expect(store.getState().dialog).toEqual({ kind: 'replays' })
    await store.getState().loadReplayJournal()
    expect(store.getState().replayJournal).toMatchObject({ loading: false, listing: null, error: { message: 'EACCES: journal not readable' } })
  })
})
