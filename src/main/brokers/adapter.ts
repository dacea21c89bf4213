import type { SourceSample } from '../../shared/metrics'
import type { SourceDetails } from '../../shared/topology'
import type { BrokerOverview } from '../../shared/broker-overview'
import type { BatchReader, ReaderOptions, TargetWriter } from './replay'
import type { ReadConsent } from './read-purpose'
import type { BrokerTimeouts } from './timeouts'
import type { ConnectionTarget } from '../../shared/connection-url'
import type { Broker, SourceList } from '../../shared/model'
import type { PeekedMessage, PeekRequestParsed, PeekResult, PurgeResult } from '../../shared/messages'
import type { PublishRequestParsed, PublishResult } from '../../shared/publish'
import type { SourceRef } from '../../shared/source-ref'
import type { z } from 'zod'
import type {
  ackRequestSchema,
  ackResultSchema,
  bullmqCleanRequestSchema,
  bullmqCleanResultSchema,
  bullmqJobsRequestSchema,
  bullmqJobsSchema,
  bullmqRetryRequestSchema,
  bullmqRetryResultSchema,
  claimRequestSchema,
  claimResultSchema,
  DiscoveryProgress,
  pendingRequestSchema,
  pendingResultSchema,
  redisWriteRequestSchema,
  redisWriteResultSchema,
  TailMessage,
} from '../../shared/redis'

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
export interface BrokerAdapter {
  readonly broker: Broker
  connect(): Promise<ConnectInfo>
  /** Called at most once, when an open connection drops without close() being called. */
  onLost(listener: (error: Error) => void): void
  close(): Promise<void>
  listSources(options?: ListOptions): Promise<SourceList>
  publish(request: PublishRequestParsed): Promise<PublishResult>
  /**
   * Reads up to `count` messages without consuming or losing any. `consent` says whether the user
   * accepted spending delivery attempts and whether the profile is read-only.
   */
  peek(request: PeekRequestParsed, consent?: ReadConsent): Promise<PeekResult>
  /** Removes the ready messages of a source. The caller has checked the typed confirmation. */
  purge(source: SourceRef): Promise<PurgeResult>
  /**
   * Current counts and rates of every source, keyed `<kind>:<name>` (Redis stream groups under
   * streamGroupSeriesKey), for the metrics history. Optional: a test adapter may have none.
   */
  sample?(): Promise<Map<string, SourceSample>>
  /** Vhosts / databases this connection could open, and connection, channel and consumer counts. */
  overview(): Promise<BrokerOverview>
  /**
   * Replay primitives for the replay engine: a reader that holds what it reads until acknowledged
   * or released, and a writer with confirms and returns. Both adapters have them; optional so a
   * test adapter need not.
   */
  openReader?(source: SourceRef, options?: ReaderOptions): Promise<BatchReader>
  /** RabbitMQ routes each write itself (target ignored); Redis writes into `target` (stream, list, channel), or where each route's `target` says. */
  openWriter?(target?: SourceRef): Promise<TargetWriter>
  /** Topology of one source (RabbitMQ queues and exchanges; Redis streams and lists). */
  details?(source: SourceRef): Promise<SourceDetails>
  /** Redis streams: one entry by id, fully decoded (the entry opened on a page read in summary form). */
  streamEntry?(key: string, id: string): Promise<{ message: PeekedMessage; warnings: string[] }>
  /** Redis streams: pending entries of a group, claim, acknowledge. */
  pending?(request: Req<typeof pendingRequestSchema>): Res<typeof pendingResultSchema>
  claim?(request: Req<typeof claimRequestSchema>): Res<typeof claimResultSchema>
  ack?(request: Req<typeof ackRequestSchema>): Res<typeof ackResultSchema>
  /** Redis: delete entries, trim a stream, delete a key (typed confirmation checked by the caller). */
  write?(request: Req<typeof redisWriteRequestSchema>): Res<typeof redisWriteResultSchema>
  /** BullMQ queues on a Redis connection, through the bullmq package. */
  bullmqJobs?(request: Req<typeof bullmqJobsRequestSchema>): Res<typeof bullmqJobsSchema>
  bullmqRetry?(request: Req<typeof bullmqRetryRequestSchema>): Res<typeof bullmqRetryResultSchema>
  bullmqClean?(request: Req<typeof bullmqCleanRequestSchema>): Res<typeof bullmqCleanResultSchema>
  /** Live tail (core/operations/tail.ts) on resources of its own; resolves once it is listening. */
  openTail?(source: SourceRef, options: TailOptions, sink: TailSink): Promise<TailHandle>
}

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
