/**
 * The renderer's WebSocket client against the real web server: the token goes on the WebSocket
 * URL only, calls and events flow, a wrong token never connects, and when the server goes away
 * the page is told at once (calls fail, its tails are reported ended).
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore, type Core } from './main/core/core'
import { startWebServer, type WebServer } from './main/web/server'
import { scriptedFactory } from './test-support/fake-adapter'
import type { TailBatch } from './shared/tail'
import { createWebSocketClient, type WebSocketClient } from './renderer/src/ipc/websocket-api'
import type { SocketLike } from './renderer/src/ipc/websocket-link'
import { webSocketUrl } from './renderer/src/ipc/web-token'

describe('the web UI client over the real server', () => {
  let core: Core
  let server: WebServer
  const clients: WebSocketClient[] = []

  beforeAll(async () => {
    const rendererDir = await mkdtemp(join(tmpdir(), 'qs-renderer-'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html>')
    const factory = scriptedFactory([{ server: 'Fake', warnings: [] }])
    const adapterFactory = ((...args: Parameters<typeof factory>) => {
      const adapter = factory(...args)
      adapter.openTail = async () => ({ stop: async () => undefined })
      return adapter
    }) as typeof factory
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-transport-')), mode: 'web', version: '0.0.0', adapterFactory })
    server = await startWebServer({ core, rendererDir })
  })
  afterAll(async () => {
    for (const c of clients) c.close()
    await server.close()
    await core.close()
  })

  const connect = (token: string, origin = server.origin) => {
    const created = createWebSocketClient({
      url: webSocketUrl({ protocol: 'http:', host: new URL(server.origin).host }, token),
      // A browser on the page sends its origin; so does this one.
      createSocket: (url) => new WebSocket(url, { headers: { origin } }) as unknown as SocketLike,
      connectWaitMs: 500,
      backoff: { initialMs: 5, maxMs: 20 },
    })
    clients.push(created)
    return created.api
  }

  it('speaks the contract with the token from the printed URL', async () => {
    const api = connect(new URLSearchParams(new URL(server.url).hash.slice(1)).get('token')!)
    const { profiles } = await api.profilesList({})
    const profile = profiles.find((p) => p.broker === 'rabbitmq')!
    const statuses: string[] = []
    api.onConnectionStatus((s) => statuses.push(s.state))
    await expect(api.connectionConnect({ profileId: profile.id })).resolves.toMatchObject({ state: 'open' })
    expect(statuses).toContain('open')
  })

  it('never connects with a wrong token or from another origin', async () => {
    await expect(connect('wrong').profilesList({})).rejects.toMatchObject({ code: 'NOT_CONNECTED', message: expect.stringMatching(/not sent/) })
    await expect(connect(server.token, 'http://evil.example').profilesList({})).rejects.toMatchObject({ code: 'NOT_CONNECTED' })
  })

  it('when the server goes away, the page learns at once that its tails ended', async () => {
    const api = connect(server.token)
    const { profiles } = await api.profilesList({})
    const profileId = profiles.find((p) => p.broker === 'rabbitmq')!.id
    await api.connectionConnect({ profileId })
    const { tailId } = await api.tailStart({ connectionId: profileId, source: 'stream:orders' } as never)
    const batches: TailBatch[] = []
    api.onTailBatch((b) => batches.push(b))
    const ended = new Promise<void>((resolve) => api.onTailBatch((b) => b.ended && resolve()))
    await server.close()
    await ended
    expect(batches).toContainEqual(expect.objectContaining({ tailId, ended: expect.stringMatching(/dropped|went away/) }))
    expect(core.tails.running()).not.toContain(tailId)
  })
})
