import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Core } from '../core/core'
import { createDispatcher } from '../core/dispatch'

export interface WebServerOptions {
  core: Core
  /** The built renderer (out/renderer). */
  rendererDir: string
  host?: string
  port?: number
  /** Per-launch secret; random when not given. */
  token?: string
}

export interface WebServer {
  /** The URL to open, with the token. */
  url: string
  origin: string
  port: number
  token: string
  close(): Promise<void>
}

export const TOKEN_COOKIE = 'qs_token'
const MAX_FRAME_BYTES = 96 * 1024 * 1024

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

function cookieToken(header: string | undefined): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name === TOKEN_COOKIE) return rest.join('=')
  }
  return null
}

function sameSecret(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Web mode: serves the built renderer and a WebSocket speaking the contract, over the same core
 * handlers as Electron's IPC. Guards (issue #2): loopback by default; a random token per launch
 * on every HTTP request and WebSocket (query on first load, then an HttpOnly SameSite=Strict
 * cookie); the Host header must name this server (DNS rebinding) and any Origin must be ours.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('base64url')
  const call = createDispatcher(options.core)
  let port = 0
  // How the host is written in a URL or Host header (IPv6 in brackets).
  const urlHost = host.includes(':') ? `[${host}]` : host
  const allowedHosts = (): Set<string> => new Set([`${urlHost}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
  const allowedOrigins = (): Set<string> => new Set([...allowedHosts()].map((h) => `http://${h}`))

  /** Why a request must be refused, or null. */
  const refusal = (req: IncomingMessage, url: URL): { status: 401 | 403; message: string } | null => {
    if (!req.headers.host || !allowedHosts().has(req.headers.host)) {
      return { status: 403, message: 'forbidden: unexpected Host header' }
    }
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return { status: 403, message: `forbidden: origin ${origin} is not allowed` }
    }
    const given = url.searchParams.get('token') ?? cookieToken(req.headers.cookie)
    if (!sameSecret(given, token)) {
      return { status: 401, message: 'unauthorized: open the URL Queuescope printed when it started (it carries the access token)' }
    }
    return null
  }

  const securityHeaders = (): Record<string, string> => ({
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://${urlHost}:${port} ws://127.0.0.1:${port} ws://localhost:${port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  })

  const serveFile = async (res: ServerResponse, pathname: string): Promise<void> => {
    const root = normalize(options.rendererDir + sep)
    let file = normalize(join(root, decodeURIComponent(pathname)))
    if (!file.startsWith(root)) {
      res.writeHead(403, securityHeaders()).end('forbidden')
      return
    }
    let info = await stat(file).catch(() => null)
    if (!info || info.isDirectory()) {
      // The renderer is a single page: unknown paths get index.html.
      file = join(root, 'index.html')
      info = await stat(file).catch(() => null)
    }
    if (!info) {
      res.writeHead(500, securityHeaders()).end(`renderer build not found in ${options.rendererDir}: run npm run build`)
      return
    }
    const body = await readFile(file)
    res.writeHead(200, { ...securityHeaders(), 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(body)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`)
    const refused = refusal(req, url)
    if (refused) {
      res.writeHead(refused.status, { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' }).end(refused.message)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders()).end('method not allowed')
      return
    }
    if (url.searchParams.has('token')) {
      // Trade the token in the URL for a cookie, and drop it from the address bar and history.
      url.searchParams.delete('token')
      res.writeHead(302, {
        ...securityHeaders(),
        'set-cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname + url.search,
      })
      res.end()
      return
    }
    serveFile(res, url.pathname).catch((err: unknown) => {
      res.writeHead(500, securityHeaders()).end(String(err))
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`)
    // Browsers always send Origin on a WebSocket; a missing one is a non-browser client with the token.
    const refused = url.pathname !== '/ws' ? { status: 404, message: 'not found' } : refusal(req, url)
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} ${refused.status === 401 ? 'Unauthorized' : refused.status === 403 ? 'Forbidden' : 'Not Found'}\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\n${refused.message}`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    // Live tails this page started: a closed tab or a reload must not leave them running.
    const tails = new Set<string>()
    ws.on('close', () => {
      for (const tailId of tails) void options.core.tails.stop(tailId, 'the web page that started it went away')
    })
    ws.on('message', (data) => {
      let frame: { type?: unknown; id?: unknown; channel?: unknown; payload?: unknown }
      try {
        frame = JSON.parse(data.toString()) as typeof frame
      } catch {
        ws.send(JSON.stringify({ type: 'error', error: { code: 'BAD_REQUEST', message: 'frame is not JSON' } }))
        return
      }
      if (frame.type !== 'call' || typeof frame.id !== 'number' || typeof frame.channel !== 'string') {
        ws.send(JSON.stringify({ type: 'error', error: { code: 'BAD_REQUEST', message: 'expected {type:"call", id, channel, payload}' } }))
        return
      }
      const id = frame.id
      const channel = frame.channel
      void call(channel, frame.payload).then((envelope) => {
        if (channel === 'tail:start' && envelope.ok) {
          const { tailId } = envelope.data as { tailId: string }
          if (ws.readyState === ws.OPEN) tails.add(tailId)
          else void options.core.tails.stop(tailId, 'the web page that started it went away')
        }
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id, ...envelope }))
      })
    })
  })

  const unsubscribe = options.core.onEvent((channel, payload) => {
    const text = JSON.stringify({ type: 'event', channel, payload })
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const origin = `http://${urlHost}:${port}`

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      unsubscribe()
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
