/**
 * The WebSocket under the web UI's client: opens on demand, reconnects with backoff whenever it
 * closes, and lets a call wait a bounded time for it. Knows nothing of calls or events. No DOM
 * types: the socket comes from a factory (the browser's WebSocket, or `ws` in tests).
 */
import { TransportFailure } from './call-policy'

/** What the link needs of a WebSocket (the browser's, or `ws`'s in tests). */
export interface SocketLike {
  readonly readyState: number
  send(text: string): void
  close(): void
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
}

export type SocketFactory = (url: string) => SocketLike

export interface LinkOptions {
  /** The ws:// URL with the token; null when the page has none (every call fails at once). */
  url: string | null
  createSocket: SocketFactory
  /** Reconnect delays: initial, doubled each failure up to max, with jitter. */
  backoff: { initialMs: number; maxMs: number }
  /** How long a call waits for a link that is down before it fails unsent. */
  connectWaitMs: number
  noTokenMessage: string
}

export interface LinkHooks {
  frame(text: string): void
  /** The link is open; `reconnected` after it had been open before. */
  opened(reconnected: boolean): void
  /** An open link closed (every call out on it is lost). */
  closed(): void
}

export class Link {
  private socket: SocketLike | null = null
  private connecting = false
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private failures = 0
  private everOpened = false
  private disposed = false
  private readonly waiters = new Set<{ resolve: (socket: SocketLike) => void; reject: (err: Error) => void; timer: ReturnType<typeof setTimeout> }>()

  constructor(
    private readonly options: LinkOptions,
    private readonly hooks: LinkHooks,
  ) {}

  /** Starts connecting if nothing is open or under way (events want a live link too). */
  start(): void {
    if (this.disposed || this.options.url === null || this.socket || this.connecting || this.retryTimer) return
    this.connect(this.options.url)
  }

  /** The open socket, waiting at most `waitMs` for it; rejects with an `unsent` TransportFailure. */
  whenOpen(waitMs: number): Promise<SocketLike> {
    if (this.socket) return Promise.resolve(this.socket)
    const url = this.options.url
    if (url === null) return Promise.reject(new TransportFailure('unsent', this.options.noTokenMessage))
    if (this.disposed) return Promise.reject(new TransportFailure('unsent', 'the client was closed'))
    // Someone is waiting: try now rather than at the end of the backoff.
    if (this.retryTimer) {
      clearTimeout(this.retryTimer)
      this.retryTimer = null
    }
    if (!this.connecting) this.connect(url)
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          reject(
            new TransportFailure('unsent', 'cannot reach the Queuescope server (is it still running? Its token changes each launch: open the URL it printed)'),
          )
        }, waitMs),
      }
      this.waiters.add(waiter)
    })
  }

  /** Stops reconnecting and closes the socket. */
  dispose(): void {
    this.disposed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer)
      waiter.reject(new TransportFailure('unsent', 'the client was closed'))
    }
    this.waiters.clear()
    this.socket?.close()
  }

  private connect(url: string): void {
    this.connecting = true
    let ws: SocketLike
    try {
      ws = this.options.createSocket(url)
    } catch {
      this.connecting = false
      this.scheduleRetry()
      return
    }
    let open = false
    ws.addEventListener('open', () => {
      if (this.disposed) return ws.close()
      open = true
      this.connecting = false
      this.socket = ws
      this.failures = 0
      const reconnected = this.everOpened
      this.everOpened = true
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer)
        waiter.resolve(ws)
      }
      this.waiters.clear()
      this.hooks.opened(reconnected)
    })
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.hooks.frame(event.data)
    })
    // 'close' always follows 'error'.
    ws.addEventListener('error', () => undefined)
    ws.addEventListener('close', () => {
      if (this.socket === ws) this.socket = null
      if (!open) this.connecting = false
      if (open) this.hooks.closed()
      this.scheduleRetry()
    })
  }

  private scheduleRetry(): void {
    if (this.disposed || this.retryTimer) return
    const { initialMs, maxMs } = this.options.backoff
    const delay = Math.min(maxMs, initialMs * 2 ** this.failures) * (0.5 + Math.random() / 2)
    this.failures++
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      if (this.options.url !== null && !this.disposed && !this.socket && !this.connecting) this.connect(this.options.url)
    }, delay)
  }
}
