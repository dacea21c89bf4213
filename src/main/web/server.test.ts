import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore, type Core } from '../core/core'
import { scriptedFactory } from '../../test-support/fake-adapter'
import { startWebServer, type WebServer } from './server'
import { pollUntil } from '../../test-support/wait'

describe('web server', () => {
  let core: Core
  let server: WebServer
  let rendererDir: string

  beforeAll(async () => {
    rendererDir = await mkdtemp(join(tmpdir(), 'qs-renderer-'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Queuescope</title>')
    await mkdir(join(rendererDir, 'assets'))
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
    core = await createCore({
      configDir: await mkdtemp(join(tmpdir(), 'qs-web-')),
      mode: 'web',
      version: '0.0.0',
      adapterFactory: scriptedFactory([{ server: 'Fake', warnings: [] }]),
    })
    server = await startWebServer({ core, rendererDir, port: 0 })
  })
  afterAll(async () => {
    await server.close()
    await core.close()
  })

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.origin}${path}`, { headers, redirect: 'manual' })

  it('binds loopback and prints a URL with the token in the fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/)
    expect(server.url).toBe(`${server.origin}/#token=${server.token}`)
  })

  it('serves the page and its assets without the token (they hold no secret), never with a cookie', async () => {
    const page = await get('/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(page.headers.get('set-cookie')).toBeNull()
    expect(await page.text()).toContain('<title>Queuescope</title>')
    const asset = await get('/assets/app.js')
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    expect(asset.headers.get('set-cookie')).toBeNull()
  })

  it('moves the token of an older /?token= URL into the fragment, and refuses a wrong one', async () => {
    const response = await get(`/?token=${server.token}`)
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(`/#token=${server.token}`)
    expect(response.headers.get('set-cookie')).toBeNull()
    expect((await get(`/queues?x=1&token=${server.token}`)).headers.get('location')).toBe(`/queues?x=1#token=${server.token}`)
    const wrong = await get('/?token=wrong')
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('location')).toBeNull()
  })

  it('refuses foreign origins and hosts (403)', async () => {
    expect((await get('/', { origin: 'http://evil.example' })).status).toBe(403)
    expect((await get(`/?token=${server.token}`, { origin: 'http://evil.example' })).status).toBe(403)
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host (fetch
    // cannot set Host, so use node:http)
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: `evil.example:${server.port}` } }, (res) => {
        res.resume()
        resolve(res.statusCode)
      })
        .on('error', reject)
        .end()
    })
    expect(status).toBe(403)
  })

  it('on IPv6 loopback writes the host in brackets, and accepts that Host', async () => {
    const v6 = await startWebServer({ core, rendererDir, host: '::1', port: 0 })
    try {
      expect(v6.url).toMatch(/^http:\/\/\[::1\]:\d+\/#token=/)
      const response = await fetch(`${v6.origin}/`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-security-policy')).toContain(`ws://[::1]:${v6.port}`)
    } finally {
      await v6.close()
    }
  })

  it('does not serve files outside the renderer folder', async () => {
    const response = await get('/..%2f..%2f..%2fetc%2fpasswd')
    expect([200, 403]).toContain(response.status)
    expect(await response.text()).not.toContain('root:')
  })

  function openSocket(headers: Record<string, string>, token: string | null = server.token): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${token === null ? '' : `?token=${token}`}`, { headers })
      ws.once('open', () => resolve(ws))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }

  it('refuses WebSockets without the token or from another origin', async () => {
    await expect(openSocket({ origin: server.origin }, null)).rejects.toThrow('HTTP 401')
    await expect(openSocket({ origin: server.origin }, 'wrong')).rejects.toThrow('HTTP 401')
    // The old cookie is no way in any more.
    await expect(openSocket({ origin: server.origin, cookie: `qs_token=${server.token}` }, null)).rejects.toThrow('HTTP 401')
    await expect(openSocket({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
  })

  it('speaks the contract over the WebSocket and pushes status events', async () => {
    const ws = await openSocket({ origin: server.origin })
    const frames: unknown[] = []
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())))
    const waitFor = (predicate: (f: Record<string, unknown>) => boolean) =>
      pollUntil(
        `a matching frame (got ${frames.length})`,
        () => frames.find((f) => predicate(f as Record<string, unknown>)) as Record<string, unknown> | undefined,
        {
          everyMs: 20,
          timeoutMs: 2_000,
        },
      )
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'profiles:list', payload: {} }))
    const listed = await waitFor((f) => f['id'] === 1)
    expect(listed).toMatchObject({ type: 'result', ok: true })
    const profiles = (listed['data'] as { profiles: { id: string; name: string }[] }).profiles
    expect(profiles.map((p) => p.name)).toContain('Local Redis')

    ws.send(JSON.stringify({ type: 'call', id: 2, channel: 'connection:connect', payload: { profileId: profiles[0]!.id } }))
    expect(await waitFor((f) => f['id'] === 2)).toMatchObject({ ok: true, data: { state: 'open' } })
    expect(await waitFor((f) => f['type'] === 'event')).toMatchObject({ channel: 'connection:status', payload: { state: 'connecting' } })

    ws.send(JSON.stringify({ type: 'call', id: 3, channel: 'profiles:save', payload: { name: '' } }))
    expect(await waitFor((f) => f['id'] === 3)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    ws.send('not json')
    expect(await waitFor((f) => f['type'] === 'error')).toMatchObject({ error: { code: 'BAD_REQUEST' } })
    ws.close()
  })
})
