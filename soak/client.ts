/**
 * One soak client: a WebSocket speaking the contract the way the web UI does (startup calls, then
 * listing, browsing, metrics, live tails and now and then a replay), in one of three roles:
 * - steady: reads everything it is sent, all the time;
 * - slow: stops reading for long stretches (a frozen or backgrounded tab), so the server's frames
 *   pile up for it; it makes no calls while paused;
 * - flaky: goes away now and then, cleanly or abruptly, and comes back (reloads, lost Wi-Fi).
 * Every client reconnects when the server closes it. Counts go into the shared LoadStats.
 */
import { randomUUID } from 'node:crypto'
import { WebSocket } from 'ws'
import type { Envelope } from '../src/shared/api'
import type { TailBatch } from '../src/shared/tail'
import type { ConnectionStatus } from '../src/shared/model'
import type { LoadConfig, LoadStats } from './protocol'

export type Role = 'steady' | 'slow' | 'flaky'

/** A call still unanswered after this, while its client reads, is a hang (the UI's own deadline is shorter). */
const CALL_DEADLINE_MS = 90_000
/**
 * Slow clients: read this long, then stop reading this long. Four in a row start a quarter period
 * apart, so about as many are paused at any time and the backlog does not come in waves that a
 * one-minute window could catch at its top or its bottom.
 */
export const SLOW_READ_MS = 30_000
export const SLOW_PAUSE_MS = 90_000
const SLOW_PERIOD_MS = SLOW_READ_MS + SLOW_PAUSE_MS
/** Keep the number of findings a report carries readable. */
const MAX_FINDINGS = 50

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const between = (low: number, high: number): number => low + Math.random() * (high - low)
const bump = (record: Record<string, number>, key: string, by = 1): void => {
  record[key] = (record[key] ?? 0) + by
}

interface Pending {
  channel: string
  sentAt: number
  settle: (envelope: Envelope<unknown> | null) => void
}

type Frame =
  | ({ type: 'result'; id: number } & Envelope<unknown>)
  | { type: 'event'; channel: string; payload: unknown }
  | { type: 'error'; error: { code: string; message: string } }

export class SoakClient {
  private ws: WebSocket | null = null
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private tail: { id: string; until: number } | null = null
  /** The tail this page just stopped: its last batch (ended: stopped) still counts. */
  private stoppedTail: string | null = null
  private tailTurn: number
  private paused = false
  private stopped = false
  private readonly timers = new Set<NodeJS.Timeout>()
  private loopDone: Promise<void> = Promise.resolve()

  constructor(
    readonly index: number,
    readonly role: Role,
    /** Its place among the clients of its role (0, 1, …): staggers the slow ones. */
    private readonly nth: number,
    private readonly config: LoadConfig,
    private readonly stats: LoadStats,
  ) {
    this.tailTurn = index
  }

  start(): void {
    this.connect()
    this.loopDone = this.loop()
    if (this.role === 'slow') this.later(((this.nth % 4) * SLOW_PERIOD_MS) / 4, () => this.togglePause())
    if (this.role === 'flaky') this.later(between(20_000, 60_000), () => this.goAway())
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.ws?.resume()
    // No tail:stop first (a closing page sends none): the server must stop the page's tails itself.
    this.ws?.close(1001, 'soak over')
    this.dropPending()
    await this.loopDone
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.stopped) work()
    }, ms)
    this.timers.add(timer)
  }

  private connect(): void {
    const ws = new WebSocket(this.config.wsUrl, { origin: this.config.origin })
    this.ws = ws
    ws.on('message', (data: Buffer) => this.receive(data))
    ws.on('error', () => undefined) // a close follows; refusals while the server is busy are counted there
    ws.on('close', (code) => {
      bump(this.stats.closes, String(code))
      if (this.ws !== ws) return
      this.ws = null
      this.tail = null
      this.paused = false
      this.dropPending()
      // Closed by the server (or the network): the page comes back, as the UI's client does.
      if (!this.stopped) this.later(between(1000, 3000), () => this.reconnect())
    })
  }

  private reconnect(): void {
    if (this.ws || this.stopped) return
    this.stats.reconnects++
    this.connect()
  }

  private dropPending(): void {
    for (const call of this.pending.values()) call.settle(null)
    this.pending.clear()
  }

  private togglePause(): void {
    const ws = this.ws
    if (this.paused) {
      // Also when the socket is closing meanwhile: only a reading socket sees its close.
      this.paused = false
      // The deadline counts from when the page reads again.
      for (const call of this.pending.values()) call.sentAt = Date.now()
      ws?.resume()
    } else if (ws && ws.readyState === ws.OPEN) {
      this.paused = true
      this.stats.pauses++
      ws.pause()
    }
    this.later(this.paused ? SLOW_PAUSE_MS : SLOW_READ_MS, () => this.togglePause())
  }

  private goAway(): void {
    const ws = this.ws
    if (ws) {
      // Forgotten first, so its close event does not schedule the server-closed reconnect.
      this.ws = null
      this.tail = null
      this.dropPending()
      // Half the time as a closed tab (close frame), half as a lost network (no close frame).
      if (Math.random() < 0.5) ws.close(1001, 'tab closed')
      else ws.terminate()
    }
    this.later(between(500, 3000), () => {
      this.reconnect()
      this.later(between(20_000, 60_000), () => this.goAway())
    })
  }

  private receive(data: Buffer): void {
    this.stats.bytesReceived += data.length
    let frame: Frame
    try {
      frame = JSON.parse(data.toString()) as Frame
    } catch {
      return this.finding('(frame)', 'NOT_JSON', data.subarray(0, 200).toString())
    }
    if (frame.type === 'result') {
      const call = this.pending.get(frame.id)
      if (!call) return
      this.pending.delete(frame.id)
      const key = `${call.channel} ${frame.ok ? 'ok' : frame.error.code}`
      bump(this.stats.answers, key)
      if (!frame.ok) this.stats.errorExamples[key] ??= frame.error.message.slice(0, 300)
      if (!frame.ok && frame.error.code === 'INTERNAL') this.finding(call.channel, 'INTERNAL', frame.error.message)
      call.settle(frame)
    } else if (frame.type === 'event') {
      bump(this.stats.events, frame.channel)
      if (frame.channel === 'tail:batch') this.onBatch(frame.payload as TailBatch)
      if (frame.channel === 'connection:status') {
        const status = frame.payload as ConnectionStatus
        bump(this.stats.statusEvents, `${status.connectionId === this.config.rabbit.connectionId ? 'rabbitmq' : 'redis'} ${status.state}`)
      }
    } else {
      // We never send a malformed frame: any protocol error is the server's.
      this.finding('(frame)', frame.error.code, frame.error.message)
    }
  }

  private finding(channel: string, code: string, message: string): void {
    this.stats.internalCount++
    if (this.stats.internal.length < MAX_FINDINGS) this.stats.internal.push({ client: this.index, channel, code, message: message.slice(0, 500) })
  }

  private onBatch(batch: TailBatch): void {
    // The server sends every tail's batches to every page; a page keeps only its own.
    const own = batch.tailId === this.tail?.id
    if (!own && batch.tailId !== this.stoppedTail) return
    this.stats.tailMessages += batch.messages.length
    this.stats.tailDropped += batch.dropped
    if (batch.ended !== undefined) {
      bump(this.stats.tailEnds, batch.ended.split(/[:(]/)[0]!.trim().slice(0, 60))
      if (own) this.tail = null
      else this.stoppedTail = null
    }
  }

  /** The envelope, or null when the socket closed or the deadline passed first. */
  private call(channel: string, payload: unknown): Promise<Envelope<unknown> | null> {
    const ws = this.ws
    if (!ws || ws.readyState !== ws.OPEN) return Promise.resolve(null)
    const id = this.nextId++
    this.stats.calls++
    return new Promise((resolve) => {
      this.pending.set(id, { channel, sentAt: Date.now(), settle: resolve })
      ws.send(JSON.stringify({ type: 'call', id, channel, payload }))
    })
  }

  private checkDeadlines(): void {
    if (this.paused) return
    const now = Date.now()
    for (const [id, call] of this.pending) {
      if (now - call.sentAt < CALL_DEADLINE_MS) continue
      this.pending.delete(id)
      if (this.stats.unanswered.length < MAX_FINDINGS) this.stats.unanswered.push({ channel: call.channel, client: this.index })
      call.settle(null)
    }
  }

  private async loop(): Promise<void> {
    let fresh: WebSocket | null = null
    while (!this.stopped) {
      await sleep(between(1000, 3000))
      this.checkDeadlines()
      const ws = this.ws
      if (!ws || ws.readyState !== ws.OPEN || this.paused) continue
      if (fresh !== ws) {
        // What the UI asks first on every page load.
        fresh = ws
        await Promise.all([this.call('app:info', {}), this.call('profiles:list', {}), this.call('connection:list', {})])
        continue
      }
      await this.tailTurnOrAction()
    }
  }

  private async tailTurnOrAction(): Promise<void> {
    const now = Date.now()
    if (this.tail && now > this.tail.until) {
      const { id } = this.tail
      this.tail = null
      this.stoppedTail = id
      await this.call('tail:stop', { tailId: id })
      return
    }
    // Every page keeps a tail open (a user watching the live view), switching source now and then:
    // the number running then depends on the pages, not on chance, and handle counts stay comparable.
    if (!this.tail) {
      await this.startTail()
      return
    }
    await this.action()
  }

  private async startTail(): Promise<void> {
    const { rabbit, redis } = this.config
    // Half on each connection: Redis runs at most 16 tails per connection (each one a connection of its own).
    const exchange = { connectionId: rabbit.connectionId, source: `exchange:${rabbit.exchange}` }
    const sources = [
      { connectionId: redis.connectionId, source: `stream:${redis.stream}` },
      exchange,
      { connectionId: redis.connectionId, source: `channel:${redis.channel}` },
      exchange,
    ]
    const request = sources[this.tailTurn++ % sources.length]!
    const answer = await this.call('tail:start', { ...request, buffer: 2000 })
    if (answer?.ok) {
      this.stats.tailsStarted++
      this.tail = { id: (answer.data as { tailId: string }).tailId, until: Date.now() + between(20_000, 40_000) }
    }
  }

  private async action(): Promise<void> {
    const { rabbit, redis } = this.config
    const since = Date.now() - 5 * 60_000
    const actions: [number, () => Promise<unknown>][] = [
      [2, () => this.call('connection:list', {})],
      [2, () => this.call('sources:list', { connectionId: rabbit.connectionId, page: 1, pageSize: 100 })],
      [2, () => this.call('sources:list', { connectionId: redis.connectionId, pattern: `${redis.prefix}*` })],
      [2, () => this.call('metrics:history', { connectionId: rabbit.connectionId, source: `queue:${rabbit.queue}`, since })],
      [1, () => this.call('metrics:history', { connectionId: redis.connectionId, since })],
      [2, () => this.call('messages:peek', { connectionId: rabbit.connectionId, source: `queue:${rabbit.queue}`, count: 20 })],
      [
        2,
        () => this.call('messages:peek', { connectionId: redis.connectionId, source: `stream:${redis.stream}`, count: 50, range: { direction: 'backward' } }),
      ],
      [1, () => this.call('messages:peek', { connectionId: redis.connectionId, source: `list:${redis.list}`, count: 50 })],
      [1, () => this.call('sources:details', { connectionId: rabbit.connectionId, source: `queue:${rabbit.queue}` })],
      [0.5, () => this.call('broker:overview', { connectionId: rabbit.connectionId })],
      [0.3, () => this.call('replay:list', {})],
      [0.2, () => this.replay(rabbit.connectionId, `queue:${rabbit.queue}`, `queue:${rabbit.copyQueue}`, false)],
      [0.2, () => this.replay(rabbit.connectionId, `queue:${rabbit.queue}`, `queue:${rabbit.copyQueue}`, true)],
      [0.2, () => this.replay(redis.connectionId, `stream:${redis.stream}`, `stream:${redis.copyStream}`, false)],
      [0.2, () => this.replay(redis.connectionId, `stream:${redis.stream}`, `list:${redis.list}`, true)],
    ]
    let pick = Math.random() * actions.reduce((sum, [weight]) => sum + weight, 0)
    for (const [weight, run] of actions) {
      pick -= weight
      if (pick <= 0) return void (await run())
    }
  }

  /** With an id, as the app sends it: its progress comes to this page (and only this one). */
  private replay(connectionId: string, source: string, target: string, dryRun: boolean): Promise<unknown> {
    const id = `soak-${randomUUID()}`
    return this.call('replay:start', { id, connectionId, source, to: { connectionId, target }, mode: 'copy', limit: dryRun ? 100 : 20, dryRun })
  }
}
