/**
 * A stand-in for the RabbitMQ management HTTP API on a loopback port: healthy it passes every
 * request to the real API; otherwise it fails as real deployments do (slow, hung, 500, an answer
 * that is not JSON, or one cut off mid-body). The mode can change between requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MANAGEMENT_URL } from './brokers'

export type StandInMode =
  | { kind: 'healthy' }
  /** Answers as the real API does, `delayMs` late. */
  | { kind: 'slow'; delayMs: number }
  /** Never answers (the request stays open). */
  | { kind: 'hang' }
  /** 500 with a JSON reason, as a crashing management plugin does. */
  | { kind: 'error' }
  /** 200 with an HTML error page, as a misconfigured reverse proxy does. */
  | { kind: 'garbage' }
  /** The real answer's headers and half its body, then the connection drops. */
  | { kind: 'truncated' }

export interface ManagementStandIn {
  url: string
  set(mode: StandInMode): void
  /** Requests received so far. */
  requests(): number
  close(): Promise<void>
}

export async function startManagementStandIn(target = MANAGEMENT_URL): Promise<ManagementStandIn> {
  let mode: StandInMode = { kind: 'healthy' }
  let requests = 0
  const timers = new Set<NodeJS.Timeout>()

  const forward = async (req: IncomingMessage): Promise<{ status: number; type: string; body: Buffer }> => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers: Record<string, string> = {}
    for (const name of ['authorization', 'accept', 'content-type', 'x-reason']) {
      const value = req.headers[name]
      if (typeof value === 'string') headers[name] = value
    }
    const response = await fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined })
    return { status: response.status, type: response.headers.get('content-type') ?? 'application/json', body: Buffer.from(await response.arrayBuffer()) }
  }

  const answer = async (req: IncomingMessage, res: ServerResponse, current: StandInMode): Promise<void> => {
    switch (current.kind) {
      case 'hang':
        return
      case 'error':
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Internal Server Error', reason: 'stand-in failure' }))
        return
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html><body>502 Bad Gateway</body></html>')
        return
      case 'slow':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer)
            resolve()
          }, current.delayMs)
          timers.add(timer)
        })
        break
      default:
        break
    }
    const { status, type, body } = await forward(req)
    if (current.kind === 'truncated') {
      // Headers and half the body reach the client before the connection drops.
      res.writeHead(status, { 'content-type': type, 'content-length': body.length })
      res.flushHeaders()
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy())
      return
    }
    if (res.destroyed) return
    res.writeHead(status, { 'content-type': type }).end(body)
  }

  const server = createServer((req, res) => {
    requests++
    answer(req, res, mode).catch(() => {
      if (!res.headersSent) res.writeHead(502).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (next) => {
      mode = next
    },
    requests: () => requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
