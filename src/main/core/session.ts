import type { EventChannel, EventPayload } from '../../shared/contract'
import type { Handlers } from './api'
import type { Core } from './core'
import { dispatch, type Caller, type CallObserver, type Dispatcher } from './dispatch'

export type EventListener = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => void

/**
 * One client of the core: an Electron window, a web page's WebSocket, a CLI run. It makes the
 * client's calls, remembers what they started (tails, discoveries, replays), sends the client the
 * events of those and every connection's status, and stops them all when the client goes, so a
 * transport only creates a session, forwards calls and events, and disposes it.
 */
export class Session {
  readonly call: Dispatcher
  private readonly tails = new Set<string>()
  private readonly discoveries = new Set<string>()
  private readonly replays = new Set<string>()
  private readonly listeners = new Set<EventListener>()
  private readonly unsubscribe: () => void
  private disposed = false

  constructor(
    private readonly core: Core,
    private readonly handlers: Handlers,
    caller: Caller,
  ) {
    const observer: CallObserver = (channel, request) => this.observe(channel, request)
    this.call = (channel, payload) => dispatch(handlers, core.workspace, channel, payload, caller, observer)
    this.unsubscribe = core.onEvent((channel, payload) => this.deliver(channel, payload))
  }

  /** This client's events; returns the unsubscribe. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * The client went: its tails stop, its discoveries and replays are cancelled (a replay stops
   * cleanly: what is in flight settles, the rest stays in the source), and it gets no more events.
   */
  async dispose(reason: string): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    this.unsubscribe()
    this.listeners.clear()
    for (const id of this.replays) this.core.replays.cancel(id)
    await Promise.all([...this.discoveries].map((id) => this.handlers['sources:cancel']({ id })))
    await Promise.all([...this.tails].map((id) => this.core.tails.stop(id, reason)))
    this.tails.clear()
  }

  /**
   * Learns the ids a call names before it runs (progress can arrive before it answers) and forgets
   * them when it ends; an id it held already (a second start with the same id) stays with the first.
   */
  private observe(channel: string, request: unknown): (result: unknown) => void {
    if (channel === 'sources:list') return this.holdWhileRunning(this.discoveries, (request as { discoveryId?: string }).discoveryId)
    if (channel === 'replay:start') return this.holdWhileRunning(this.replays, (request as { id?: string }).id)
    if (channel === 'tail:start') return (result) => result !== undefined && this.tailStarted((result as { tailId: string }).tailId)
    if (channel === 'tail:stop') return () => this.tails.delete((request as { tailId: string }).tailId)
    return () => undefined
  }

  private holdWhileRunning(ids: Set<string>, id: string | undefined): () => void {
    if (id === undefined || ids.has(id)) return () => undefined
    ids.add(id)
    return () => ids.delete(id)
  }

  /** A tail that answered after its client went is stopped at once: nobody will read it. */
  private tailStarted(tailId: string): void {
    if (this.disposed) void this.core.tails.stop(tailId, 'the client that started it went away')
    else this.tails.add(tailId)
  }

  /** Connection status goes to every client; tail batches, discovery and replay progress to the one that started them. */
  private deliver<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    if (!this.wants(channel, payload)) return
    for (const listener of this.listeners) listener(channel, payload)
  }

  private wants<E extends EventChannel>(channel: E, payload: EventPayload<E>): boolean {
    switch (channel) {
      case 'tail:batch': {
        const batch = payload as EventPayload<'tail:batch'>
        const mine = this.tails.has(batch.tailId)
        if (mine && batch.ended !== undefined) this.tails.delete(batch.tailId)
        return mine
      }
      case 'sources:progress':
        return this.discoveries.has((payload as EventPayload<'sources:progress'>).id)
      case 'replay:progress':
        return this.replays.has((payload as EventPayload<'replay:progress'>).id)
      default:
        return true
    }
  }
}
