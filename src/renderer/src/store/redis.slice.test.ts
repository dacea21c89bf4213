import { describe, expect, it } from 'vitest'
import type { CallRequest, CallResponse } from '../../../shared/contract'
import { QsError } from '../../../shared/errors'
import type { PeekedMessage, PeekRequest, PeekResult } from '../../../shared/messages'
import type { SourcesListing } from './sources.slice'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { PENDING_PAGE_SIZE } from './redis.slice'
import { openEntryOf } from './redis.selectors'
import { profile, stream } from './test-data'

const entries = (ids: string[]): PeekResult => ({
  messages: ids.map((id) => ({ id, body: id, encoding: 'utf8', size: id.length, properties: {}, headers: {}, redelivered: false })),
  warnings: [],
})

const pendingPage = (from: number, n: number) => ({
  entries: Array.from({ length: n }, (_, i) => ({ id: `${from + i}-0`, consumer: 'c1', idleMs: 1000, deliveries: 1 })),
  total: 250,
  consumers: [{ name: 'c1', pending: 250 }],
})

describe('redis slice: paging a stream or list', () => {
  it('pages a stream by id: newest first, next after the last id, previous back, a jump keeps the direction', async () => {
    const fake = createFakeApi({
      messagesPeek: async (r: PeekRequest) => ({ ...entries(r.range?.after ? ['7-0', '6-0'] : ['9-0', '8-0']), next: r.range?.after ? null : '8-0' }),
    })
    const store = createAppStore({ api: () => fake.api })
    const { pageMessages } = store.getState()
    await pageMessages('p1', 'stream:s', 'first')
    await pageMessages('p1', 'stream:s', 'next')
    expect(store.getState().browse?.result?.messages.map((m) => m.id)).toEqual(['7-0', '6-0'])
    // The last page: no next.
    await pageMessages('p1', 'stream:s', 'next')
    await pageMessages('p1', 'stream:s', 'previous')
    await pageMessages('p1', 'stream:s', { at: '1700000000000' })
    await pageMessages('p1', 'stream:s', { stream: 'forward' })
    const ranges = fake.calls.map((c) => (c.request as PeekRequest).range)
    expect(ranges).toEqual([
      { direction: 'backward' },
      { direction: 'backward', after: '8-0' },
      { direction: 'backward' },
      { direction: 'backward', at: '1700000000000' },
      { direction: 'forward' },
    ])
    expect(store.getState().browse?.history).toEqual([])
  })

  it('pages a list from either end by offset', async () => {
    const fake = createFakeApi({ messagesPeek: async (r: PeekRequest) => ({ ...entries([String(r.offset)]), next: String((r.offset ?? 0) + 50) }) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().pageMessages('p1', 'list:jobs', { list: 'tail' })
    await store.getState().pageMessages('p1', 'list:jobs', 'next')
    await store.getState().pageMessages('p1', 'list:jobs', 'previous')
    expect(fake.calls.map((c) => [(c.request as PeekRequest).listFrom, (c.request as PeekRequest).offset])).toEqual([
      ['tail', 0],
      ['tail', 50],
      ['tail', 0],
    ])
  })
})

describe('redis slice: the open entry of a stream page in summary form', () => {
  const summaries = (ids: string[]): PeekResult => ({
    messages: [],
    entries: ids.map((id) => ({ id, time: null, size: 10, preview: `n=${id}`, fields: ['n'], fieldCount: 1 })),
    warnings: [],
    next: null,
  })
  const full = (id: string): PeekedMessage => ({
    id,
    body: `body of ${id}`,
    encoding: 'utf8',
    size: 10,
    properties: {},
    headers: { n: id },
    redelivered: false,
  })
  /** An answer the test gives when it wants to. */
  const deferred = <T>() => {
    let resolve!: (value: T) => void
    let reject!: (err: unknown) => void
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
    return { promise, resolve, reject }
  }

  it('asks for the page in summary form, and reads the entry opened whole by id: loading, then there, read once', async () => {
    const answer = deferred<CallResponse<'streams:entry'>>()
    const fake = createFakeApi({ messagesPeek: async () => summaries(['2-0', '1-0']), streamsEntry: () => answer.promise })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().pageMessages('p1', 'stream:s', 'first')
    expect((fake.calls[0]!.request as PeekRequest).form).toBe('summary')
    store.getState().selectMessage('1-0')
    expect(openEntryOf(store.getState().browse)).toMatchObject({ id: '1-0', loading: true, message: null })
    expect(fake.calls.at(-1)).toEqual({ method: 'streamsEntry', request: { connectionId: 'p1', source: 'stream:s', id: '1-0' } })
    answer.resolve({ message: full('1-0'), warnings: ['1 body is cut for display'] })
    await expect.poll(() => openEntryOf(store.getState().browse)?.message?.body).toBe('body of 1-0')
    expect(openEntryOf(store.getState().browse)).toMatchObject({ loading: false, warnings: ['1 body is cut for display'], error: null })
    // Opening it again, or re-reading the page it is on, does not read it again.
    store.getState().selectMessage('1-0')
    await store.getState().pageMessages('p1', 'stream:s', 'same')
    expect(fake.calls.filter((c) => c.method === 'streamsEntry')).toHaveLength(1)
    expect(openEntryOf(store.getState().browse)?.message?.id).toBe('1-0')
    store.getState().selectMessage(null)
    expect(openEntryOf(store.getState().browse)).toBeNull()
    expect(store.getState().browse?.entry).toBeUndefined()
  })

  it('says why an entry could not be read, and reads it again when asked (or when its page is read again)', async () => {
    let gone = true
    const fake = createFakeApi({
      messagesPeek: async () => summaries(['1-0']),
      streamsEntry: async (r: CallRequest<'streams:entry'>) => {
        if (gone) throw new QsError('NOT_FOUND', `entry ${r.id} is no longer in stream "s"`)
        return { message: full(r.id), warnings: [] }
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().pageMessages('p1', 'stream:s', 'first')
    store.getState().selectMessage('1-0')
    await expect.poll(() => openEntryOf(store.getState().browse)?.error?.code).toBe('NOT_FOUND')
    expect(openEntryOf(store.getState().browse)).toMatchObject({ loading: false, message: null, error: { message: 'entry 1-0 is no longer in stream "s"' } })
    await store.getState().pageMessages('p1', 'stream:s', 'same')
    await expect.poll(() => fake.calls.filter((c) => c.method === 'streamsEntry').length).toBe(2)
    gone = false
    await store.getState().openStreamEntry('1-0')
    expect(openEntryOf(store.getState().browse)).toMatchObject({ loading: false, message: { id: '1-0' }, error: null })
  })

  it('drops the answer for an entry no longer open, and closes the entry when its page no longer has it', async () => {
    const answers = new Map<string, ReturnType<typeof deferred<CallResponse<'streams:entry'>>>>()
    let ids = ['2-0', '1-0']
    const fake = createFakeApi({
      messagesPeek: async () => summaries(ids),
      streamsEntry: (r: CallRequest<'streams:entry'>) => {
        const answer = deferred<CallResponse<'streams:entry'>>()
        answers.set(r.id, answer)
        return answer.promise
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().pageMessages('p1', 'stream:s', 'first')
    store.getState().selectMessage('1-0')
    store.getState().selectMessage('2-0')
    answers.get('2-0')!.resolve({ message: full('2-0'), warnings: [] })
    await expect.poll(() => openEntryOf(store.getState().browse)?.message?.id).toBe('2-0')
    answers.get('1-0')!.resolve({ message: full('1-0'), warnings: [] })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(openEntryOf(store.getState().browse)?.message?.id).toBe('2-0')
    ids = ['1-0']
    await store.getState().pageMessages('p1', 'stream:s', 'same')
    expect(store.getState().browse?.selectedMessageId).toBeNull()
    expect(store.getState().browse?.entry).toBeUndefined()
  })

  it('reads nothing more for a list: its page holds every item whole', async () => {
    const fake = createFakeApi({ messagesPeek: async () => entries(['0', '1']) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().pageMessages('p1', 'list:jobs', 'first')
    expect((fake.calls[0]!.request as PeekRequest).form).toBeUndefined()
    store.getState().selectMessage('1')
    expect(fake.calls.map((c) => c.method)).toEqual(['messagesPeek'])
    expect(openEntryOf(store.getState().browse)).toBeNull()
  })
})

describe('redis slice: pending entries', () => {
  it('pages a group’s pending entries after the last id, and back', async () => {
    const fake = createFakeApi({
      streamsPending: async (r: CallRequest<'streams:pending'>) => (r.after ? pendingPage(200, 50) : pendingPage(100, PENDING_PAGE_SIZE)),
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadPending('p1', 'stream:s', 'billing')
    await store.getState().loadPending('p1', 'stream:s', 'billing', { move: 'next' })
    expect(store.getState().pending?.after).toBe(`${100 + PENDING_PAGE_SIZE - 1}-0`)
    await store.getState().loadPending('p1', 'stream:s', 'billing', { move: 'previous' })
    expect(store.getState().pending?.after).toBeUndefined()
    expect(fake.calls.map((c) => (c.request as CallRequest<'streams:pending'>).after)).toEqual([undefined, `${100 + PENDING_PAGE_SIZE - 1}-0`, undefined])
  })

  it('claims the ticked entries, says what happened, and reloads the page without them', async () => {
    let claimed = false
    const fake = createFakeApi({
      streamsPending: async () => (claimed ? { ...pendingPage(2, 1) } : pendingPage(1, 2)),
      streamsClaim: async () => {
        claimed = true
        return { claimed: ['1-0'], deleted: [], skipped: [] }
      },
      sourcesList: async () => ({ items: [], warnings: [], scope: '0', listedAt: 1, broker: 'redis' }),
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadPending('p1', 'stream:s', 'billing', { consumer: 'c1' })
    store.getState().togglePendingEntry('1-0')
    expect(await store.getState().claimPending('c2', 5000)).toBe(true)
    expect(fake.calls.find((c) => c.method === 'streamsClaim')?.request).toEqual({
      connectionId: 'p1',
      source: 'stream:s',
      group: 'billing',
      ids: ['1-0'],
      consumer: 'c2',
      minIdleMs: 5000,
    })
    expect(store.getState().pending?.outcome).toBe('Claimed 1 entry to c2')
    await expect.poll(() => store.getState().pending?.result?.entries.map((e) => e.id)).toEqual(['2-0'])
    expect(store.getState().pending?.selected).toEqual([])
    // The consumer filter stays on the reload.
    expect(fake.calls.filter((c) => c.method === 'streamsPending').every((c) => (c.request as CallRequest<'streams:pending'>).consumer === 'c1')).toBe(true)
  })

  it('keeps the ticks when an acknowledge is refused, and says why', async () => {
    const fake = createFakeApi({
      streamsPending: async () => pendingPage(1, 2),
      streamsAck: async () => {
        throw new QsError('READ_ONLY', 'profile "prod" is read-only')
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadPending('p1', 'stream:s', 'billing')
    store.getState().setPendingSelection(['1-0', '2-0'])
    expect(await store.getState().ackPending()).toBe(false)
    expect(store.getState().pending?.selected).toEqual(['1-0', '2-0'])
    expect(store.getState().toasts.at(-1)?.message).toBe('profile "prod" is read-only')
    expect(store.getState().redisBusy).toBe(false)
  })
})

describe('redis slice: writes', () => {
  it('deletes ticked entries, clears the ticks and re-reads the page shown', async () => {
    const fake = createFakeApi({
      messagesPeek: async () => entries(['2-0']),
      redisWrite: async () => ({ removed: 1 }),
      sourcesList: async () => ({ items: [], warnings: [], scope: '0', listedAt: 1, broker: 'redis' }),
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().pageMessages('p1', 'stream:s', { stream: 'forward' })
    store.getState().toggleEntry('p1', 'stream:s', '1-0')
    expect(await store.getState().writeRedis({ op: 'xdel', connectionId: 'p1', source: 'stream:s', ids: ['1-0'] })).toBe(true)
    expect(store.getState().entrySelection).toBeNull()
    expect(store.getState().toasts.at(-1)?.message).toBe('Removed 1 entry')
    await expect.poll(() => fake.calls.filter((c) => c.method === 'messagesPeek').length).toBe(2)
    expect((fake.calls.filter((c) => c.method === 'messagesPeek')[1]!.request as PeekRequest).range).toEqual({ direction: 'forward' })
  })

  it('purges through sources:purge, and closes a deleted key’s details', async () => {
    const fake = createFakeApi({
      sourcesPurge: async () => ({ purged: 12 }),
      redisWrite: async () => ({ removed: 3 }),
      sourcesList: async () => ({ items: [], warnings: [], scope: '0', listedAt: 1, broker: 'redis' }),
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().writeRedis({ op: 'purge', connectionId: 'p1', source: 'list:jobs', confirm: 'jobs' })
    expect(fake.calls.find((c) => c.method === 'sourcesPurge')?.request).toEqual({ connectionId: 'p1', source: 'list:jobs', confirm: 'jobs' })
    expect(store.getState().toasts.at(-1)?.message).toBe('Removed 12 items')
    store.getState().selectSource('list:jobs')
    await store.getState().writeRedis({ op: 'delete', connectionId: 'p1', source: 'list:jobs', confirm: 'jobs' })
    expect(store.getState().selectedSourceKey).toBeNull()
  })
})

describe('sources slice: Redis discovery', () => {
  const redisListing = (): SourcesListing => ({ items: [stream('orders:1', [0])], warnings: [], scope: '0', listedAt: 1, broker: 'redis' })

  it('names each Redis discovery, sends the key pattern, and keeps only its own progress', async () => {
    let release!: () => void
    const fake = createFakeApi({
      profilesList: async () => ({ profiles: [profile()] }),
      sourcesList: () => new Promise<SourcesListing>((r) => (release = () => r(redisListing()))),
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadProfiles()
    store.getState().setKeyPattern('p1', ' orders:* ')
    const request = fake.calls.find((c) => c.method === 'sourcesList')!.request as CallRequest<'sources:list'>
    expect(request.pattern).toBe('orders:*')
    const id = request.discoveryId!
    expect(id).toBeTruthy()
    store.getState().applyDiscoveryProgress({ id: 'someone-else', connectionId: 'p1', scanned: 1, total: 10, found: 0, nodesDone: 0, nodes: 1, done: false })
    expect(store.getState().sources['p1']?.discovery?.progress).toBeNull()
    store.getState().applyDiscoveryProgress({ id, connectionId: 'p1', scanned: 5, total: 10, found: 1, nodesDone: 0, nodes: 1, done: false })
    expect(store.getState().sources['p1']?.discovery?.progress?.scanned).toBe(5)
    release()
    await expect.poll(() => store.getState().sources['p1']?.loading).toBe(false)
    expect(store.getState().sources['p1']?.discovery).toBeNull()
    expect(store.getState().sources['p1']?.listing?.items).toHaveLength(1)
  })

  it('after a cancel, keeps what was found, says it is incomplete, and lets only the user rescan', async () => {
    let release!: () => void
    const fake = createFakeApi({
      profilesList: async () => ({ profiles: [profile()] }),
      sourcesList: () => new Promise<SourcesListing>((r) => (release = () => r(redisListing()))),
      sourcesCancel: async () => {
        release()
        return { cancelled: true }
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadProfiles()
    const listing = store.getState().refreshSources('p1')
    const id = store.getState().sources['p1']!.discovery!.id
    store.getState().applyDiscoveryProgress({ id, connectionId: 'p1', scanned: 400, total: 1000, found: 1, nodesDone: 0, nodes: 1, done: false })
    await store.getState().cancelDiscovery('p1')
    await listing
    expect(fake.calls.find((c) => c.method === 'sourcesCancel')?.request).toEqual({ id })
    expect(store.getState().sources['p1']?.incomplete).toEqual({ scanned: 400, total: 1000 })
    await store.getState().refreshSources('p1')
    expect(fake.calls.filter((c) => c.method === 'sourcesList')).toHaveLength(1)
    const again = store.getState().refreshSources('p1', { userAsked: true })
    release()
    await again
    expect(fake.calls.filter((c) => c.method === 'sourcesList')).toHaveLength(2)
    expect(store.getState().sources['p1']?.incomplete).toBeNull()
  })

  it('drops the answer of a discovery for a pattern the user has replaced', async () => {
    const releases: (() => void)[] = []
    const fake = createFakeApi({
      profilesList: async () => ({ profiles: [profile()] }),
      sourcesList: (r: CallRequest<'sources:list'>) =>
        new Promise<SourcesListing>((resolve) => releases.push(() => resolve({ ...redisListing(), items: [stream(r.pattern ?? 'all', [])] }))),
      sourcesCancel: async () => ({ cancelled: true }),
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().loadProfiles()
    store.getState().setKeyPattern('p1', 'a*')
    store.getState().setKeyPattern('p1', 'b*')
    expect(fake.calls.filter((c) => c.method === 'sourcesCancel')).toHaveLength(1)
    releases[1]!()
    releases[0]!()
    await expect.poll(() => store.getState().sources['p1']?.listing?.items.map((i) => i.name)).toEqual(['b*'])
    await new Promise((r) => setTimeout(r, 0))
    expect(store.getState().sources['p1']?.listing?.items.map((i) => i.name)).toEqual(['b*'])
  })
})
