import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore, type Core } from '../core/core'
import { scriptedFactory } from '../../test-support/fake-adapter'
import { startWebServer, type WebServer } from './server'

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

  it('binds loopback and prints a URL with the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/)
  })

  it('refuses every request without the token (401), including assets', async () => {
    expect((await get('/')).status).toBe(401)
    expect((await get('/assets/app.js')).status).toBe(401)
    expect((await get('/?token=wrong')).status).toBe(401)
    expect((await get('/', { cookie: 'qs_token=wrong' })).status).toBe(401)
  })

  it('trades the token for an HttpOnly SameSite cookie and drops it from the URL', async () => {
    const response = await get(`/?token=${server.token}`)
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/')
    expect(response.headers.get('set-cookie')).toMatch(/^qs_token=[\w-]+; HttpOnly; SameSite=Strict; Path=\//)
    const page = await get('/', { cookie: `qs_token=${server.token}` })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await page.text()).toContain('<title>Queuescope</title>')
    const asset = await get('/assets/app.js', { cookie: `qs_token=${server.token}` })
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
  })

  it('refuses foreign origins and hosts (403) even with the token', async () => {
    const cookie = `qs_token=${server.token}`
    expect((await get('/', { cookie, origin: 'http://evil.example' })).status).toBe(403)
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host (fetch
    // cannot set Host, so use node:http)
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/', headers: { cookie, host: `evil.example:${server.port}` } }, (res) => {
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
      expect(v6.url).toMatch(/^http:\/\/\[::1\]:\d+\/\?token=/)
      const response = await fetch(`${v6.origin}/`, { headers: { cookie: `qs_token=${v6.token}` } })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-security-policy')).toContain(`ws://[::1]:${v6.port}`)
    } finally {
      await v6.close()
    }
  })

  it('does not serve files outside the renderer folder', async () => {
    const response = await get('/..%2f..%2f..%2fetc%2fpasswd', { cookie: `qs_token=${server.token}` })
    expect([200, 403]).toContain(response.status)
    expect(await response.text()).not.toContain('root:')
  })

  function openSocket(headers: Record<string, string>): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers })
      ws.once('open', () => resolve(ws))
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      ws.once('error', reject)
    })
  }

  it('refuses WebSockets without the token or from another origin', async () => {
    await expect(openSocket({ origin: server.origin })).rejects.toThrow('HTTP 401')
    await expect(openSocket({ origin: 'http://evil.example', cookie: `qs_token=${server.token}` })).rejects.toThrow('HTTP 403')
  })

  it('speaks the contract over the WebSocket and pushes status events', async () => {
    const ws = await openSocket({ origin: server.origin, cookie: `qs_token=${server.token}` })
    const frames: unknown[] = []
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())))
    const waitFor = async (predicate: (f: Record<string, unknown>) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const found = frames.find((f) => predicate(f as Record<string, unknown>))
        if (found) return found as Record<string, unknown>
        await new Promise((r) => setTimeout(r, 20))
      }
      throw new Error(`no matching frame in ${JSON.stringify(frames)}`)
    }
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
