import type { SourceSample } from '../../shared/metrics'
import type { SourceDetails } from '../../shared/topology'
import type { BrokerOverview } from '../../shared/broker-overview'
import type { BrokerDescription } from '../../shared/capabilities'
import type { BatchReader, ReaderOptions, ReplayRouting, TargetWriter } from './replay'
import type { ReadConsent } from './read-purpose'
import type { BrokerTimeouts } from './timeouts'
import type { ConnectionTarget } from '../../shared/connection-url'
import type { Broker, SourceList } from '../../shared/model'
import type { PeekedMessage, PeekRequestParsed, PeekResult, PurgeResult } from '../../shared/messages'
import type { PublishRequestParsed, PublishResult } from '../../shared/publish'
import type { SourceRef } from '../../shared/source-ref'
import type { z } from 'zod'
import type { DiscoveryProgress } from '../../shared/discovery'
import type {
  bullmqCleanRequestSchema,
  bullmqCleanResultSchema,
  bullmqJobsRequestSchema,
  bullmqJobsSchema,
  bullmqRetryRequestSchema,
  bullmqRetryResultSchema,
} from '../../shared/bullmq'
import type {
  ackRequestSchema,
  ackResultSchema,
  claimRequestSchema,
  claimResultSchema,
  pendingRequestSchema,
  pendingResultSchema,
  redisWriteRequestSchema,
  redisWriteResultSchema,
} from '../../shared/streams'
import type { TailMessage } from '../../shared/tail'

/**
 * A request as the adapter sees it: parsed, without the connection id the core resolved. Omitted
 * per member of a union (redisWriteRequestSchema), so `op` still tells them apart.
 */
type Req<S extends z.ZodType> = z.output<S> extends infer T ? (T extends unknown ? Omit<T, 'connectionId'> : never) : never
type Res<S extends z.ZodType> = Promise<z.output<S>>

/** What an open adapter reports about the broker it reached. */
export interface ConnectInfo {
  /** e.g. "RabbitMQ 3.10.8" or "Redis 7.0.15" */
  server: string
  /** Degradations the user should see (e.g. management plugin missing). */
  warnings: string[]
}

export interface ListOptions {
  /** Server-side name filter (substring); empty lists everything. */
  filter?: string
  /** RabbitMQ: one page of queues (1-based) instead of all; exchanges come with page 1. */
  page?: number
  /** Queues per page, at most 500 (the management API's maximum). */
  pageSize?: number
  /** Redis: a SCAN MATCH glob instead of the substring filter. */
  pattern?: string
  /** Redis: stop scanning when aborted (the listing so far comes back, with a warning). */
  signal?: AbortSignal
  /** Redis: called as the scan goes (at most a few times a second). */
  onProgress?: (progress: Omit<DiscoveryProgress, 'id' | 'connectionId'>) => void
}

/**
 * One live connection to one broker. The workspace owns its lifecycle: it calls connect() once,
 * listens for loss and replaces the adapter with a fresh one to reconnect (adapters never retry
 * on their own, so no write is ever silently re-sent after a reconnect).
 */
export interface BrokerConnection {
  readonly broker: Broker
  /** What it can do, for the front ends: tabs, purge, replay targets (sent with the open status). */
  readonly description: BrokerDescription
  connect(): Promise<ConnectInfo>
  /** Called at most once, when an open connection drops without close() being called. */
  onLost(listener: (error: Error) => void): void
  close(): Promise<void>
  listSources(options?: ListOptions): Promise<SourceList>
  /** Vhosts / databases this connection could open, and connection, channel and consumer counts. */
  overview(): Promise<BrokerOverview>
}

/** Reading without consuming. */
export interface Browsing {
  /**
   * Reads up to `count` messages without consuming or losing any. `consent` says whether the user
   * accepted spending delivery attempts and whether the profile is read-only.
   */
  peek(request: PeekRequestParsed, consent?: ReadConsent): Promise<PeekResult>
}

export interface Publishing {
  publish(request: PublishRequestParsed): Promise<PublishResult>
}

export interface Purging {
  /** Removes the ready messages of a source. The caller has checked the typed confirmation. */
  purge(source: SourceRef): Promise<PurgeResult>
}

/** Replay and export read through it: a reader that holds what it reads until acknowledged or released. */
export interface ReplaySource {
  openReader(source: SourceRef, options?: ReaderOptions): Promise<BatchReader>
}

/** Replay and import write through it: a writer with confirms and returns, and the routes into this broker. */
export interface ReplayTarget {
  /** RabbitMQ routes each write itself (target ignored); Redis writes into `target` (stream, list, channel), or where each route's `target` says. */
  openWriter(target?: SourceRef): Promise<TargetWriter>
  /** Routes to a named target and back to each message's origin. */
  readonly routing: ReplayRouting
}

export interface Sampling {
  /**
   * Current counts and rates of every source, keyed `<kind>:<name>` (Redis stream groups under
   * streamGroupSeriesKey), for the metrics history.
   */
  sample(): Promise<Map<string, SourceSample>>
}

export interface SourceTopology {
  /** Topology of one source (RabbitMQ queues and exchanges; Redis streams and lists). */
  details(source: SourceRef): Promise<SourceDetails>
}

export interface Tailing {
  /** Live tail (core/operations/tail.ts) on resources of its own; resolves once it is listening. */
  openTail(source: SourceRef, options: TailOptions, sink: TailSink): Promise<TailHandle>
}

/** Streams with entry ids and consumer groups (Redis). */
export interface StreamEntries {
  /** One entry by id, fully decoded (the entry opened on a page read in summary form). */
  streamEntry(key: string, id: string): Promise<{ message: PeekedMessage; warnings: string[] }>
  /** Pending entries of a group, claim, acknowledge. */
  pending(request: Req<typeof pendingRequestSchema>): Res<typeof pendingResultSchema>
  claim(request: Req<typeof claimRequestSchema>): Res<typeof claimResultSchema>
  ack(request: Req<typeof ackRequestSchema>): Res<typeof ackResultSchema>
}

/** Writes that are not publishes: delete entries, trim a stream, delete a key (typed confirmation checked by the caller). */
export interface KeyWrites {
  write(request: Req<typeof redisWriteRequestSchema>): Res<typeof redisWriteResultSchema>
}

/** Job queues (BullMQ on Redis, through the bullmq package). */
export interface Jobs {
  bullmqJobs(request: Req<typeof bullmqJobsRequestSchema>): Res<typeof bullmqJobsSchema>
  bullmqRetry(request: Req<typeof bullmqRetryRequestSchema>): Res<typeof bullmqRetryResultSchema>
  bullmqClean(request: Req<typeof bullmqCleanRequestSchema>): Res<typeof bullmqCleanResultSchema>
}

/**
 * An adapter: the connection, browse, publish and purge, and whichever other capabilities its
 * broker has. The core asks for a capability by its methods (`requireCapability` in core/api.ts)
 * and answers UNSUPPORTED, in words, where an adapter lacks it; front ends learn what a source
 * allows from `description`, never from the broker's name.
 */
export interface BrokerAdapter
  extends
    BrokerConnection,
    Browsing,
    Publishing,
    Purging,
    Partial<ReplaySource & ReplayTarget & Sampling & SourceTopology & Tailing & StreamEntries & KeyWrites & Jobs> {}

export interface TailOptions {
  /** Redis: `channel:<glob>` is a PSUBSCRIBE pattern. */
  pattern: boolean
  /** RabbitMQ exchanges: the binding key (see tailStartRequestSchema). */
  routingKey?: string
}

/** Where an adapter's tail delivers; the core buffers and batches. */
export interface TailSink {
  message(message: TailMessage): void
  /** The tail ended by itself (connection lost, key deleted, broker error), in words. Called at most once. */
  end(reason: string): void
}

export interface TailHandle {
  /** Releases the tail's broker resources; `end` is not called after it. */
  stop(): Promise<void>
}

export interface AdapterConfig {
  target: ConnectionTarget
  password: string | null
  /** RabbitMQ: queues to show (passive declare) when the management API is unavailable. */
  watchQueues?: string[]
  /** Connect, request and dead-link deadlines; unset ones take DEFAULT_TIMEOUTS (timeouts.ts). */
  timeouts?: Partial<BrokerTimeouts>
}

export type AdapterFactory = (config: AdapterConfig) => BrokerAdapter
