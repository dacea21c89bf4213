import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { TailBatch, TailMessage } from '../../../shared/tail'
import type { SliceCreator } from './app.store'

/** Messages the Live tab keeps; older ones are dropped (and counted) so a busy channel cannot fill memory. */
export const TAIL_BUFFER = 2000

/** Batches that arrive between `tail:start` being sent and its answer (the id) are held, up to this many. */
const EARLY_BATCHES = 50

/** A tailed message with a number of our own: ids repeat on pub/sub (and across patterns' channels). */
export interface TailEntry extends TailMessage {
  seq: number
}

/**
 * starting: `tail:start` sent; live: receiving; stopped: the user stopped it (messages stay);
 * ended: the core ended it (`ended` says why); failed: `tail:start` was refused.
 */
export type TailStatus = 'starting' | 'live' | 'stopped' | 'ended' | 'failed'

/** The live tail of the source whose Live tab is open; one at a time. */
export interface TailView {
  connectionId: string
  /** The source as the tail was started on (for a pattern, `channel:<glob>`). */
  source: string
  pattern: boolean
  tailId: string | null
  status: TailStatus
  /** The last TAIL_BUFFER messages, oldest first. */
  messages: TailEntry[]
  /**
   * Paused: what the list shows, frozen at the moment of the pause, while `messages` keeps
   * receiving; null when not paused.
   */
  frozen: TailEntry[] | null
  /** Messages received since Start (`seq` of the newest). */
  received: number
  /** `received` when Pause was pressed: the difference is "N new while paused". */
  receivedAtPause: number
  /** Older messages this tab let go to stay within TAIL_BUFFER. */
  droppedHere: number
  /** Messages the core dropped because its own buffer was full between batches. */
  droppedByCore: number
  /** Why the core ended the tail (stopped, connection lost, key deleted…). */
  ended: string | null
  error: QsErrorShape | null
  selectedSeq: number | null
}

export interface TailOptions {
  pattern?: boolean
  routingKey?: string
}

export interface TailSlice {
  tail: TailView | null
  /**
   * Starts a tail (stopping the one running, if any). `source` is `<kind>:<name>`; `pattern`
   * PSUBSCRIBEs a channel glob; `routingKey` binds a RabbitMQ exchange's tail queue.
   */
  startTail(connectionId: string, source: string, options?: TailOptions): Promise<void>
  /** Stops the tail; its messages stay on screen. */
  stopTail(): Promise<void>
  /** The Live tab went away (another tab, source, or connection): stop the tail and let its messages go. */
  leaveTail(): Promise<void>
  /** Freezes the list (messages keep arriving in the buffer); resume shows them. */
  pauseTail(): void
  resumeTail(): void
  clearTail(): void
  selectTailMessage(seq: number | null): void
  /** Feeds a `tail:batch` event in: one state update per batch. Batches of other tails are ignored. */
  applyTailBatch(batch: TailBatch): void
}

const isRunning = (view: TailView | null): view is TailView => view !== null && (view.status === 'starting' || view.status === 'live')

export const createTailSlice: SliceCreator<TailSlice> = (set, get, { api }) => {
  let early: TailBatch[] = []
  /** Each start gets a number: an answer for a start that was since stopped or replaced stops its tail. */
  let startSeq = 0

  const stop = async (tailId: string) => {
    try {
      await api().tailStop({ tailId })
    } catch (err) {
      get().reportError(err, 'Stop live tail')
    }
  }

  /** Nothing at all for other tails' batches: an empty `set` would still wake every subscriber. */
  const apply = (batch: TailBatch) => {
    const view = get().tail
    if (view === null || view.tailId !== batch.tailId) return
    let seq = view.received
    const incoming = batch.messages.map((message): TailEntry => ({ ...message, seq: ++seq }))
    const all = incoming.length === 0 ? view.messages : view.messages.concat(incoming)
    const overflow = Math.max(0, all.length - TAIL_BUFFER)
    const ended = batch.ended ?? null
    set({
      tail: {
        ...view,
        messages: overflow > 0 ? all.slice(overflow) : all,
        received: seq,
        droppedHere: view.droppedHere + overflow,
        droppedByCore: view.droppedByCore + batch.dropped,
        // The last batch after a Stop says "stopped": the user's Stop stays what the tab says.
        ...(ended === null ? {} : { status: view.status === 'stopped' ? view.status : ('ended' as const), ended }),
      },
    })
  }

  return {
    tail: null,
    startTail: async (connectionId, source, { pattern = false, routingKey } = {}) => {
      const previous = get().tail
      if (isRunning(previous) && previous.tailId !== null) void stop(previous.tailId)
      const seq = ++startSeq
      early = []
      set({
        tail: {
          connectionId,
          source,
          pattern,
          tailId: null,
          status: 'starting',
          messages: [],
          frozen: null,
          received: 0,
          receivedAtPause: 0,
          droppedHere: 0,
          droppedByCore: 0,
          ended: null,
          error: null,
          selectedSeq: null,
        },
      })
      try {
        const { tailId } = await api().tailStart({ connectionId, source, pattern, ...(routingKey === undefined ? {} : { routingKey }) })
        const view = get().tail
        if (seq !== startSeq || view === null || view.status !== 'starting') {
          // Stopped or replaced while starting: nobody wants this tail.
          void stop(tailId)
          return
        }
        set({ tail: { ...view, tailId, status: 'live' } })
        const held = early.filter((batch) => batch.tailId === tailId)
        early = []
        held.forEach(apply)
      } catch (err) {
        if (seq !== startSeq) return
        set((s) => (s.tail === null ? {} : { tail: { ...s.tail, status: 'failed', error: toQsErrorShape(err) } }))
      }
    },
    stopTail: async () => {
      const view = get().tail
      if (!isRunning(view)) return
      startSeq++
      set({ tail: { ...view, status: 'stopped', frozen: null } })
      if (view.tailId !== null) await stop(view.tailId)
    },
    leaveTail: async () => {
      const view = get().tail
      startSeq++
      early = []
      set({ tail: null })
      if (isRunning(view) && view.tailId !== null) await stop(view.tailId)
    },
    pauseTail: () =>
      set((s) => (s.tail === null || s.tail.frozen !== null ? {} : { tail: { ...s.tail, frozen: s.tail.messages, receivedAtPause: s.tail.received } })),
    resumeTail: () => set((s) => (s.tail === null ? {} : { tail: { ...s.tail, frozen: null } })),
    clearTail: () =>
      set((s) =>
        s.tail === null
          ? {}
          : {
              tail: {
                ...s.tail,
                messages: [],
                frozen: s.tail.frozen === null ? null : [],
                droppedHere: 0,
                selectedSeq: null,
                receivedAtPause: s.tail.received,
              },
            },
      ),
    selectTailMessage: (seq) => set((s) => (s.tail === null ? {} : { tail: { ...s.tail, selectedSeq: seq } })),
    applyTailBatch: (batch) => {
      const view = get().tail
      if (view !== null && view.status === 'starting' && view.tailId === null) {
        // Possibly ours, before tail:start has answered with the id.
        if (early.length < EARLY_BATCHES) early.push(batch)
        return
      }
      apply(batch)
    },
  }
}
