import * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { ConnectionTarget } from '../../../shared/connection-url'
import { resolveTimeouts, seconds, withDeadline, type BrokerTimeouts } from '../timeouts'
import { limitedQueueKey } from './delivery-limit'
import { ENABLE_MANAGEMENT_HINT, ManagementClient } from './management.client'
import { ChannelPool } from './rabbitmq.channels'
import { amqpConnectError, amqpLostReason } from './rabbitmq.errors'

export type RabbitTarget = Extract<ConnectionTarget, { broker: 'rabbitmq' }>

/** How long a clean close may wait for the broker's close-ok before the socket is dropped. */
export const CLOSE_TIMEOUT_MS = 2000

/**
 * Closes an AMQP connection, or drops its socket when the broker does not answer in time (it
 * vanished, or a proxy in between did): Disconnect must never hang on a dead peer.
 */
export async function closeWithin(connection: amqp.ChannelModel, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  const outcome = await Promise.race([
    connection.close().then(
      () => 'closed' as const,
      () => 'closed' as const,
    ),
    timedOut,
  ])
  clearTimeout(timer)
  if (outcome === 'timeout') (connection.connection as unknown as { stream?: { destroy(): void } }).stream?.destroy()
}

/**
 * One adapter's link to RabbitMQ: its AMQP connection (with deadlines and heartbeats), the
 * management API client, the channel pool its browses and probes use, and what it learned of the
 * broker (its major version, whether the management API answers, whether publishing is blocked).
 * Every part of the adapter (listing, browse, publish, replay) works through one of these.
 */
export class RabbitLink {
  connection: amqp.ChannelModel | null = null
  readonly management: ManagementClient
  /** Why the management API did not answer last time, or null when it did. */
  managementProblem: string | null = null
  /** Major version from the AMQP handshake (RabbitMQ 4 changes the delivery-limit default). */
  serverMajor = 0
  /** The broker blocked publishing on this connection (memory or disk alarm). */
  blocked = false
  closing = false
  readonly timeouts: BrokerTimeouts
  readonly channels: ChannelPool
  private lostListener: ((error: Error) => void) | null = null
  private readonly password: string

  constructor(
    readonly target: RabbitTarget,
    password: string | null,
    timeouts: Partial<BrokerTimeouts> = {},
    /** Called when the connection closes (the publisher forgets its channel). */
    private readonly onClose: () => void = () => undefined,
  ) {
    this.password = password ?? 'guest'
    this.timeouts = resolveTimeouts(timeouts)
    this.management = new ManagementClient(target.managementUrl, target.username, this.password, this.timeouts.requestMs)
    this.channels = new ChannelPool(this)
  }

  /** Heartbeats every half of the dead-link deadline (whole seconds: AMQP's unit). */
  get heartbeatS(): number {
    return Math.max(1, Math.round(this.timeouts.deadLinkMs / 2000))
  }

  get where(): string {
    return `RabbitMQ at ${this.target.host}:${this.target.port}`
  }

  /** The open connection, or NOT_CONNECTED. */
  requireConnection(): amqp.ChannelModel {
    if (!this.connection) throw new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed')
    return this.connection
  }

  /** Broker, vhost and queue: how process-wide memories (the delivery-limit latch, probed types) name a queue. */
  queueKey(name: string): string {
    return limitedQueueKey(this.target.host, this.target.port, this.target.vhost, name)
  }

  /** Opens the adapter's own connection and watches it; resolves with the broker's self-description. */
  async open(): Promise<{ product?: string; version?: string }> {
    const t = this.target
    const connection = await this.openConnection('Queuescope')
    this.connection = connection
    // An unhandled 'error' would crash the process; 'close' follows every error, so report there.
    connection.on('error', () => undefined)
    connection.on('blocked', () => {
      this.blocked = true
    })
    connection.on('unblocked', () => {
      this.blocked = false
    })
    connection.on('close', (err?: Error) => {
      this.connection = null
      this.channels.forget()
      this.onClose()
      if (!this.closing) this.lostListener?.(amqpLostReason(err, t, this.heartbeatS))
    })
    const props = connection.connection.serverProperties as { product?: string; version?: string }
    this.serverMajor = Number.parseInt(props.version ?? '0', 10) || 0
    return props
  }

  /**
   * An AMQP connection within the connect deadline. amqplib's `timeout` is a socket idle timeout,
   * which a broker that trickles bytes never trips, so the whole open has a deadline of its own; a
   * connection that opens after it is closed at once. Heartbeats notice a dead link in seconds.
   * Failures come back in the user's words (amqpConnectError).
   */
  openConnection(name: string): Promise<amqp.ChannelModel> {
    const t = this.target
    const { connectMs, deadLinkMs } = this.timeouts
    const opening = amqp
      .connect(
        {
          protocol: t.tls ? 'amqps' : 'amqp',
          hostname: t.host,
          port: t.port,
          username: t.username,
          password: this.password,
          vhost: t.vhost,
          heartbeat: this.heartbeatS,
        },
        { timeout: connectMs, noDelay: true, keepAlive: true, keepAliveDelay: deadLinkMs, clientProperties: { connection_name: name } },
      )
      .catch((err: unknown) => {
        throw amqpConnectError(err, t)
      })
    return withDeadline(
      opening,
      connectMs,
      () =>
        new QsError(
          'TIMEOUT',
          `timed out connecting to ${this.where}: no complete AMQP handshake within ${seconds(connectMs)} (is this the right port? does it need amqps?)`,
        ),
      (late) =>
        void late.then(
          (connection) => {
            connection.on('error', () => undefined) // nobody else listens to this one
            return closeWithin(connection, CLOSE_TIMEOUT_MS)
          },
          () => undefined,
        ),
    )
  }

  onLost(listener: (error: Error) => void): void {
    this.lostListener = listener
  }

  async close(): Promise<void> {
    this.closing = true
    await this.channels.settled()
    const connection = this.connection
    this.connection = null
    this.channels.forget()
    this.onClose()
    if (connection) await closeWithin(connection, CLOSE_TIMEOUT_MS)
  }

  /** The management API's problem as a listing warning, with the fix. */
  managementWarning(): string {
    const problem = (this.managementProblem ?? '').replace(`; ${ENABLE_MANAGEMENT_HINT}`, '')
    return `management API unavailable (${problem}); queues and exchanges cannot be listed without it — ${ENABLE_MANAGEMENT_HINT}`
  }
}
