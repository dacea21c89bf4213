import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { QsError, toQsErrorShape } from '../../../shared/errors'
import type { ConnectionStatus } from '../../../shared/model'
import type { TailBatch, TailMessage, tailStartRequestSchema } from '../../../shared/tail'
import { parseSourceRef } from '../../../shared/source-ref'
import type { TailHandle } from '../../brokers/adapter'
import type { Workspace } from '../workspace'
import { BATCH_CHARS, displaySize, TAIL_BUFFER_CHARS, trimHeaderValues } from '../display-limits'

export type TailStartRequest = z.output<typeof tailStartRequestSchema>

export interface TailServiceOptions {
  /** How long messages wait to be sent as one batch (batched, never one event per message). */
  flushMs: number
  /** Tails running at once on one connection (each holds a broker connection or channel of its own). */
  maxPerConnection: number
}

export const DEFAULT_TAIL_OPTIONS: TailServiceOptions = { flushMs: 150, maxPerConnection: 16 }

/**
 * A ring of the newest messages, bounded by count and by characters: pushing into a full ring
 * drops the oldest, so a tail holds at most `capacity` messages and TAIL_BUFFER_CHARS however fast
 * the broker sends and however large its messages are.
 */
class Ring {
  private readonly items: (TailMessage | undefined)[]
  private readonly sizes: number[]
  private start = 0
  length = 0
  private chars = 0

  constructor(
    readonly capacity: number,
    private readonly maxChars = TAIL_BUFFER_CHARS,
  ) {
    this.items = new Array<TailMessage | undefined>(capacity)
    this.sizes = new Array<number>(capacity).fill(0)
  }

  /** Returns how many of the oldest messages were dropped to make room. */
  push(message: TailMessage): number {
    let dropped = 0
    if (this.length === this.capacity) dropped += this.shift() ? 1 : 0
    const size = displaySize(message)
    while (this.length > 0 && this.chars + size > this.maxChars) dropped += this.shift() ? 1 : 0
    const index = (this.start + this.length) % this.capacity
    this.items[index] = message
    this.sizes[index] = size
    this.chars += size
    this.length++
    return dropped
  }

  private shift(): TailMessage | undefined {
    const message = this.items[this.start]
    this.items[this.start] = undefined
    this.chars -= this.sizes[this.start]!
    this.start = (this.start + 1) % this.capacity
    this.length--
    return message
  }

  /** The oldest messages up to `maxChars` (at least one), taken out of the ring. */
  take(maxChars: number): TailMessage[] {
    const out: TailMessage[] = []
    let chars = 0
    while (this.length > 0 && (out.length === 0 || chars + this.sizes[this.start]! <= maxChars)) {
      chars += this.sizes[this.start]!
      out.push(this.shift()!)
    }
    if (this.length === 0) this.start = 0
    return out
  }
}

interface Tail {
  id: string
  connectionId: string
  ring: Ring
  dropped: number
  timer: NodeJS.Timeout | null
  /** null while the adapter is still opening it. */
  handle: TailHandle | null
  ended: boolean
  /** Why it ended while still opening (start() then fails with it). */
  endedWhileOpening?: string
}

/**
 * Live tails: the adapter pushes each message into the tail's bounded
 * buffer; the service sends what is there as one `tail:batch` event at most every `flushMs`,
 * and a final batch carrying `ended` when the tail stops, its connection goes away or the broker
 * ends it. Transports stop the tails of a front end that went away (web/server.ts, ipc/register.ts).
 */
export class TailService {
  private readonly tails = new Map<string, Tail>()
  private readonly offStatus: () => void

  constructor(
    private readonly workspace: Workspace,
    private readonly emit: (batch: TailBatch) => void,
    private readonly options: TailServiceOptions = DEFAULT_TAIL_OPTIONS,
  ) {
    this.offStatus = workspace.onStatus((status) => {
      if (status.state !== 'open' && status.state !== 'connecting') this.endConnection(status.connectionId, connectionGone(status))
    })
  }

  async start(request: TailStartRequest): Promise<{ tailId: string }> {
    const { adapter } = this.workspace.adapter(request.connectionId)
    const source = parseSourceRef(request.source)
    if (!adapter.openTail) throw new QsError('UNSUPPORTED', `live tail is not available on a ${adapter.broker} connection`)
    const running = [...this.tails.values()].filter((t) => t.connectionId === request.connectionId).length
    if (running >= this.options.maxPerConnection) {
      throw new QsError(
        'UNSUPPORTED',
        `${running} live tails are already running on this connection (at most ${this.options.maxPerConnection}): stop one first`,
      )
    }
    const tail: Tail = {
      id: randomUUID(),
      connectionId: request.connectionId,
      ring: new Ring(request.buffer),
      dropped: 0,
      timer: null,
      handle: null,
      ended: false,
    }
    this.tails.set(tail.id, tail)
    let handle: TailHandle
    try {
      handle = await adapter.openTail(
        source,
        { pattern: request.pattern, routingKey: request.routingKey },
        { message: (message) => this.receive(tail, message), end: (reason) => void this.end(tail, reason) },
      )
    } catch (err) {
      this.tails.delete(tail.id)
      tail.ended = true
      throw err
    }
    tail.handle = handle
    // Ended (stopped, connection gone) while the adapter was opening it: release what it opened.
    if (tail.ended) {
      await handle.stop().catch(() => undefined)
      throw new QsError('NOT_CONNECTED', `the tail of ${request.source} could not start: ${tail.endedWhileOpening ?? 'it was stopped'}`)
    }
    return { tailId: tail.id }
  }

  /** Stops a tail; its last batch says `stopped`. False when no such tail runs. */
  async stop(tailId: string, reason = 'stopped'): Promise<boolean> {
    const tail = this.tails.get(tailId)
    if (!tail) return false
    await this.end(tail, reason)
    return true
  }

  /** Ids of the running tails (for a transport to check what it still owns). */
  running(): string[] {
    return [...this.tails.keys()]
  }

  async close(): Promise<void> {
    this.offStatus()
    await Promise.all([...this.tails.values()].map((tail) => this.end(tail, 'Queuescope is closing')))
  }

  private endConnection(connectionId: string, reason: string): void {
    for (const tail of this.tails.values()) if (tail.connectionId === connectionId) void this.end(tail, reason)
  }

  private receive(tail: Tail, message: TailMessage): void {
    if (tail.ended) return
    trimHeaderValues(message.headers)
    tail.dropped += tail.ring.push(message)
    // The first message after a flush starts the clock, so batches come at most every flushMs.
    tail.timer ??= setTimeout(() => this.flush(tail), this.options.flushMs)
  }

  private flush(tail: Tail, ended?: string): void {
    if (tail.timer) clearTimeout(tail.timer)
    tail.timer = null
    if (tail.ring.length === 0 && tail.dropped === 0 && ended === undefined) return
    // One batch carries at most BATCH_CHARS; the rest follows in the next one (the last, with
    // `ended`, carries everything left in as many batches as it takes).
    do {
      const batch: TailBatch = { tailId: tail.id, messages: tail.ring.take(BATCH_CHARS), dropped: tail.dropped }
      tail.dropped = 0
      if (ended !== undefined && tail.ring.length === 0) batch.ended = ended
      this.emit(batch)
    } while (ended !== undefined && tail.ring.length > 0)
    if (tail.ring.length > 0) tail.timer = setTimeout(() => this.flush(tail), this.options.flushMs)
  }

  private async end(tail: Tail, reason: string): Promise<void> {
    if (tail.ended) return
    tail.ended = true
    this.tails.delete(tail.id)
    // Nobody knows its id yet: start() releases it and fails with the reason instead of a batch.
    if (!tail.handle) {
      tail.endedWhileOpening = reason
      return
    }
    let why = reason
    try {
      await tail.handle.stop()
    } catch (err) {
      why = `${reason} (releasing it failed: ${toQsErrorShape(err).message})`
    }
    this.flush(tail, why)
  }
}

function connectionGone(status: ConnectionStatus): string {
  if (status.state === 'closed') return 'the connection was closed'
  const detail = status.reason ? `: ${status.reason}` : ''
  return status.state === 'reconnecting' ? `connection lost${detail}` : `connection failed${detail}`
}
