/**
 * A client that stops reading must not grow the server's memory: its events are held back and
 * merged (tail messages become a dropped count it is told about, statuses keep the newest), and
 * past the hard limit it is disconnected, its tails stopped. A reading client gets everything.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createCore, type Core } from '../core/core'
import { createDispatcher } from '../core/dispatch'
import type { ConnectionStatus } from '../../shared/model'
import type { TailBatch, TailMessage } from '../../shared/tail'
import { scriptedFactory } from '../../test-support/fake-adapter'
import { openRawWebSocket, type RawWebSocket } from '../../test-support/raw-websocket'
import { startWebServer, type WebServer } from './server'

const HIGH_WATER = 256 * 1024
const HARD_LIMIT = 4 * 1024 * 1024
const BATCHES = 400
const PER_BATCH = 50

function message(i: number): TailMessage {
  return { at: i, body: 'x'.repeat(2048), encoding: 'utf8', size: 2048 } as unknown as TailMessage
}

describe('web server with slow clients', () => {
  let core: Core
  let server: WebServer
  let profileId: string
  const logged: string[] = []

  beforeAll(async () => {
    const rendererDir = await mkdtemp(join(tmpdir(), 'qs-renderer-'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html>')
    const factory = scriptedFactory([{ server: 'Fake', warnings: [] }])
    const adapterFactory = ((...args: Parameters<typeof factory>) => {
      const adapter = factory(...args)
      adapter.openTail = async () => ({ stop: async () => undefined })
      // Half a megabyte per answer: a client that asks and never reads piles them up.
      adapter.overview = async () => ({ padding: 'p'.repeat(512 * 1024) }) as never
      return adapter
    }) as typeof factory
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-slow-')), mode: 'web', version: '0.0.0', adapterFactory })
    server = await startWebServer({ core, rendererDir, outbox: { highWaterBytes: HIGH_WATER, hardLimitBytes: HARD_LIMIT }, log: (m) => logged.push(m) })
    const call = createDispatcher(core)
    const listed = await call('profiles:list', {})
    profileId = (listed as { ok: true; data: { profiles: { id: string }[] } }).data.profiles[0]!.id
    expect(await call('connection:connect', { profileId })).toMatchObject({ ok: true, data: { state: 'open' } })
  })
  afterAll(async () => {
    await server.close()
    await core.close()
  })

  /** A client that reads everything, with a way to await its n-th event, and the tail it started. */
  async function reader(): Promise<{ events: { channel: string; payload: unknown }[]; tailId: string; until(n: number): Promise<void>; close(): void }> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`)
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const events: { channel: string; payload: unknown }[] = []
    const waiters: { n: number; resolve: () => void }[] = []
    let started: (tailId: string) => void = () => undefined
    const tailId = new Promise<string>((resolve) => (started = resolve))
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; channel: string; payload: unknown; id?: number; data?: { tailId: string } }
      if (frame.type === 'result' && frame.id === 1) started(frame.data!.tailId)
      if (frame.type !== 'event') return
      events.push(frame)
      for (const waiter of waiters.filter((w) => events.length >= w.n)) waiter.resolve()
    })
    // Tail batches go only to the client that started the tail.
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'tail:start', payload: { connectionId: profileId, source: 'stream:orders' } }))
    return {
      events,
      tailId: await tailId,
      until: (n) => (events.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
      close: () => ws.close(),
    }
  }

  const openRaw = (): Promise<RawWebSocket> => openRawWebSocket(server.port, `/ws?token=${server.token}`, { Origin: server.origin })
  const status = (at: number): ConnectionStatus => ({ connectionId: 'c-1', state: 'open', readOnly: false, at })

  it('holds events back for a stalled client, then tells it every tail message it missed and the newest status', async () => {
    const fast = await reader()
    const stalled = await openRaw()
    stalled.sendText(JSON.stringify({ type: 'call', id: 1, channel: 'tail:start', payload: { connectionId: profileId, source: 'stream:orders' } }))
    const stalledTail = ((await stalled.nextJson((f) => f['id'] === 1))['data'] as { tailId: string }).tailId
    stalled.socket.pause()
    const batch = (tailId: string, i: number): TailBatch => ({
      tailId,
      messages: Array.from({ length: PER_BATCH }, (_, j) => message(i * PER_BATCH + j)),
      dropped: 0,
    })
    let backlogPeak = 0
    for (let i = 0; i < BATCHES; i++) {
      core.emit('tail:batch', batch(fast.tailId, i))
      core.emit('tail:batch', batch(stalledTail, i))
      core.emit('connection:status', status(i))
      // Paced by the reading client, so only the stalled one falls behind.
      await fast.until(2 * (i + 1))
      backlogPeak = Math.max(backlogPeak, server.stats().backlogBytes)
    }
    core.emit('tail:batch', { tailId: fast.tailId, messages: [], dropped: 0, ended: 'stopped' })
    core.emit('tail:batch', { tailId: stalledTail, messages: [], dropped: 0, ended: 'stopped' })
    await fast.until(2 * BATCHES + 1)

    // Bounded: the high-water mark plus the frames in flight when it was crossed, not 40 MB.
    const batchBytes =
      JSON.stringify({ type: 'event', channel: 'tail:batch', payload: { tailId: 't-1', messages: [message(0)], dropped: 0 } }).length * PER_BATCH
    expect(backlogPeak).toBeLessThan(HIGH_WATER + 2 * batchBytes)
    const stats = server.stats()
    expect(stats.eventsHeld).toBeGreaterThan(0)
    expect(stats.tailMessagesDropped).toBeGreaterThan(0)

    // The reading client got everything.
    const fastBatches = fast.events.filter((e) => e.channel === 'tail:batch').map((e) => e.payload as TailBatch)
    expect(fastBatches.reduce((n, b) => n + b.messages.length, 0)).toBe(BATCHES * PER_BATCH)
    expect(fastBatches.every((b) => b.dropped === 0)).toBe(true)

    stalled.socket.resume()
    await stalled.nextJson((f) => (f['payload'] as TailBatch | undefined)?.ended === 'stopped')
    const got = stalled.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString()) as { channel: string; payload: unknown })
    const batches = got.filter((e) => e.channel === 'tail:batch').map((e) => e.payload as TailBatch)
    const shown = batches.reduce((n, b) => n + b.messages.length, 0)
    const dropped = batches.reduce((n, b) => n + b.dropped, 0)
    expect(dropped).toBeGreaterThan(0)
    // Nothing vanished: each message was either delivered or counted as dropped.
    expect(shown + dropped).toBe(BATCHES * PER_BATCH)
    const statuses = got.filter((e) => e.channel === 'connection:status').map((e) => (e.payload as ConnectionStatus).at)
    expect(statuses.length).toBeLessThan(BATCHES)
    expect(statuses.at(-1)).toBe(BATCHES - 1)
    // In order: a held status never arrives after a newer one.
    expect([...statuses].sort((x, y) => x - y)).toEqual(statuses)
    stalled.destroy()
    fast.close()
  })

  it('disconnects a client that keeps asking and never reads, and stops its tails', async () => {
    const ends: TailBatch[] = []
    const off = core.onEvent((channel, payload) => {
      if (channel === 'tail:batch' && (payload as TailBatch).ended !== undefined) ends.push(payload as TailBatch)
    })
    const greedy = await openRaw()
    greedy.sendText(JSON.stringify({ type: 'call', id: 1, channel: 'tail:start', payload: { connectionId: profileId, source: 'stream:orders' } }))
    const started = await greedy.nextJson((f) => f['id'] === 1)
    expect(started).toMatchObject({ ok: true })
    const tailId = (started['data'] as { tailId: string }).tailId
    expect(core.tails.running()).toContain(tailId)

    greedy.socket.pause()
    for (let id = 2; id < 80; id++) greedy.sendText(JSON.stringify({ type: 'call', id, channel: 'broker:overview', payload: { connectionId: profileId } }))
    await vi.waitFor(() => expect(ends.find((b) => b.tailId === tailId)).toMatchObject({ ended: 'the web page that started it went away' }), {
      timeout: 10_000,
    })
    expect(core.tails.running()).not.toContain(tailId)
    expect(server.stats().clientsOverflowed).toBe(1)
    expect(logged.some((line) => /stopped reading/.test(line))).toBe(true)
    off()
    greedy.destroy()
  })
})
