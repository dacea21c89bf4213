import { QsError, toQsErrorShape } from '../../shared/errors'
import type { BrokerDescription } from '../../shared/capabilities'
import type { ConnectionStatus } from '../../shared/model'
import { scopeOf } from '../../shared/connection-url'
import type { AdapterConfig, AdapterFactory, BrokerAdapter } from '../brokers/adapter'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff'

export interface OpenOptions {
  readOnly: boolean
}

/** Errors after which retrying cannot help until the user changes something. */
const PERMANENT = new Set(['AUTH_FAILED', 'BAD_URL', 'NOT_FOUND', 'SECRET_UNAVAILABLE'])

/**
 * One managed connection: opens an adapter, and when an open connection drops, replaces it with a
 * fresh adapter after a capped exponential backoff, emitting every state change.
 */
class ManagedConnection {
  status: ConnectionStatus
  adapter: BrokerAdapter | null = null
  warnings: string[] = []
  private timer: NodeJS.Timeout | null = null
  private generation = 0
  /** What the broker can do, once an adapter said so: kept through reconnects, so the app keeps its tabs. */
  private description: BrokerDescription | null = null

  constructor(
    readonly id: string,
    readonly config: AdapterConfig,
    readonly options: OpenOptions,
    private readonly factory: AdapterFactory,
    private readonly backoff: BackoffOptions,
    private readonly emit: (status: ConnectionStatus) => void,
  ) {
    this.status = { connectionId: id, state: 'closed', readOnly: options.readOnly, scope: scopeOf(config.target), at: Date.now() }
  }

  private setStatus(next: Omit<ConnectionStatus, 'connectionId' | 'readOnly' | 'at' | 'scope' | 'description'>): void {
    const { description } = this
    this.status = {
      connectionId: this.id,
      readOnly: this.options.readOnly,
      scope: scopeOf(this.config.target),
      at: Date.now(),
      ...next,
      ...(description === null ? {} : { description }),
    }
    this.emit(this.status)
  }

  /** First open: failures are reported as `failed`, not retried (the user is looking at it). */
  async open(): Promise<ConnectionStatus> {
    const generation = ++this.generation
    this.setStatus({ state: 'connecting' })
    try {
      await this.attach(generation)
    } catch (err) {
      if (generation === this.generation) this.setStatus({ state: 'failed', reason: toQsErrorShape(err).message })
    }
    return this.status
  }

  private async attach(generation: number): Promise<void> {
    const adapter = this.factory(this.config)
    let info
    try {
      info = await adapter.connect()
    } catch (err) {
      await adapter.close().catch(() => undefined)
      throw err
    }
    if (generation !== this.generation) {
      // closed (or reopened) while we were connecting
      await adapter.close().catch(() => undefined)
      return
    }
    this.adapter = adapter
    this.warnings = info.warnings
    adapter.onLost((error) => this.lost(generation, error))
    this.description = adapter.description
    this.setStatus({ state: 'open', server: info.server })
  }

  private lost(generation: number, error: Error): void {
    if (generation !== this.generation) return
    this.adapter = null
    this.scheduleRetry(generation, 1, error.message)
  }

  private scheduleRetry(generation: number, attempt: number, reason: string): void {
    const delay = backoffDelay(attempt, this.backoff)
    this.setStatus({ state: 'reconnecting', attempt, nextRetryAt: Date.now() + delay, reason })
    this.timer = setTimeout(() => {
      this.timer = null
      if (generation !== this.generation) return
      this.attach(generation).catch((err: unknown) => {
        if (generation !== this.generation) return
        const shape = toQsErrorShape(err)
        if (PERMANENT.has(shape.code)) this.setStatus({ state: 'failed', reason: shape.message })
        else this.scheduleRetry(generation, attempt + 1, shape.message)
      })
    }, delay)
    this.timer.unref?.()
  }

  async close(): Promise<ConnectionStatus> {
    this.generation++
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const adapter = this.adapter
    this.adapter = null
    if (adapter) await adapter.close().catch(() => undefined)
    this.setStatus({ state: 'closed' })
    return this.status
  }
}

/**
 * The set of open broker connections, keyed by connection id (a profile id in the app, an
 * ephemeral id in the CLI). Transport-agnostic: listeners get every status change.
 */
export class Workspace {
  private readonly connections = new Map<string, ManagedConnection>()
  private readonly listeners = new Set<(status: ConnectionStatus) => void>()

  constructor(
    private readonly factory: AdapterFactory,
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit = (status: ConnectionStatus): void => {
    for (const listener of this.listeners) listener(status)
  }

  /** Opens (or re-opens with new settings) a connection; resolves with `open` or `failed`. */
  async open(id: string, config: AdapterConfig, options: OpenOptions): Promise<ConnectionStatus> {
    const existing = this.connections.get(id)
    if (existing) await existing.close()
    const connection = new ManagedConnection(id, config, options, this.factory, this.backoff, this.emit)
    this.connections.set(id, connection)
    return connection.open()
  }

  async close(id: string): Promise<ConnectionStatus> {
    const connection = this.connections.get(id)
    if (!connection) throw new QsError('NOT_FOUND', `no connection "${id}"`)
    const status = await connection.close()
    this.connections.delete(id)
    return status
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((id) => this.close(id)))
  }

  statuses(): ConnectionStatus[] {
    return [...this.connections.values()].map((c) => c.status)
  }

  status(id: string): ConnectionStatus | null {
    return this.connections.get(id)?.status ?? null
  }

  /**
   * The open adapter of a connection, or a NOT_CONNECTED error that says what state it is in.
   * Calls are never retried here: a call that failed on a dead link would fail again at once (the
   * connection is reconnecting), and waiting for the reconnect could take longer than the caller
   * waits. Front ends retry idempotent calls (contract.ts) themselves; writes are never repeated.
   */
  adapter(id: string): { adapter: BrokerAdapter; readOnly: boolean; warnings: string[] } {
    const connection = this.connections.get(id)
    if (!connection) throw new QsError('NOT_CONNECTED', `connection "${id}" is not open; connect first`)
    const { status } = connection
    if (!connection.adapter || status.state !== 'open') {
      const why =
        status.state === 'reconnecting'
          ? `reconnecting (attempt ${status.attempt ?? 1}${status.reason ? `, last error: ${status.reason}` : ''})`
          : status.state === 'failed'
            ? `failed: ${status.reason ?? 'unknown error'}`
            : status.state
      throw new QsError('NOT_CONNECTED', `connection "${id}" is ${why}; nothing was sent`)
    }
    return { adapter: connection.adapter, readOnly: connection.options.readOnly, warnings: connection.warnings }
  }
}
