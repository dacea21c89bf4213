/**
 * Adapter primitives for moving and copying messages (the replay engine builds on them).
 * Broker-neutral: a reader hands out messages it holds unacknowledged at the source, a writer
 * publishes with confirms and reports returns. Nothing here decides *what* to replay; the
 * engine does, and it acknowledges a message at its source only after the target confirmed it
 * (docs/semantics.md "Replays are at-least-once and lossless").
 */
import type { XDeathEntry } from '../../shared/messages'
import type { MessageProperties } from '../../shared/publish'
import type { SourceRef } from '../../shared/source-ref'
import type { ReadConsent, ReadPurpose } from './read-purpose'

/** A message as it travels from a reader to a writer. */
export interface ReplayMessage {
  body: Buffer
  properties: MessageProperties
  /**
   * Headers as the source decoded them. RabbitMQ keeps amqplib's values (typed values such as
   * timestamps as `{'!': type, value}`, byte arrays as Buffers), so they re-publish as they came.
   */
  headers: Record<string, unknown>
}

/** A message read from a source, still held there until the reader acks or releases it. */
export interface ReadMessage extends ReplayMessage {
  /** Unique within one reader: RabbitMQ delivery tag or stream offset. */
  id: string
  redelivered: boolean
  /** Where the broker says this delivery came from (RabbitMQ: the exchange and routing key it was published with). */
  exchange: string
  routingKey: string
  xDeath?: XDeathEntry[]
}

export interface ReaderOptions {
  /**
   * Most messages held unacknowledged at once (RabbitMQ: the consumer prefetch). Bounds memory and
   * the duplicates a failure can cause. Default 256.
   */
  window?: number
  /**
   * Message bytes held at most, where the reader can tell sizes in advance (RabbitMQ: the queue's
   * average message size from the management API lowers the prefetch for large messages).
   */
  windowBytes?: number
  /** Stop reading after this many messages (the engine's "all that are there now" count). */
  limit?: number
  /**
   * Redis streams: read the pending entries of this consumer group (its PEL) instead of the
   * stream; ack = XACK in the group, release = leave them pending.
   */
  group?: string
  /** With `group`: only this consumer's pending entries. */
  consumer?: string
  /** With `group`: only entries idle at least this long (ms). */
  minIdleMs?: number
  /** With `group`: only these entry ids (those of them pending when the reader opened). */
  ids?: string[]
  /**
   * What the read does with what it reads (default copy) and the user's say about spending
   * delivery attempts: a RabbitMQ quorum queue with a delivery limit is read only as its rule
   * allows (rabbitmq/delivery-limit.ts).
   */
  purpose?: ReadPurpose
  consent?: ReadConsent
}

export interface BatchReader {
  /** Messages in the source when the reader opened (null when the broker cannot say). */
  readonly available: number | null
  /**
   * Messages the source held when the reader opened that it cannot read: delivered to other
   * consumers and not yet acknowledged (they come back to the queue only if those give them up).
   * Absent where the broker cannot say.
   */
  readonly heldElsewhere?: number | null
  /** False for sources that cannot remove a message (RabbitMQ streams): only copy is possible. */
  readonly removable: boolean
  /**
   * How a replay's selection names this source's messages: by their message-id property (the
   * default), or by the source's own id (a Redis stream entry id: entries rarely carry a message id).
   */
  readonly selectBy?: 'messageId' | 'sourceId'
  /**
   * Up to `max` messages. Waits for the first at most `idleMs` (default 1,500 ms) and returns an
   * empty batch when the source has nothing more for now, or the limit was reached. A push reader
   * (RabbitMQ) whose whole window is held by messages not acknowledged (released ones hold it too,
   * until half the window is released and a fresh consumer takes over) cannot tell: it waits until
   * the caller settles some, so a caller must not read while it holds a full window and settles
   * nothing until the read returns.
   */
  read(max: number, options?: { idleMs?: number }): Promise<ReadMessage[]>
  /**
   * Messages a `read` would return at once, without a round trip to the broker (RabbitMQ pushes
   * deliveries ahead). Absent for readers that fetch on demand (Redis).
   */
  readonly buffered?: number
  /**
   * With `buffered`: `listener` runs whenever messages arrive while the reader held none, so a
   * caller waiting for room can take them at once instead of at its next wake-up. One listener:
   * a second call replaces the first; none runs after close.
   */
  onBuffered?(listener: () => void): void
  /** Removes these messages from the source. Call only after the target confirmed them. */
  ack(messages: readonly ReadMessage[]): void
  /**
   * Gives these messages back to the source unchanged. They stay held (so this reader never reads
   * them again, which would loop) and go back when the reader closes.
   */
  release(messages: readonly ReadMessage[]): void
  /** Returns everything not acknowledged to the source, in its order, and stops reading. */
  close(): Promise<void>
  /**
   * True once the connection to the source broke: acknowledgements sent shortly before may not
   * have arrived, so those messages are back in the source (and may be in the target too).
   */
  readonly lost: boolean
}

/** Where one message goes: RabbitMQ exchange ('' is the default exchange) and routing key. */
export interface Route {
  exchange: string
  routingKey: string
  /**
   * Redis: the stream, list or channel this message goes to, for a writer opened without a target
   * (back to origin, where each message names its own); RabbitMQ writers ignore it.
   */
  target?: SourceRef
}

export type WriteResult = { routed: true } | { routed: false; reason: string }

export interface TargetWriter {
  /**
   * Publishes with confirms and `mandatory`; resolves once the broker confirmed it, as routed or as
   * returned (unroutable). Waits first while the broker pushes back (full socket buffer, blocked
   * connection). Rejects when the broker refuses it (nack) or the channel or connection closes
   * before it was confirmed: then it may or may not have arrived (count it as in doubt).
   */
  write(message: ReplayMessage, route: Route): Promise<WriteResult>
  /** Messages written and not yet confirmed. */
  readonly inFlight: number
  /** Times `write` waited for the broker to take more (back-pressure), for tests and reports. */
  readonly waits: number
  /** Waits for every in-flight confirm, then closes the channel. */
  close(): Promise<void>
}

/** One route for every message: into `target` on Redis, to `exchange` with `routingKey` on RabbitMQ (null: each message's own). */
export interface FixedRoute {
  exchange: string
  routingKey: string | null
  target?: SourceRef
}

/** Where the qs-origin header (ORIGIN_HEADER) or the broker's own record says a message came from. */
export type OriginRoutes = { routes: Route[] } | { reason: string }

/**
 * How messages get into this broker by name: the route to a target the user named, and each
 * message's way back to its origin. Each adapter has its own; the core knows no broker.
 */
export interface ReplayRouting {
  /** The route into `target`; BAD_REQUEST, in the broker's words, for a kind it does not take. */
  targetRoute(target: SourceRef, routingKey: string | null): FixedRoute
  /** Where a message goes back to on this broker, or why it cannot. */
  originRoutes(message: ReadMessage): OriginRoutes
  /** "Back to origin" as reports name it, e.g. "origin (each message’s x-death, else qs-origin)". */
  readonly originTarget: string
}
