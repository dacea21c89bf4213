import type { SourceSample } from '../../shared/metrics'
import type { SourceDetails } from '../../shared/topology'
import type { BrokerOverview } from '../../shared/broker-overview'
import type { BatchReader, ReaderOptions, TargetWriter } from './replay'
import type { ConnectionTarget } from '../../shared/connection-url'
import type { Broker, SourceList } from '../../shared/model'
import type { PeekRequestParsed, PeekResult, PurgeResult } from '../../shared/messages'
import type { PublishRequestParsed, PublishResult } from '../../shared/publish'
import type { SourceRef } from '../../shared/source-ref'

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
  /** Reads up to `count` messages without consuming or losing any (DESIGN.md "Semantics"). */
  peek(request: PeekRequestParsed): Promise<PeekResult>
  /** Removes the ready messages of a source. The caller has checked the typed confirmation. */
  purge(source: SourceRef): Promise<PurgeResult>
  /**
   * Current counts and rates of every source, keyed `<kind>:<name>`, for the metrics history.
   * Absent where the broker has nothing to sample yet (Redis: issue #4).
   */
  sample?(): Promise<Map<string, SourceSample>>
  /** Vhosts / databases this connection could open, and connection, channel and consumer counts. */
  overview(): Promise<BrokerOverview>
  /**
   * Replay primitives (issue #5's engine): a reader that holds what it reads until acknowledged
   * or released, and a writer with confirms and returns. Absent where not built yet (Redis: #4).
   */
  openReader?(source: SourceRef, options?: ReaderOptions): Promise<BatchReader>
  /** RabbitMQ routes each write itself (target ignored); Redis writes into `target` (stream, list, channel). */
  openWriter?(target?: SourceRef): Promise<TargetWriter>
  /** Topology of one source (RabbitMQ queues and exchanges). */
  details?(source: SourceRef): Promise<SourceDetails>
}

export interface AdapterConfig {
  target: ConnectionTarget
  password: string | null
  /** RabbitMQ: queues to show (passive declare) when the management API is unavailable. */
  watchQueues?: string[]
}

export type AdapterFactory = (config: AdapterConfig) => BrokerAdapter
