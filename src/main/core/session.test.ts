import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EventChannel } from '../../shared/contract'
import type { Envelope } from '../../shared/api'
import type { BatchReader, ReadMessage, TargetWriter } from '../brokers/replay'
import { rabbitRouting } from '../brokers/rabbitmq/rabbitmq.capabilities'
import { FakeAdapter } from '../../test-support/fake-adapter'
import { createCore, type Core } from './core'
import type { Session } from './session'

/** A broker with an endless queue to replay from (one message a read) and a tail that stays open. */
class EndlessAdapter extends FakeAdapter {
  readonly routing = rabbitRouting
  tailsStopped = 0
  constructor() {
    super(() => ({ server: 'Fake', warnings: [] }))
  }
  async openTail() {
    return { stop: async () => void this.tailsStopped++ }
  }
  async openReader(): Promise<BatchReader> {
    let next = 0
    const message = (): ReadMessage => ({
      id: String(next++),
      body: Buffer.from('x'),
      properties: {},
      headers: {},
      redelivered: false,
      exchange: '',
      routingKey: 'q',
    })
    return {
      available: 1_000_000,
      removable: true,
      read: async () => {
        // A read yields to the event loop, as one from a socket does: the replay's progress timer
        // and the test's own calls get their turn while the queue never ends.
        await new Promise((resolve) => setImmediate(resolve))
        return [message()]
      },
      ack: () => undefined,
      release: () => undefined,
      close: async () => undefined,
    } as unknown as BatchReader
  }
  async openWriter(): Promise<TargetWriter> {
    return { inFlight: 0, waits: 0, write: async () => ({ routed: true }), close: async () => undefined } as unknown as TargetWriter
  }
}

describe('sessions: one per client', () => {
  let core: Core
  let adapter: EndlessAdapter
  let a: Session
  let b: Session
  const seen: Record<'a' | 'b', { channel: EventChannel; payload: unknown }[]> = { a: [], b: [] }
  let connectionId: string

  beforeEach(async () => {
    adapter = new EndlessAdapter()
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-session-')), mode: 'web', version: '0', adapterFactory: () => adapter })
    a = core.createSession()
    b = core.createSession()
    seen.a = []
    seen.b = []
    a.onEvent((channel, payload) => seen.a.push({ channel, payload }))
    b.onEvent((channel, payload) => seen.b.push({ channel, payload }))
    const listed = (await a.call('profiles:list', {})) as Envelope<{ profiles: { id: string }[] }> & { ok: true }
    connectionId = listed.data.profiles[0]!.id
    await a.call('connection:connect', { profileId: connectionId })
  })
  afterEach(async () => {
    await core.close()
  })

  const channels = (who: 'a' | 'b') => seen[who].map((e) => e.channel)

  it('sends every client the connections’ status, and a tail’s batches only to the client that started it', async () => {
    expect(channels('a')).toContain('connection:status')
    expect(channels('b')).toContain('connection:status')
    const started = (await a.call('tail:start', { connectionId, source: 'channel:news' })) as Envelope<{ tailId: string }> & { ok: true }
    core.emit('tail:batch', { tailId: started.data.tailId, messages: [], dropped: 1 })
    core.emit('tail:batch', { tailId: 'someone-elses', messages: [], dropped: 1 })
    expect(seen.a.filter((e) => e.channel === 'tail:batch').map((e) => (e.payload as { tailId: string }).tailId)).toEqual([started.data.tailId])
    expect(channels('b')).not.toContain('tail:batch')
  })

  it('stops the tails of a client that goes, and sends it nothing more', async () => {
    const started = (await b.call('tail:start', { connectionId, source: 'channel:news' })) as Envelope<{ tailId: string }> & { ok: true }
    expect(core.tails.running()).toContain(started.data.tailId)
    await b.dispose('the client went')
    expect(core.tails.running()).not.toContain(started.data.tailId)
    expect(adapter.tailsStopped).toBe(1)
    const before = seen.b.length
    await a.call('connection:disconnect', { connectionId })
    expect(channels('a').at(-1)).toBe('connection:status')
    expect(seen.b).toHaveLength(before)
    // Its calls after that still answer; nothing they start is kept past the dispose.
    expect(await b.call('app:info', {})).toMatchObject({ ok: true })
  })

  it('sends a replay’s progress to the client that started it, and cancels it when that client goes', async () => {
    const replay = b.call('replay:start', { id: 'r-1', connectionId, source: 'queue:q', to: { connectionId, target: 'queue:elsewhere' }, mode: 'copy' })
    await vi.waitFor(() => expect(channels('b')).toContain('replay:progress'), { timeout: 5_000 })
    expect(channels('a')).not.toContain('replay:progress')
    // A second start with the same id is refused, and the first keeps its progress.
    const again = await b.call('replay:start', { id: 'r-1', connectionId, source: 'queue:q', to: { connectionId, target: 'queue:elsewhere' }, mode: 'copy' })
    expect(again).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/already running/) } })
    const before = seen.b.length
    await vi.waitFor(() => expect(seen.b.slice(before).map((e) => e.channel)).toContain('replay:progress'), { timeout: 5_000 })
    await b.dispose('the client went')
    expect(await replay).toMatchObject({ ok: true, data: { cancelled: true } })
  })
})
