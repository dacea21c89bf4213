/**
 * The web server under hostile frames: whatever a token holder sends, the process stays up, the
 * server keeps answering, and every answer is a typed error envelope or a valid result. Frames
 * that break the WebSocket protocol itself are answered with the standard close code.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createCore, type Core } from '../core/core'
import { createDispatcher } from '../core/dispatch'
import { ERROR_CODES } from '../../shared/errors'
import { MAX_FRAME_BYTES } from '../../shared/web-frames'
import { scriptedFactory } from '../../test-support/fake-adapter'
import { encodeFrame, OPCODE, openRawWebSocket, type RawWebSocket } from '../../test-support/raw-websocket'
import { startWebServer, type WebServer } from './server'

const typedError = z.object({ code: z.enum(ERROR_CODES), message: z.string().min(1) })
const answerSchema = z.union([
  z.object({ type: z.literal('error'), error: typedError }).strict(),
  z.object({ type: z.literal('result'), id: z.number(), ok: z.literal(false), error: typedError.passthrough() }).strict(),
  z.object({ type: z.literal('result'), id: z.number(), ok: z.literal(true), data: z.unknown() }).strict(),
])

const failed = (answer: z.infer<typeof answerSchema>): boolean => answer.type === 'error' || !answer.ok

describe('web server under hostile frames', () => {
  let core: Core
  let server: WebServer
  let profileId: string
  const logged: string[] = []
  // Anything that escapes to the process would have ended `npm run web`.
  const escaped: unknown[] = []
  const onEscape = (err: unknown) => void escaped.push(err)

  beforeAll(async () => {
    process.on('uncaughtException', onEscape)
    process.on('unhandledRejection', onEscape)
    const rendererDir = await mkdtemp(join(tmpdir(), 'qs-renderer-'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Queuescope</title>')
    const factory = scriptedFactory([{ server: 'Fake', warnings: [] }])
    const adapterFactory = ((...args: Parameters<typeof factory>) => {
      const adapter = factory(...args)
      adapter.openTail = async () => ({ stop: async () => undefined })
      // An answer JSON cannot encode, as a huge page once did ("Invalid string length").
      adapter.overview = async () =>
        ({
          toJSON() {
            throw new RangeError('Invalid string length')
          },
        }) as never
      return adapter
    }) as typeof factory
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-hostile-')), mode: 'web', version: '0.0.0', adapterFactory })
    server = await startWebServer({ core, rendererDir, log: (m) => logged.push(m) })
    const call = createDispatcher(core)
    const listed = (await call('profiles:list', {})) as { ok: true; data: { profiles: { id: string }[] } }
    profileId = listed.data.profiles[0]!.id
    expect(await call('connection:connect', { profileId })).toMatchObject({ ok: true, data: { state: 'open' } })
  })
  afterAll(async () => {
    await server.close()
    await core.close()
    process.off('uncaughtException', onEscape)
    process.off('unhandledRejection', onEscape)
  })
  afterEach(() => expect(escaped.splice(0)).toEqual([]))

  const open = (): Promise<RawWebSocket> => openRawWebSocket(server.port, `/ws?token=${server.token}`, { Origin: server.origin })

  /** The server still answers a plain call on a fresh connection. */
  async function expectAlive(): Promise<void> {
    const ws = await open()
    ws.sendText(JSON.stringify({ type: 'call', id: 1, channel: 'app:info', payload: {} }))
    expect(await ws.nextJson()).toMatchObject({ type: 'result', id: 1, ok: true, data: { mode: 'web' } })
    ws.destroy()
  }

  it.each([
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"app:info"'],
    ['true', 'true'],
    ['an empty array', '[]'],
    ['an array of calls', JSON.stringify([{ type: 'call', id: 1, channel: 'app:info' }])],
    ['an empty object', '{}'],
    ['not JSON', '{"type":'],
    ['an empty frame', ''],
    ['a wrong type', JSON.stringify({ type: 'event', id: 1, channel: 'app:info' })],
    ['a string id', JSON.stringify({ type: 'call', id: '1', channel: 'app:info' })],
    ['a fractional id', JSON.stringify({ type: 'call', id: 1.5, channel: 'app:info' })],
    ['a huge id', '{"type":"call","id":1e400,"channel":"app:info"}'],
    ['a numeric channel', JSON.stringify({ type: 'call', id: 1, channel: 7 })],
    ['an unknown channel', JSON.stringify({ type: 'call', id: 1, channel: 'nope:nope' })],
    ['__proto__ as channel', JSON.stringify({ type: 'call', id: 1, channel: '__proto__' })],
    ['constructor as channel', JSON.stringify({ type: 'call', id: 1, channel: 'constructor' })],
    ['toString as channel', JSON.stringify({ type: 'call', id: 1, channel: 'toString' })],
    ['a channel of a megabyte', JSON.stringify({ type: 'call', id: 1, channel: 'x'.repeat(1 << 20) })],
    ['a payload of null', JSON.stringify({ type: 'call', id: 1, channel: 'profiles:save', payload: null })],
    ['a payload that is an array', JSON.stringify({ type: 'call', id: 1, channel: 'profiles:save', payload: [1, 2] })],
    ['a __proto__ payload', '{"type":"call","id":1,"channel":"profiles:save","payload":{"__proto__":{"name":"x"}}}'],
    ['arrays nested a million deep', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`],
    ['a payload nested 100,000 deep', `{"type":"call","id":1,"channel":"messages:publish","payload":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`],
    [
      'headers nested 10,000 deep',
      `{"type":"call","id":1,"channel":"messages:publish","payload":{"connectionId":"c","target":"queue:q","body":"","headers":${'{"h":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`,
    ],
  ])('answers %s with a typed error and stays usable', async (_name, text) => {
    const ws = await open()
    ws.sendText(text)
    const answer = await ws.nextJson()
    expect(failed(answerSchema.parse(answer))).toBe(true)
    expect(JSON.stringify(answer).length).toBeLessThan(64 * 1024)
    ws.sendText(JSON.stringify({ type: 'call', id: 99, channel: 'app:info' }))
    expect(await ws.nextJson((f) => f['id'] === 99)).toMatchObject({ ok: true })
    ws.destroy()
  })

  it('answers a binary frame with a typed error and stays usable', async () => {
    const ws = await open()
    ws.sendText(JSON.stringify({ type: 'call', id: 1, channel: 'app:info' }), { opcode: OPCODE.binary })
    expect(answerSchema.parse(await ws.nextJson())).toMatchObject({ type: 'error', error: { code: 'BAD_REQUEST', message: expect.stringMatching(/binary/) } })
    ws.sendText(JSON.stringify({ type: 'call', id: 2, channel: 'app:info' }))
    expect(await ws.nextJson((f) => f['id'] === 2)).toMatchObject({ ok: true })
    ws.destroy()
  })

  it.each([
    ['a text frame of invalid UTF-8', () => encodeFrame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
    ['a text frame with a lone surrogate in UTF-8', () => encodeFrame(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])), 1007],
    ['RSV1 without a negotiated extension', () => encodeFrame('{}', { rsv: 4 }), 1002],
    ['RSV2', () => encodeFrame('{}', { rsv: 2 }), 1002],
    ['RSV3', () => encodeFrame('{}', { rsv: 1 }), 1002],
    ['an unmasked client frame', () => encodeFrame('{}', { mask: false }), 1002],
    ['a reserved opcode', () => encodeFrame('{}', { opcode: 3 }), 1002],
    ['a ping longer than a control frame may be', () => encodeFrame(Buffer.alloc(200), { opcode: OPCODE.ping }), 1002],
    ['a fragmented ping', () => encodeFrame('x', { opcode: OPCODE.ping, fin: false }), 1002],
    ['a continuation with nothing to continue', () => encodeFrame('{}', { opcode: OPCODE.continuation }), 1002],
    ['a frame declaring more than the limit', () => encodeFrame(Buffer.alloc(16), { declaredLength: MAX_FRAME_BYTES + 1 }), 1009],
    ['a frame declaring 2^53 bytes', () => encodeFrame(Buffer.alloc(16), { declaredLength: 2 ** 53 }), 1009],
  ])('closes on %s with its close code, and the server stays up', async (_name, frame, code) => {
    const ws = await open()
    ws.send(frame())
    expect((await ws.closed).code).toBe(code)
    await expectAlive()
  })

  it('closes a message whose fragments add up to more than the limit (1009), and the server stays up', async () => {
    const ws = await open()
    const chunk = Buffer.alloc(8 * 1024 * 1024, 0x20)
    ws.send(encodeFrame(chunk, { fin: false }))
    for (let sent = chunk.length; sent <= MAX_FRAME_BYTES; sent += chunk.length) ws.send(encodeFrame(chunk, { opcode: OPCODE.continuation, fin: false }))
    expect((await ws.closed).code).toBe(1009)
    await expectAlive()
  })

  it('survives a client that vanishes mid-frame, and one refused at the upgrade that resets at once', async () => {
    const ws = await open()
    ws.send(encodeFrame('{"type":"call","id":1,"channel":"app:info"}').subarray(0, 9))
    ws.socket.resetAndDestroy()
    await expect(openRawWebSocket(server.port, '/ws?token=wrong', { Origin: server.origin })).rejects.toThrow(/401/)
    // Refused at the upgrade, and gone (RST) before the refusal is written.
    for (let i = 0; i < 20; i++) {
      const socket = connect(server.port, '127.0.0.1')
      socket.on('error', () => undefined)
      await new Promise((resolve) => socket.once('connect', resolve))
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${'A'.repeat(22)}==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      )
      socket.resetAndDestroy()
    }
    await expectAlive()
  })

  it('answers 5,000 concurrent calls on one connection, each with its own id', async () => {
    const ws = await open()
    const frames: Buffer[] = []
    for (let id = 1; id <= 5000; id++) {
      const call =
        id % 5 === 0
          ? { type: 'call', id, channel: 'profiles:save', payload: { name: '' } }
          : { type: 'call', id, channel: id % 2 ? 'app:info' : 'profiles:list', payload: {} }
      frames.push(encodeFrame(JSON.stringify(call)))
    }
    ws.send(Buffer.concat(frames))
    const answers = await Promise.all(Array.from({ length: 5000 }, (_, i) => ws.nextJson((f) => f['id'] === i + 1)))
    for (const [i, answer] of answers.entries()) {
      expect(answerSchema.parse(answer)).toMatchObject({ id: i + 1, ok: (i + 1) % 5 !== 0 })
    }
    ws.destroy()
    await expectAlive()
  })

  it('turns an answer JSON cannot encode into a typed error for that call', async () => {
    const ws = await open()
    ws.sendText(JSON.stringify({ type: 'call', id: 1, channel: 'profiles:list' }))
    const { data } = (await ws.nextJson((f) => f['id'] === 1)) as { data: { profiles: { id: string; broker: string }[] } }
    const profileId = data.profiles.find((p) => p.broker === 'rabbitmq')!.id
    ws.sendText(JSON.stringify({ type: 'call', id: 2, channel: 'connection:connect', payload: { profileId } }))
    expect(await ws.nextJson((f) => f['id'] === 2)).toMatchObject({ ok: true, data: { state: 'open' } })
    ws.sendText(JSON.stringify({ type: 'call', id: 3, channel: 'broker:overview', payload: { connectionId: profileId } }))
    const answer = await ws.nextJson((f) => f['id'] === 3)
    expect(answerSchema.parse(answer)).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/broker:overview.*too large/) } })
    ws.sendText(JSON.stringify({ type: 'call', id: 4, channel: 'app:info' }))
    expect(await ws.nextJson((f) => f['id'] === 4)).toMatchObject({ ok: true })
    ws.destroy()
  })

  it('still delivers a tail batch too large to encode, as a count of dropped messages', async () => {
    const ws = await open()
    // Tail batches go to the client that started the tail.
    ws.sendText(JSON.stringify({ type: 'call', id: 1, channel: 'tail:start', payload: { connectionId: profileId, source: 'stream:orders' } }))
    const { tailId } = (await ws.nextJson((f) => f['id'] === 1))['data'] as { tailId: string }
    const huge = {
      toJSON: () => {
        throw new RangeError('Invalid string length')
      },
    }
    core.emit('tail:batch', { tailId, messages: [huge, huge] as never, dropped: 3 })
    expect(await ws.nextJson((f) => f['type'] === 'event' && f['channel'] === 'tail:batch')).toMatchObject({
      channel: 'tail:batch',
      payload: { tailId, messages: [], dropped: 5 },
    })
    expect(server.stats().eventsUnsendable).toBeGreaterThan(0)
    ws.destroy()
  })

  it('logged what the protocol violations were, without ending anything', () => {
    expect(logged.some((line) => /breaks the WebSocket protocol/.test(line))).toBe(true)
  })
})
