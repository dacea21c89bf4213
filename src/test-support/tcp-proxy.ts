/**
 * A loopback TCP proxy that injects network faults between Queuescope and a broker: cut (the
 * broker crashes), refuse, hang (accepts, never answers), blackhole (the link freezes both ways),
 * half-open (one direction freezes), latency and throttling. Every fault can be switched on and
 * off while connections are open. A frozen direction holds its bytes rather than dropping them, as
 * TCP retransmits after a real outage: when the fault ends they arrive, late.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/** `up`: client to broker; `down`: broker to client. */
export type Direction = 'up' | 'down'

export interface TcpProxy {
  port: number
  /** Destroys every open connection (the broker seems to crash). */
  cut(): void
  /** Refuse (true) or accept (false) new connections. */
  refuse(on: boolean): void
  /** New connections are accepted and never answered (no connection to the broker is made). */
  hang(on: boolean): void
  /**
   * Nothing passes either way on any connection, silently (no reset, no close); new connections
   * wait unanswered. Switched off, everything held is delivered and waiting connections proceed.
   */
  blackhole(on: boolean): void
  /** One direction stops as in blackhole (null: both flow again). */
  halfOpen(direction: Direction | null): void
  /** Each chunk is delivered this much later (0: off). */
  latency(ms: number): void
  /** Each direction of each connection carries at most this many bytes a second (null: off). */
  throttle(bytesPerSecond: number | null): void
  stats(): ProxyStats
  close(): Promise<void>
}

export interface ProxyStats {
  /** Connections accepted so far. */
  accepted: number
  /** Connections made to the target so far. */
  upstream: number
  /** Client connections open now. */
  open: number
  /** Bytes read but not yet delivered, per direction. */
  held: Record<Direction, number>
}

interface Faults {
  stopped(direction: Direction): boolean
  latencyMs: number
  bytesPerSecond: number | null
}

/** A lane reads this much ahead of what it delivered before it stops reading (backpressure). */
const HIGH_WATER = 1024 * 1024

/**
 * One direction of one connection: reads `from`, delivers to `to` as the faults allow, in order.
 * An end or a reset of `from` travels the same way, after the bytes before it.
 */
class Lane {
  private readonly queue: { chunk: Buffer; due: number }[] = []
  queued = 0
  private ended: 'end' | 'reset' | null = null
  private finished = false
  private timer: NodeJS.Timeout | null = null
  private waitingDrain = false
  private tokens = 0
  private refilledAt = Date.now()

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    readonly direction: Direction,
    private readonly faults: Faults,
  ) {
    from.on('data', (chunk: Buffer) => {
      this.queue.push({ chunk, due: Date.now() + faults.latencyMs })
      this.queued += chunk.length
      if (this.queued >= HIGH_WATER) from.pause()
      this.pump()
    })
    from.on('end', () => {
      this.ended ??= 'end'
      this.pump()
    })
    from.on('close', () => {
      this.ended ??= 'reset'
      this.pump()
    })
    from.resume()
  }

  /** Delivers what the faults allow now, and arranges to be called again when more is allowed. */
  pump = (): void => {
    if (this.timer || this.waitingDrain || this.finished) return
    if (this.faults.stopped(this.direction)) return
    while (this.queue.length > 0) {
      if (this.to.destroyed || this.to.writableEnded) {
        this.queue.length = 0
        this.queued = 0
        break
      }
      const head = this.queue[0]!
      const now = Date.now()
      if (head.due > now) return this.wait(head.due - now)
      let piece = head.chunk
      const rate = this.faults.bytesPerSecond
      if (rate !== null) {
        this.refill(now, rate)
        if (this.tokens < 1) return this.wait(((1 - this.tokens) / rate) * 1000)
        piece = piece.subarray(0, Math.floor(this.tokens))
        this.tokens -= piece.length
      }
      if (piece.length === head.chunk.length) this.queue.shift()
      else head.chunk = head.chunk.subarray(piece.length)
      this.queued -= piece.length
      if (!this.to.write(piece)) {
        this.waitingDrain = true
        this.to.once('drain', () => {
          this.waitingDrain = false
          this.pump()
        })
        return
      }
    }
    if (this.queued < HIGH_WATER && this.from.isPaused() && !this.from.destroyed) this.from.resume()
    if (this.queue.length === 0 && this.ended) {
      this.finished = true
      if (this.ended === 'end') this.to.end()
      else this.to.destroy()
    }
  }

  /** Throttling is a token bucket holding at most 50 ms worth of bytes (and at least one). */
  private refill(now: number, rate: number): void {
    this.tokens = Math.min(Math.max(1, rate / 20), this.tokens + ((now - this.refilledAt) / 1000) * rate)
    this.refilledAt = now
  }

  private wait(ms: number): void {
    this.timer = setTimeout(
      () => {
        this.timer = null
        this.pump()
      },
      Math.max(1, Math.ceil(ms)),
    )
  }

  /** The rate changed: start the bucket afresh. */
  resetBucket(): void {
    this.tokens = 0
    this.refilledAt = Date.now()
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.finished = true
  }
}

interface Link {
  client: Socket
  upstream: Socket | null
  lanes: Lane[]
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const links = new Set<Link>()
  /** Accepted during a blackhole: connected to the target when it ends. */
  const waiting = new Set<Link>()
  let refusing = false
  let hanging = false
  let frozen = new Set<Direction>()
  let accepted = 0
  let upstreamCount = 0
  const faults: Faults = { stopped: (direction) => frozen.has(direction), latencyMs: 0, bytesPerSecond: null }

  const forget = (link: Link): void => {
    for (const lane of link.lanes) lane.dispose()
    links.delete(link)
    waiting.delete(link)
  }

  const connectUpstream = (link: Link): void => {
    const upstream = connect({ port: targetPort, host: targetHost, allowHalfOpen: true })
    upstreamCount++
    upstream.on('error', () => undefined)
    link.upstream = upstream
    link.lanes = [new Lane(link.client, upstream, 'up', faults), new Lane(upstream, link.client, 'down', faults)]
    // Both sockets gone: nothing left to deliver.
    const closed = (): void => {
      if (link.client.destroyed && upstream.destroyed) forget(link)
    }
    link.client.on('close', closed)
    upstream.on('close', closed)
  }

  const pumpAll = (): void => {
    for (const link of links) for (const lane of link.lanes) lane.pump()
  }

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    accepted++
    client.on('error', () => undefined)
    if (refusing) {
      client.destroy()
      return
    }
    const link: Link = { client, upstream: null, lanes: [] }
    links.add(link)
    if (hanging) {
      client.on('close', () => forget(link))
      return
    }
    if (frozen.size === 2) {
      waiting.add(link)
      client.on('close', () => {
        if (waiting.has(link)) forget(link)
      })
      return
    }
    connectUpstream(link)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  const setFrozen = (next: Set<Direction>): void => {
    frozen = next
    if (frozen.size < 2) {
      for (const link of [...waiting]) {
        waiting.delete(link)
        if (!link.client.destroyed) connectUpstream(link)
      }
    }
    pumpAll()
  }

  const destroyAll = (): void => {
    for (const link of [...links]) {
      link.client.destroy()
      link.upstream?.destroy()
      forget(link)
    }
  }

  return {
    port: (server.address() as AddressInfo).port,
    cut: destroyAll,
    refuse: (on) => {
      refusing = on
    },
    hang: (on) => {
      hanging = on
    },
    blackhole: (on) => setFrozen(on ? new Set(['up', 'down']) : new Set()),
    halfOpen: (direction) => setFrozen(direction ? new Set([direction]) : new Set()),
    latency: (ms) => {
      faults.latencyMs = ms
      pumpAll()
    },
    throttle: (bytesPerSecond) => {
      faults.bytesPerSecond = bytesPerSecond
      for (const link of links) for (const lane of link.lanes) lane.resetBucket()
      pumpAll()
    },
    stats: () => {
      const held: Record<Direction, number> = { up: 0, down: 0 }
      for (const link of links) for (const lane of link.lanes) held[lane.direction] += lane.queued
      return { accepted, upstream: upstreamCount, open: [...links].filter((link) => !link.client.destroyed).length, held }
    },
    close: async () => {
      destroyAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
