import { describe, expect, it } from 'vitest'
import type { CallRequest } from '../../../shared/contract'
import { QsError } from '../../../shared/errors'
import type { TailBatch, TailMessage } from '../../../shared/tail'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { newWhilePaused, selectedTailMessage, shownTailMessages, tailCounts, tailStatusText } from './tail.selectors'
import { TAIL_BUFFER } from './tail.slice'

function message(id: string, body = `{"n":${JSON.stringify(id)}}`): TailMessage {
  return { id, at: 1_700_000_000_000, body, encoding: 'utf8', size: body.length, headers: {} }
}

function batch(tailId: string, ids: string[], extra: Partial<TailBatch> = {}): TailBatch {
  return { tailId, messages: ids.map((id) => message(id)), dropped: 0, ...extra }
}

function tailApi() {
  const stopped: string[] = []
  let next = 1
  return {
    stopped,
    handlers: {
      tailStart: async (_request: CallRequest<'tail:start'>) => ({ tailId: `t${next++}` }),
      tailStop: async ({ tailId }: CallRequest<'tail:stop'>) => {
        stopped.push(tailId)
        return { stopped: true }
      },
    },
  }
}

describe('tail slice', () => {
  it('starts a tail and takes its batches in, one state update per batch; other tails are ignored', async () => {
    const { handlers } = tailApi()
    const fake = createFakeApi(handlers)
    const store = createAppStore({ api: () => fake.api })
    await store.getState().startTail('p1', 'channel:news', { pattern: false })
    expect(fake.calls[0]).toEqual({ method: 'tailStart', request: { connectionId: 'p1', source: 'channel:news', pattern: false } })
    let updates = 0
    const unsubscribe = store.subscribe(() => updates++)
    store.getState().applyTailBatch(batch('t1', ['a', 'b', 'c']))
    store.getState().applyTailBatch(batch('other-window', ['x']))
    unsubscribe()
    expect(updates).toBe(1)
    const view = store.getState().tail!
    expect(view.status).toBe('live')
    expect(shownTailMessages(view).map((m) => [m.id, m.seq])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ])
  })

  it('keeps the last TAIL_BUFFER messages and counts what it dropped and what the core dropped', async () => {
    const { handlers } = tailApi()
    const store = createAppStore({ api: () => createFakeApi(handlers).api })
    await store.getState().startTail('p1', 'stream:orders')
    const ids = Array.from({ length: TAIL_BUFFER + 150 }, (_, i) => String(i))
    store.getState().applyTailBatch(batch('t1', ids.slice(0, 1000)))
    store.getState().applyTailBatch(batch('t1', ids.slice(1000), { dropped: 40 }))
    const view = store.getState().tail!
    expect(view.messages).toHaveLength(TAIL_BUFFER)
    expect(view.messages[0]?.id).toBe('150')
    expect(view.messages.at(-1)?.id).toBe(ids.at(-1))
    expect(view).toMatchObject({ received: TAIL_BUFFER + 150, droppedHere: 150, droppedByCore: 40 })
    expect(tailCounts(view)).toBe(
      `${(TAIL_BUFFER + 150).toLocaleString()} received · 150 older dropped (keeps the last ${TAIL_BUFFER.toLocaleString()}) · 40 dropped by the core (arriving faster than shown)`,
    )
  })

  it('pause freezes what is shown while messages keep arriving; resume shows them; clear empties both', async () => {
    const { handlers } = tailApi()
    const store = createAppStore({ api: () => createFakeApi(handlers).api })
    await store.getState().startTail('p1', 'channel:news')
    store.getState().applyTailBatch(batch('t1', ['a', 'b']))
    store.getState().pauseTail()
    store.getState().applyTailBatch(batch('t1', ['c', 'd', 'e']))
    let view = store.getState().tail!
    expect(shownTailMessages(view).map((m) => m.id)).toEqual(['a', 'b'])
    expect(newWhilePaused(view)).toBe(3)
    expect(tailStatusText(view)).toBe('Paused: 3 new')

    store.getState().resumeTail()
    view = store.getState().tail!
    expect(shownTailMessages(view).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(tailStatusText(view)).toBe('Live')

    store.getState().selectTailMessage(4)
    expect(selectedTailMessage(store.getState().tail)?.id).toBe('d')
    store.getState().clearTail()
    view = store.getState().tail!
    expect(shownTailMessages(view)).toEqual([])
    expect(view.selectedSeq).toBeNull()
    store.getState().applyTailBatch(batch('t1', ['f']))
    expect(shownTailMessages(store.getState().tail!).map((m) => [m.id, m.seq])).toEqual([['f', 6]])
  })

  it('holds batches that arrive before tail:start answers, and applies those of its own tail', async () => {
    let answer!: (value: { tailId: string }) => void
    const fake = createFakeApi({ tailStart: () => new Promise((resolve) => (answer = resolve)) })
    const store = createAppStore({ api: () => fake.api })
    const started = store.getState().startTail('p1', 'stream:orders')
    store.getState().applyTailBatch(batch('t9', ['early']))
    store.getState().applyTailBatch(batch('not-ours', ['x']))
    answer({ tailId: 't9' })
    await started
    expect(shownTailMessages(store.getState().tail!).map((m) => m.id)).toEqual(['early'])
  })

  it('stop keeps the messages; leaving stops and forgets; a start answered after leaving stops its tail', async () => {
    const { handlers, stopped } = tailApi()
    const store = createAppStore({ api: () => createFakeApi(handlers).api })
    await store.getState().startTail('p1', 'channel:news')
    store.getState().applyTailBatch(batch('t1', ['a']))
    await store.getState().stopTail()
    expect(stopped).toEqual(['t1'])
    expect(store.getState().tail).toMatchObject({ status: 'stopped' })
    // The core's last batch after a stop: its messages are kept, the status stays the user's.
    store.getState().applyTailBatch(batch('t1', ['b'], { ended: 'stopped' }))
    expect(store.getState().tail).toMatchObject({ status: 'stopped', received: 2 })

    await store.getState().startTail('p1', 'channel:news')
    await store.getState().leaveTail()
    expect(stopped).toEqual(['t1', 't2'])
    expect(store.getState().tail).toBeNull()

    const pending = store.getState().startTail('p1', 'channel:news')
    await store.getState().leaveTail()
    await pending
    expect(stopped).toEqual(['t1', 't2', 't3'])
    expect(store.getState().tail).toBeNull()
  })

  it('says why the core ended a tail, and why a start was refused', async () => {
    const { handlers } = tailApi()
    const store = createAppStore({ api: () => createFakeApi(handlers).api })
    await store.getState().startTail('p1', 'stream:orders')
    store.getState().applyTailBatch(batch('t1', [], { ended: 'connection lost' }))
    expect(tailStatusText(store.getState().tail!)).toBe('Ended: connection lost')

    const refusing = createAppStore({
      api: () =>
        createFakeApi({
          tailStart: async () => {
            throw new QsError('NOT_FOUND', 'no stream "orders" in database 0')
          },
        }).api,
    })
    await refusing.getState().startTail('p1', 'stream:orders')
    expect(refusing.getState().tail).toMatchObject({ status: 'failed', error: { code: 'NOT_FOUND' } })
    expect(tailStatusText(refusing.getState().tail!)).toBe('Could not start: no stream "orders" in database 0')
  })
})
