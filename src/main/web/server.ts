import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_FRAME_BYTES } from '../../shared/web-frames'
import type { Core } from '../core/core'
import { createRequestGuard, parseTarget, type Refusal } from './http-guard'
import { DEFAULT_OUTBOX_LIMITS, Outbox, type OutboxLimits } from './outbox'
import { attachSession } from './socket-session'
import { readStatic } from './static-files'

export interface WebServerOptions {
  core: Core
  /** The built renderer (out/renderer). */
  rendererDir: string
  host?: string
  port?: number
  /** Per-launch secret; random when not given. */
  token?: string
  /** How far a client may fall behind (events held back, then disconnected). */
  outbox?: Partial<OutboxLimits>
  /** Where problems are reported (a client breaking the protocol, a lagging client). */
  log?: (message: string) => void
}

export interface WebServerStats {
  clients: number
  /** Bytes queued for clients right now (bounded by the outbox limits). */
  backlogBytes: number
  /** Events held back for clients that were behind, since the start. */
  eventsHeld: number
  /** Tail messages clients missed because they were behind (each told in a later batch). */
  tailMessagesDropped: number
  /** Clients disconnected because they stopped reading. */
  clientsOverflowed: number
  /** Events that could not be encoded at all (logged). */
  eventsUnsendable: number
}

export interface WebServer {
  /** The URL to open: the token rides in the fragment, which browsers never send to a server. */
  url: string
  origin: string
  port: number
  token: string
  stats(): WebServerStats
  close(): Promise<void>
}

const STATUS_TEXT: Record<Refusal['status'], string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }

/**
 * Web mode: serves the built renderer and a WebSocket speaking the contract, over the same core
 * handlers as Electron's IPC. Guards: loopback by default; the Host header must name this server
 * (DNS rebinding) and any Origin must be ours, on every request; the WebSocket, the only door to
 * the core, needs the per-launch token. The page's files hold no secret and are served without it,
 * so no cookie is needed: a cookie for 127.0.0.1 would go to every port on the machine.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('base64url')
  const log = options.log ?? ((message: string) => console.error(message))
  const limits: OutboxLimits = { ...DEFAULT_OUTBOX_LIMITS, ...options.outbox }
  let port = 0
  // How the host is written in a URL or Host header (IPv6 in brackets).
  const urlHost = host.includes(':') ? `[${host}]` : host
  const guard = createRequestGuard({ urlHost, port: () => port, token })
  const counters = { eventsHeld: 0, tailMessagesDropped: 0, clientsOverflowed: 0, eventsUnsendable: 0 }
  const outboxes = new Map<WebSocket, Outbox>()

  const plain = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { ...guard.securityHeaders(), 'content-type': 'text/plain; charset=utf-8' }).end(message)
  }

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = parseTarget(req.url)
    if (!url) return plain(res, 400, 'bad request')
    const refused = guard.checkSite(req)
    if (refused) return plain(res, refused.status, refused.message)
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed')
    if (url.searchParams.has('token')) {
      // An older printed URL (/?token=…): the token moves to the fragment, out of requests and logs.
      if (!guard.isToken(url.searchParams.get('token')))
        return plain(res, 401, 'unauthorized: this token is not the current one; open the URL Queuescope printed when it started (it changes each launch)')
      url.searchParams.delete('token')
      // One leading slash: `//host` would be another site, and the fragment would go with it.
      const path = `/${url.pathname.replace(/^[/\\]+/, '')}`
      res.writeHead(302, { ...guard.securityHeaders(), location: `${path}${url.search}#token=${token}` }).end()
      return
    }
    const file = await readStatic(options.rendererDir, url.pathname)
    if (file.status !== 200) return plain(res, file.status, file.message)
    res.writeHead(200, { ...guard.securityHeaders(), 'content-type': file.contentType }).end(file.body)
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      log(`web server: ${req.method ?? '?'} failed: ${err instanceof Error ? err.message : String(err)}`)
      if (!res.headersSent) plain(res, 500, 'internal error')
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws takes the socket, nobody else listens for its errors (a reset would be fatal).
    socket.on('error', () => socket.destroy())
    const url = parseTarget(req.url)
    const refused: Refusal | null = !url
      ? { status: 400, message: 'bad request' }
      : url.pathname !== '/ws'
        ? { status: 404, message: 'not found' }
        : (guard.checkSite(req) ??
          // Browsers always send Origin on a WebSocket; a missing one is a non-browser client with the token.
          (guard.isToken(url.searchParams.get('token'))
            ? null
            : { status: 401, message: 'unauthorized: open the URL Queuescope printed when it started (it carries the access token)' }))
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} ${STATUS_TEXT[refused.status]}\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\n${refused.message}`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    const outbox = new Outbox(ws, limits, (backlog) => {
      counters.clientsOverflowed++
      log(`web client disconnected: it stopped reading (${Math.round(backlog / 1024 / 1024)} MiB waiting for it)`)
    })
    outboxes.set(ws, outbox)
    ws.on('close', () => {
      counters.eventsHeld += outbox.stats.eventsHeld
      counters.tailMessagesDropped += outbox.stats.tailMessagesDropped
      outboxes.delete(ws)
    })
    const unsendable = (): void => {
      counters.eventsUnsendable++
    }
    attachSession(ws, { session: options.core.createSession(), outbox, log, unsendable })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const origin = `http://${urlHost}:${port}`

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    stats: () => {
      const live = [...outboxes.values()]
      return {
        clients: live.length,
        backlogBytes: [...outboxes.keys()].reduce((n, ws) => n + ws.bufferedAmount, 0),
        eventsHeld: counters.eventsHeld + live.reduce((n, o) => n + o.stats.eventsHeld, 0),
        tailMessagesDropped: counters.tailMessagesDropped + live.reduce((n, o) => n + o.stats.tailMessagesDropped, 0),
        clientsOverflowed: counters.clientsOverflowed,
        eventsUnsendable: counters.eventsUnsendable,
      }
    },
    close: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
