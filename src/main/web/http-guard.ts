import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export interface Refusal {
  status: 400 | 401 | 403 | 404
  message: string
}

export interface RequestGuard {
  /** Host and Origin checks, for every request and upgrade: null when both are ours. */
  checkSite(req: IncomingMessage): Refusal | null
  /** Is this the launch's token? Constant time. */
  isToken(given: string | null): boolean
  /** Headers of every HTTP response. */
  securityHeaders(): Record<string, string>
}

/**
 * Who may talk to the web server. The Host header must name the server (a DNS-rebound name does
 * not), an Origin, when sent, must be the server's own, and the WebSocket needs the token.
 * `port()` is read late: the server learns its port after listen().
 */
export function createRequestGuard(options: { urlHost: string; port: () => number; token: string }): RequestGuard {
  const hosts = (): Set<string> => {
    const port = options.port()
    return new Set([`${options.urlHost}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
  }
  const origins = (): Set<string> => new Set([...hosts()].map((h) => `http://${h}`))
  const expected = Buffer.from(options.token)

  return {
    checkSite(req) {
      if (!req.headers.host || !hosts().has(req.headers.host)) return { status: 403, message: 'forbidden: unexpected Host header' }
      const origin = req.headers.origin
      // The origin is not echoed: it is whatever the other side chose to send.
      if (origin !== undefined && !origins().has(origin)) return { status: 403, message: 'forbidden: this origin may not use Queuescope' }
      return null
    },
    isToken(given) {
      if (!given) return false
      const a = Buffer.from(given)
      return a.length === expected.length && timingSafeEqual(a, expected)
    },
    securityHeaders() {
      // connect-src names the server's own WebSocket origins: 'self' covers ws: only in CSP3 browsers.
      const ws = [...hosts()].map((h) => `ws://${h}`).join(' ')
      return {
        'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ${ws}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      }
    },
  }
}

/**
 * The request target as a URL, or null when it is not one (`GET http://[`, `OPTIONS *`). The base
 * is fixed, never the Host header, so a hostile Host cannot make parsing throw.
 */
export function parseTarget(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://queuescope.invalid')
  } catch {
    return null
  }
}
