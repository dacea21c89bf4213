import type { WebSocket } from 'ws'
import type { TailBatch } from '../../shared/tail'

export interface OutboxLimits {
  /**
   * Bytes waiting for the client above which events are held back instead of queued: the newest
   * state per connection, replay and discovery is kept, tail messages are counted as dropped.
   */
  highWaterBytes: number
  /** Bytes waiting for the client above which it is disconnected: it stopped reading. */
  hardLimitBytes: number
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = {
  highWaterBytes: 8 * 1024 * 1024,
  // Above the largest frame a client may send, so one big answer alone never disconnects it.
  hardLimitBytes: 256 * 1024 * 1024,
}

export interface OutboxStats {
  /** Events held back (and merged) because the client was behind. */
  eventsHeld: number
  /** Tail messages this client never got because it was behind (reported in a later batch). */
  tailMessagesDropped: number
}

type Socket = Pick<WebSocket, 'send' | 'bufferedAmount' | 'readyState' | 'terminate' | 'OPEN'>

/**
 * What one WebSocket client is sent. Answers to its calls are always queued (it asked for them);
 * events wait while it is behind, merged so that memory does not grow with the time it lags: a
 * status or progress event replaces the one held for the same connection, replay or discovery, and
 * tail messages become a count carried by the tail's next batch (the UI shows it as dropped). A
 * client whose backlog passes the hard limit is terminated.
 */
export class Outbox {
  readonly stats: OutboxStats = { eventsHeld: 0, tailMessagesDropped: 0 }
  /** Held events by channel and key, oldest first. */
  private readonly held = new Map<string, { channel: string; payload: unknown }>()

  constructor(
    private readonly ws: Socket,
    private readonly limits: OutboxLimits,
    private readonly onOverflow: (backlogBytes: number) => void = () => undefined,
  ) {}

  /** An answer to one of the client's calls. */
  sendResult(text: string): void {
    this.write(text)
  }

  /** An event; `text` is its frame, serialized once for every client. */
  sendEvent(channel: string, payload: unknown, text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return
    if (this.behind()) {
      this.hold(channel, payload)
      return
    }
    // What was held goes first: a newer status must not be overtaken by an older one.
    this.flush()
    this.write(text)
  }

  private behind(): boolean {
    return this.ws.bufferedAmount > this.limits.highWaterBytes
  }

  private hold(channel: string, payload: unknown): void {
    this.stats.eventsHeld++
    const key = heldKey(channel, payload)
    const previous = this.held.get(key)
    // Re-inserted so the map stays in the order of the newest event of each key.
    this.held.delete(key)
    if (channel === 'tail:batch') {
      const batch = payload as TailBatch
      const before = previous ? (previous.payload as TailBatch) : null
      this.stats.tailMessagesDropped += batch.messages.length
      const merged: TailBatch = {
        tailId: batch.tailId,
        messages: [],
        dropped: (before?.dropped ?? 0) + batch.dropped + batch.messages.length,
      }
      const ended = batch.ended ?? before?.ended
      if (ended !== undefined) merged.ended = ended
      this.held.set(key, { channel, payload: merged })
      return
    }
    this.held.set(key, { channel, payload })
  }

  /** Sends what was held, once the client has caught up. */
  private flush(): void {
    if (this.held.size === 0) return
    const events = [...this.held.values()]
    this.held.clear()
    for (const event of events) this.write(JSON.stringify({ type: 'event', channel: event.channel, payload: event.payload }))
  }

  private write(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return
    const backlog = this.ws.bufferedAmount
    if (backlog > this.limits.hardLimitBytes) {
      this.held.clear()
      this.onOverflow(backlog)
      this.ws.terminate()
      return
    }
    // The callback runs once this frame left for the kernel: the moment to send what was held.
    this.ws.send(text, () => {
      if (this.held.size > 0 && !this.behind()) this.flush()
    })
  }
}

/** Events of one key supersede each other while held. */
function heldKey(channel: string, payload: unknown): string {
  const p = payload as { connectionId?: unknown; id?: unknown; tailId?: unknown }
  const key = channel === 'connection:status' ? p.connectionId : channel === 'tail:batch' ? p.tailId : p.id
  return `${channel}\n${String(key)}`
}
