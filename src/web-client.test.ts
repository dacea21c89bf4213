/**
 * The renderer's WebSocket client against a scripted server (`ws`): deadlines, retries of calls
 * that change nothing and only those, calls out when the link drops fail at once, the link comes
 * back by itself, and frames are measured before they are sent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import type { ClientFrame } from './shared/web-frames'
import type { TailBatch } from './shared/tail'
import { createWebSocketClient, type WebSocketApiOptions, type WebSocketClient } from './renderer/src/ipc/websocket-api'
import type { SocketLike } from './renderer/src/ipc/websocket-link'

type Script = (call: ClientFrame, reply: (frame: object) => void, socket: WebSocket, connection: number) => void

/** A server that answers as the test says, counting connections and calls. */
async function scriptedServer(
  script: Script,
): Promise<{ url: string; calls: ClientFrame[]; connections: () => number; push(frame: object): void; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise((resolve) => wss.once('listening', resolve))
  const calls: ClientFrame[] = []
  let connections = 0
  wss.on('connection', (socket) => {
    const connection = ++connections
    socket.on('message', (data) => {
      const call = JSON.parse(data.toString()) as ClientFrame
      calls.push(call)
      script(call, (frame) => socket.send(JSON.stringify(frame)), socket, connection)
    })
  })
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws?token=t`,
    calls,
    connections: () => connections,
    push: (frame) => wss.clients.forEach((c) => c.send(JSON.stringify(frame))),
    close: () => {
      wss.clients.forEach((c) => c.terminate())
      return new Promise((resolve) => wss.close(() => resolve()))
    },
  }
}

const ok = (call: ClientFrame, data: unknown) => ({ type: 'result', id: call.id, ok: true, data })
const clients: WebSocketClient[] = []
const servers: { close(): Promise<void> }[] = []

function client(url: string | null, options: Partial<WebSocketApiOptions> = {}): WebSocketClient {
  const created = createWebSocketClient({
    url,
    createSocket: (u) => new WebSocket(u) as unknown as SocketLike,
    backoff: { initialMs: 5, maxMs: 20 },
    ...options,
  })
  clients.push(created)
  return created
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  for (const s of servers.splice(0)) await s.close()
})

async function serve(script: Script) {
  const server = await scriptedServer(script)
  servers.push(server)
  return server
}

describe('the web UI client', () => {
  it('turns results into values and errors into QsErrors, and events into listener calls', async () => {
    const server = await serve((call, reply) => {
      if (call.channel === 'profiles:list') reply(ok(call, { profiles: [] }))
      else reply({ type: 'result', id: call.id, ok: false, error: { code: 'READ_ONLY', message: 'read-only profile' } })
    })
    const { api } = client(server.url)
    const seen: unknown[] = []
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    api.onReplayProgress(() => {
      throw new Error('a broken listener must not stop the others')
    })
    api.onReplayProgress((p) => seen.push(p))
    await expect(api.profilesList({})).resolves.toEqual({ profiles: [] })
    await expect(api.sourcesPurge({ connectionId: 'c', source: 'queue:q', confirm: 'q' })).rejects.toMatchObject({ name: 'QsError', code: 'READ_ONLY' })
    server.push({ type: 'event', channel: 'replay:progress', payload: { id: 'r' } })
    server.push({ type: 'event', channel: 'replay:progress', payload: 'not JSON?' })
    await vi.waitFor(() => expect(seen).toEqual([{ id: 'r' }, 'not JSON?']))
    expect(logged).toHaveBeenCalledWith('a replay:progress listener failed', expect.any(Error))
    logged.mockRestore()
  })

  it('fails a call at once when the link drops while it is out, never sends it again, and reconnects', async () => {
    const server = await serve((call, reply, socket) => {
      if (call.channel === 'messages:publish') socket.terminate()
      else reply(ok(call, { profiles: [] }))
    })
    const { api } = client(server.url, { policy: { deadlineFor: () => 60_000 } })
    const err = await api.messagesPublish({ connectionId: 'c', target: 'queue:q', body: 'x' } as never).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'NOT_CONNECTED', message: expect.stringMatching(/^messages:publish: lost the connection.*may or may not have happened/) })
    await expect(api.profilesList({})).resolves.toEqual({ profiles: [] })
    expect(server.calls.filter((c) => c.channel === 'messages:publish')).toHaveLength(1)
    expect(server.connections()).toBe(2)
  })

  it('tries a call that changes nothing once more after the link comes back', async () => {
    const server = await serve((call, reply, socket, connection) => {
      if (connection === 1) socket.terminate()
      else reply(ok(call, { profiles: ['second try'] }))
    })
    const { api } = client(server.url)
    await expect(api.profilesList({})).resolves.toEqual({ profiles: ['second try'] })
    expect(server.calls.map((c) => c.channel)).toEqual(['profiles:list', 'profiles:list'])
  })

  it('times out a call with no answer, naming it: sent twice if it changes nothing, once otherwise; a late answer is ignored', async () => {
    const server = await serve((call, reply) => {
      // Only the fourth call is answered, long after the deadline of the first.
      if (server.calls.length === 4) reply(ok({ ...call, id: 1 }, { late: true }))
    })
    const { api } = client(server.url, { policy: { deadlineFor: () => 30 } })
    await expect(api.messagesPeek({ connectionId: 'c', source: 'queue:q' })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/^messages:peek got no answer within 30 ms\. It may or may not have happened/),
    })
    await expect(api.bullmqJobs({ connectionId: 'c', queue: 'q', state: 'failed' } as never)).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: 'bullmq:jobs got no answer within 30 ms (tried twice)',
    })
    expect(server.calls.map((c) => c.channel)).toEqual(['messages:peek', 'bullmq:jobs', 'bullmq:jobs'])
    await expect(api.appInfo({})).rejects.toMatchObject({ code: 'TIMEOUT' })
  })

  it('tells the page its tails ended when the link drops (the server stops them)', async () => {
    const server = await serve((call, reply, socket) => {
      if (call.channel === 'tail:start') reply(ok(call, { tailId: 't-9' }))
      else socket.terminate()
    })
    const { api } = client(server.url)
    const batches: TailBatch[] = []
    api.onTailBatch((b) => batches.push(b))
    await api.tailStart({ connectionId: 'c', source: 'stream:s' } as never)
    await api.tailStop({ tailId: 'other' }).catch(() => undefined)
    expect(batches).toEqual([{ tailId: 't-9', messages: [], dropped: 0, ended: expect.stringMatching(/connection to the Queuescope server dropped/) }])
  })

  it('resyncs connection statuses after reconnecting', async () => {
    const status = { connectionId: 'p-1', state: 'open', readOnly: false, at: 1 }
    const server = await serve((call, reply, socket, connection) => {
      if (connection === 1) socket.terminate()
      else reply(ok(call, call.channel === 'connection:list' ? { connections: [status] } : { profiles: [] }))
    })
    const { api } = client(server.url)
    const seen: unknown[] = []
    api.onConnectionStatus((s) => seen.push(s))
    await vi.waitFor(() => expect(server.connections()).toBe(1))
    // The first link dies on its first call; the client reconnects and asks for the statuses.
    await api.profilesList({}).catch(() => undefined)
    await vi.waitFor(() => expect(seen).toContainEqual(status))
  })

  it('refuses to send a frame over the limit, measured in UTF-8 bytes, with a message that says what to do', async () => {
    const server = await serve((call, reply) => reply(ok(call, { routed: true })))
    const small = client(server.url, { maxFrameBytes: 2000 }).api
    const publish = (body: string) => small.messagesPublish({ connectionId: 'c', target: 'queue:q', body } as never)
    await expect(publish('a'.repeat(1000))).resolves.toEqual({ routed: true })
    // 700 characters, 2,100 bytes.
    await expect(publish('€'.repeat(700))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/web UI carries at most .* use the queuescope CLI/),
    })
    expect(server.calls).toHaveLength(1)

    // The real limit: a body the schema accepts (64 MiB) that JSON escaping doubles.
    const { api } = client(server.url)
    const err = await api.messagesPublish({ connectionId: 'c', target: 'queue:q', body: '"'.repeat(64 * 1024 * 1024) } as never).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^this messages:publish request is 128 MiB and the web UI carries at most 96 MiB per message: use the queuescope CLI/),
    })
    expect(server.calls).toHaveLength(1)
  })

  it('fails unsent when no server answers, and at once when the page has no token', async () => {
    const server = await serve(() => undefined)
    const port = new URL(server.url).port
    await server.close()
    const gone = client(`ws://127.0.0.1:${port}/ws?token=t`, { connectWaitMs: 50 }).api
    await expect(gone.profilesList({})).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
      message: expect.stringMatching(/cannot reach the Queuescope server.*it was not sent$/),
    })
    const tokenless = client(null).api
    await expect(tokenless.profilesList({})).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
      message: expect.stringMatching(/no access token.*URL Queuescope printed/),
    })
  })
})
