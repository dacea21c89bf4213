/**
 * Security regressions of web mode: two instances keep their tokens apart and nothing a server
 * says makes a browser send the token anywhere; malformed requests are 400, never 500 with Node's
 * words; the CSP (header and the renderer's meta) lets the page connect to its own server only.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore, type Core } from '../core/core'
import { scriptedFactory } from '../../test-support/fake-adapter'
import { startWebServer, type WebServer } from './server'

/** One raw HTTP/1.1 exchange: what a browser or fetch() would refuse to send. */
function rawRequest(port: number, head: string): Promise<{ status: number; text: string }> {
  return new Promise((resolveAnswer, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`))
    let text = ''
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
    socket.on('error', reject)
    socket.on('close', () => resolveAnswer({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }))
  })
}

function socketStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const ws = new WebSocket(url, { headers: { origin } })
    ws.once('open', () => {
      ws.close()
      resolveStatus(101)
    })
    ws.once('unexpected-response', (_req, res) => resolveStatus(res.statusCode ?? 0))
    ws.once('error', reject)
  })
}

/** connect-src of a CSP, as its list of sources. */
function connectSources(policy: string): string[] {
  const directive = policy
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('connect-src '))
  return directive ? directive.split(/\s+/).slice(1) : []
}

describe('web mode security', () => {
  let core: Core
  let rendererDir: string
  let a: WebServer
  let b: WebServer

  beforeAll(async () => {
    rendererDir = await mkdtemp(join(tmpdir(), 'qs-renderer-'))
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Queuescope</title>')
    core = await createCore({
      configDir: await mkdtemp(join(tmpdir(), 'qs-sec-')),
      mode: 'web',
      version: '0.0.0',
      adapterFactory: scriptedFactory([{ server: 'Fake', warnings: [] }]),
    })
    a = await startWebServer({ core, rendererDir })
    b = await startWebServer({ core, rendererDir })
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    await core.close()
  })

  it('two instances on two ports have their own tokens, and one token does not open the other', async () => {
    expect(a.port).not.toBe(b.port)
    expect(a.token).not.toBe(b.token)
    expect(await socketStatus(`ws://127.0.0.1:${a.port}/ws?token=${a.token}`, a.origin)).toBe(101)
    expect(await socketStatus(`ws://127.0.0.1:${b.port}/ws?token=${b.token}`, b.origin)).toBe(101)
    expect(await socketStatus(`ws://127.0.0.1:${b.port}/ws?token=${a.token}`, b.origin)).toBe(401)
    expect(await socketStatus(`ws://127.0.0.1:${a.port}/ws?token=${b.token}`, a.origin)).toBe(401)
    // A page served by one instance may not use the other's WebSocket, whatever token it has.
    expect(await socketStatus(`ws://127.0.0.1:${b.port}/ws?token=${b.token}`, a.origin)).toBe(403)
  })

  it('never sets a cookie (a cookie for 127.0.0.1 goes to every port) and keeps the token out of requests', async () => {
    for (const server of [a, b]) {
      for (const path of ['/', '/index.html', '/no/such/page', `/?token=${server.token}`, '/?token=wrong', '/%']) {
        const response = await fetch(`${server.origin}${path}`, { redirect: 'manual' })
        expect(response.headers.get('set-cookie')).toBeNull()
        expect(response.headers.get('referrer-policy')).toBe('no-referrer')
        const location = response.headers.get('location')
        // A redirect stays on this origin and carries the token only in the fragment.
        if (location !== null) expect(location).toMatch(/^\/(?![/\\])[^?#]*(\?[^#]*)?#token=/)
      }
      // Sent as is (fetch would resolve the dot segment): the redirect must not become `//evil.example`.
      const { text } = await rawRequest(server.port, `GET /.//evil.example/?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}`)
      expect(/\r\nlocation: (\S+)/i.exec(text)?.[1]).toBe(`/evil.example/#token=${server.token}`)
      expect(new URL(server.url).search).toBe('')
      expect(new URL(server.url).hash).toBe(`#token=${server.token}`)
    }
  })

  it.each(['/%', '/%E0%A4%A', '/%zz', '/assets/%', '/%00', '/a%00.js'])('GET %s is 400 with no internal detail', async (path) => {
    const response = await fetch(`${a.origin}${path}`)
    expect(response.status).toBe(400)
    const body = await response.text()
    expect(body).not.toMatch(/URIError|Error:|\n\s+at |node:|\/tmp|qs-renderer/)
  })

  it('answers request targets that are not URLs, and hostile Host headers, without failing', async () => {
    for (const head of [
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${a.port}`,
      `GET / HTTP/1.1\r\nHost: [`,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${a.port}@evil.example`,
      `OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:${a.port}`,
      `GET /ws HTTP/1.1\r\nHost: [\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${'A'.repeat(22)}==\r\nSec-WebSocket-Version: 13`,
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${a.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${'A'.repeat(22)}==\r\nSec-WebSocket-Version: 13`,
    ]) {
      const { status, text } = await rawRequest(a.port, head)
      expect([400, 403, 405]).toContain(status)
      expect(text).not.toMatch(/TypeError|Invalid URL|\n\s+at /)
    }
    expect((await fetch(`${a.origin}/`)).status).toBe(200)
  })

  it('says the renderer is not built without naming folders', async () => {
    const empty = await startWebServer({ core, rendererDir: await mkdtemp(join(tmpdir(), 'qs-empty-')) })
    try {
      const response = await fetch(`${empty.origin}/`)
      expect(response.status).toBe(500)
      expect(await response.text()).toBe('the web UI is not built: run npm run build')
    } finally {
      await empty.close()
    }
  })

  it('the CSP header lets the page connect to its own server only', async () => {
    const policy = (await fetch(`${a.origin}/`)).headers.get('content-security-policy')!
    const sources = connectSources(policy)
    expect(sources[0]).toBe("'self'")
    for (const source of sources.slice(1)) expect(source).toMatch(new RegExp(`^ws://(127\\.0\\.0\\.1|localhost|\\[::1\\]):${a.port}$`))
    expect(policy).toContain("frame-ancestors 'none'")
    expect(policy).toContain("object-src 'none'")
  })

  it("the renderer's own CSP (meta) allows no connection beyond 'self'", async () => {
    const html = await readFile(resolve(__dirname, '../../renderer/index.html'), 'utf8')
    const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1]
    expect(policy).toBeDefined()
    expect(connectSources(policy!)).toEqual(["'self'"])
    expect(policy).toContain("script-src 'self'")
    expect(policy).toContain("object-src 'none'")
  })
})
