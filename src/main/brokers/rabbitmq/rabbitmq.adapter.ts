import { randomUUID } from 'node:crypto'
import * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { ConnectionTarget } from '../../../shared/connection-url'
import type { SourceItem, SourceList } from '../../../shared/model'
import type { SourceSample } from '../../../shared/metrics'
import type { Binding, SourceDetails } from '../../../shared/topology'
import type { BrokerOverview } from '../../../shared/broker-overview'
import { describeSettings } from './queue-arguments'
import type { PeekedMessage, PeekRequestParsed, PeekResult, PurgeResult, StreamFrom } from '../../../shared/messages'
import type { PublishRequestParsed, PublishResult } from '../../../shared/publish'
import { parseSourceRef, type SourceRef } from '../../../shared/source-ref'
import type { BrokerAdapter, ConnectInfo, ListOptions, TailHandle, TailOptions, TailSink } from '../adapter'
import type { BatchReader, ReaderOptions, TargetWriter } from '../replay'
import { belowStart, RabbitQueueReader, RabbitWriter, type Step } from './rabbitmq.replay'
import { openRabbitTail } from './rabbitmq.tail'
import { amqpLinkError, IN_DOUBT, messageOf, networkError, writeInDoubt } from '../errors'
import { resolveTimeouts, seconds, withDeadline, type BrokerTimeouts } from '../timeouts'
import { browsedBody, DisplayBudget } from '../message-body'
import { toPublishOptions } from './amqp-properties'
import { decodeXDeath, toHeaders, toMessageProperties } from './amqp-values'
import {
  admitRead,
  deliveryAtRisk,
  deliveryCountOf,
  effectiveDeliveryLimit,
  isKnownQuorum,
  limitedQueueKey,
  rememberQuorum,
  type LimitedQueue,
} from './delivery-limit'
import { NO_CONSENT, type ReadConsent } from '../read-purpose'
import { RabbitGetReader } from './rabbitmq.get-reader'
import {
  ENABLE_MANAGEMENT_HINT,
  ManagementClient,
  MAX_PAGE_SIZE,
  vhostPath,
  type Page,
  type ManagementExchange,
  type ManagementQueue,
} from './management.client'

type RabbitTarget = Extract<ConnectionTarget, { broker: 'rabbitmq' }>

const QUEUE_COLUMNS = 'name,type,messages,messages_ready,messages_unacknowledged,consumers,consumer_capacity,state,durable,arguments'
const SAMPLE_COLUMNS = [
  'name',
  'messages_ready',
  'messages_unacknowledged',
  'consumers',
  'consumer_capacity',
  'message_stats.publish_details.rate',
  'message_stats.deliver_get_details.rate',
  'message_stats.ack_details.rate',
].join(',')

interface ManagementBinding {
  source: string
  destination: string
  destination_type: string
  routing_key: string
  arguments?: Record<string, unknown>
}

interface ManagementQueueDetails extends ManagementQueue {
  node?: string
  auto_delete?: boolean
  exclusive?: boolean
  policy?: string | null
  effective_policy_definition?: Record<string, unknown> | unknown[]
  operator_policy_definition?: Record<string, unknown> | unknown[]
  consumer_details?: {
    consumer_tag: string
    prefetch_count?: number
    ack_required?: boolean
    active?: boolean
    channel_details?: { name?: string; connection_name?: string }
  }[]
}

function toBinding(b: ManagementBinding): Binding {
  return { source: b.source, destination: b.destination, destinationType: b.destination_type, routingKey: b.routing_key, arguments: b.arguments ?? {} }
}

interface SampledQueue {
  name: string
  messages_ready?: number
  messages_unacknowledged?: number
  consumers?: number
  consumer_capacity?: number
  message_stats?: {
    publish_details?: { rate?: number }
    deliver_get_details?: { rate?: number }
    ack_details?: { rate?: number }
  }
}
const EXCHANGE_COLUMNS = 'name,type,durable,internal'

/** Stream browsing: how long to wait for the first delivery, then for the next one, before a short page is complete. */
const STREAM_FIRST_WAIT_MS = 1500
const STREAM_IDLE_MS = 400

const REQUEUE_WARNING =
  'browsing returned every message with nack(requeue): RabbitMQ now marks them redelivered, and their order may shift if consumers are active'

/**
 * Queues the no-management probe found to be streams, process-wide: a queue's type never changes
 * while it exists, and each probe of a queue takes its head message and gives it back.
 */
const probedStreams = new Map<string, boolean>()

/** How long a clean close may wait for the broker's close-ok before the socket is dropped. */
const CLOSE_TIMEOUT_MS = 2000

/**
 * Closes an AMQP connection, or drops its socket when the broker does not answer in time (it
 * vanished, or a proxy in between did): Disconnect must never hang on a dead peer.
 */
async function closeWithin(connection: amqp.ChannelModel, ms: number): Promise<void> {
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

/** AMQP connection errors into the user's words (docs/broker-facts.md "RabbitMQ over AMQP"). */
export function amqpConnectError(err: unknown, target: RabbitTarget): QsError {
  if (err instanceof QsError) return err
  const where = `RabbitMQ at ${target.host}:${target.port}`
  const net = networkError(err, where)
  if (net) return net
  const text = messageOf(err)
  if (/ACCESS.REFUSED/i.test(text)) {
    return new QsError('AUTH_FAILED', `${where} refused user "${target.username}": wrong user name or password`, text)
  }
  // RabbitMQ closes the handshake without a reason the client sees when the vhost is missing or
  // the user has no access to it: amqplib then says "Expected ConnectionOpenOk; got <ConnectionClose>".
  if (/NOT.ALLOWED.*vhost/i.test(text) || /vhost .* not found/i.test(text) || /Expected ConnectionOpenOk; got <ConnectionClose/.test(text)) {
    return new QsError('NOT_FOUND', `${where}: vhost "${target.vhost}" does not exist or the user may not access it`, text)
  }
  if (/Unexpected close|Expected AMQP|closed abruptly|handshake/i.test(text)) {
    return new QsError('UNREACHABLE', `${where} closed the connection during the AMQP handshake (is this the right port? does it need amqps?)`, text)
  }
  return new QsError('BROKER_ERROR', `${where}: ${text}`)
}

/** Why an open connection went away, in words (amqplib says "Heartbeat timeout"). */
function amqpLostReason(err: Error | undefined, target: RabbitTarget, heartbeatS: number): Error {
  const where = `RabbitMQ at ${target.host}:${target.port}`
  if (!err) return new Error(`${where} closed the connection`)
  if (/Heartbeat timeout/i.test(err.message))
    return new Error(`${where} stopped answering: no heartbeat for ${2 * heartbeatS}–${3 * heartbeatS} s (the link looks dead)`)
  return err
}

export class RabbitMqAdapter implements BrokerAdapter {
  readonly broker = 'rabbitmq' as const
  private connection: amqp.ChannelModel | null = null
  private confirmChannel: Promise<amqp.ConfirmChannel> | null = null
  private publishQueue: Promise<unknown> = Promise.resolve()
  private readonly management: ManagementClient
  private managementProblem: string | null = null
  private lostListener: ((error: Error) => void) | null = null
  /** The last browse channel still closing (its messages being requeued); see withThrowAwayChannel. */
  private settling: Promise<unknown> = Promise.resolve()
  private closing = false
  /** A channel opened after a browse for the next one (one round trip less); see takeChannel. */
  private spareChannel: Promise<amqp.Channel> | null = null
  /** The broker blocked publishing on this connection (memory or disk alarm). */
  private blocked = false
  /** Major version from the AMQP handshake (RabbitMQ 4 changes the delivery-limit default). */
  private serverMajor = 0

  private readonly watchQueues: string[]
  private readonly timeouts: BrokerTimeouts

  constructor(
    private readonly target: RabbitTarget,
    password: string | null,
    options: { watchQueues?: string[]; timeouts?: Partial<BrokerTimeouts> } = {},
  ) {
    this.watchQueues = options.watchQueues ?? []
    this.password = password ?? 'guest'
    this.timeouts = resolveTimeouts(options.timeouts)
    this.management = new ManagementClient(target.managementUrl, target.username, this.password, this.timeouts.requestMs)
  }

  /** Heartbeats every half of the dead-link deadline (whole seconds: AMQP's unit). */
  private get heartbeatS(): number {
    return Math.max(1, Math.round(this.timeouts.deadLinkMs / 2000))
  }

  private get where(): string {
    return `RabbitMQ at ${this.target.host}:${this.target.port}`
  }

  private readonly password: string

  async connect(): Promise<ConnectInfo> {
    const t = this.target
    const started = Date.now()
    try {
      this.connection = await this.openConnection('Queuescope')
    } catch (err) {
      throw amqpConnectError(err, t)
    }
    const connection = this.connection
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
      this.confirmChannel = null
      this.spareChannel = null
      if (!this.closing) this.lostListener?.(amqpLostReason(err, t, this.heartbeatS))
    })

    const props = connection.connection.serverProperties as { product?: string; version?: string }
    let server = `${props.product ?? 'RabbitMQ'} ${props.version ?? ''}`.trim()
    this.serverMajor = Number.parseInt(props.version ?? '0', 10) || 0
    const warnings: string[] = []
    try {
      // The probe spends what is left of the connect deadline (at least a second, so a slow
      // handshake does not leave it no chance): the management API is optional.
      const left = Math.max(1000, this.timeouts.connectMs - (Date.now() - started))
      const overview = await withDeadline(
        this.management.get<{ rabbitmq_version?: string; management_version?: string }>('/overview'),
        left,
        () => new QsError('TIMEOUT', `management API at ${t.managementUrl} did not answer within ${seconds(left)}`),
      )
      this.managementProblem = null
      if (overview.rabbitmq_version) server = `RabbitMQ ${overview.rabbitmq_version}`
    } catch (err) {
      this.managementProblem = messageOf(err)
      warnings.push(this.managementWarning())
    }
    return { server, warnings }
  }

  /**
   * An AMQP connection within the connect deadline. amqplib's `timeout` is a socket idle timeout,
   * which a broker that trickles bytes never trips, so the whole open has a deadline of its own; a
   * connection that opens after it is closed at once. Heartbeats notice a dead link in seconds.
   */
  private openConnection(name: string): Promise<amqp.ChannelModel> {
    const t = this.target
    const { connectMs, deadLinkMs } = this.timeouts
    const opening = amqp.connect(
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
    await this.settling
    const connection = this.connection
    this.connection = null
    this.confirmChannel = null
    this.spareChannel = null
    if (connection) await closeWithin(connection, CLOSE_TIMEOUT_MS)
  }

  private watchHint(): string {
    return this.watchQueues.length === 0
      ? 'add queue names to the profile\'s "watched queues" to see their counts over AMQP meanwhile'
      : `showing the ${this.watchQueues.length} watched queue(s) with counts from a passive declare over AMQP (ready messages and consumers only)`
  }

  /**
   * Without the management API: each watched queue's counts from a passive declare, each on a
   * throw-away channel, so a missing queue (404 closes the channel) never breaks the connection.
   */
  private async watchedQueues(filter?: string): Promise<SourceItem[]> {
    const names = filter ? this.watchQueues.filter((n) => n.includes(filter)) : this.watchQueues
    const items: SourceItem[] = []
    for (const name of names) {
      let reply: { messageCount: number; consumerCount: number } | null = null
      try {
        reply = await this.withThrowAwayChannel(name, (ch) => this.step(ch.checkQueue(name), name, 'a passive declare'))
      } catch (err) {
        if (!(err instanceof QsError && err.code === 'NOT_FOUND')) throw err
      }
      items.push({
        kind: 'queue',
        name,
        queueType: 'unknown',
        messages: reply ? reply.messageCount : null,
        ready: reply ? reply.messageCount : null,
        unacked: null,
        consumers: reply ? reply.consumerCount : null,
        consumerCapacity: null,
        state: reply ? 'running' : 'missing',
        durable: false,
        deadLetterExchange: null,
        deadLetterRoutingKey: null,
      })
    }
    return items
  }

  private managementWarning(): string {
    const problem = (this.managementProblem ?? '').replace(`; ${ENABLE_MANAGEMENT_HINT}`, '')
    return `management API unavailable (${problem}); queues and exchanges cannot be listed without it — ${ENABLE_MANAGEMENT_HINT}`
  }

  async details(source: SourceRef): Promise<SourceDetails> {
    const vhost = vhostPath(this.target.vhost)
    const name = encodeURIComponent(source.name)
    if (source.kind === 'queue') {
      const [q, bindings] = await Promise.all([
        this.management.get<ManagementQueueDetails>(`/queues/${vhost}/${name}`).catch((err: unknown) => {
          throw err instanceof QsError && err.code === 'NOT_FOUND' ? this.missingQueue(source.name, err.message) : err
        }),
        this.management.get<ManagementBinding[]>(`/queues/${vhost}/${name}/bindings`).catch(() => []),
      ])
      const policy = q.effective_policy_definition && !Array.isArray(q.effective_policy_definition) ? q.effective_policy_definition : {}
      const operatorPolicy = q.operator_policy_definition && !Array.isArray(q.operator_policy_definition) ? q.operator_policy_definition : {}
      return {
        kind: 'queue',
        name: q.name,
        queueType: q.type ?? 'classic',
        state: q.state ?? null,
        node: q.node ?? null,
        durable: q.durable ?? false,
        autoDelete: q.auto_delete ?? false,
        exclusive: q.exclusive ?? false,
        policy: q.policy ?? null,
        settings: describeSettings(q.arguments ?? {}, policy, operatorPolicy),
        consumers: (q.consumer_details ?? []).map((c) => ({
          tag: c.consumer_tag,
          channel: c.channel_details?.name ?? null,
          connection: c.channel_details?.connection_name ?? null,
          prefetch: c.prefetch_count ?? null,
          ackRequired: c.ack_required ?? null,
          active: c.active ?? null,
        })),
        bindings: bindings.map(toBinding),
      }
    }
    if (source.kind === 'exchange') {
      const path = `/exchanges/${vhost}/${source.name === '' ? 'amq.default' : name}`
      const [e, outgoing, incoming] = await Promise.all([
        this.management.get<ManagementExchange & { auto_delete?: boolean; arguments?: Record<string, unknown> }>(path).catch((err: unknown) => {
          throw err instanceof QsError && err.code === 'NOT_FOUND'
            ? new QsError('NOT_FOUND', `exchange "${source.name}" does not exist in vhost "${this.target.vhost}"`)
            : err
        }),
        this.management.get<ManagementBinding[]>(`${path}/bindings/source`).catch(() => []),
        this.management.get<ManagementBinding[]>(`${path}/bindings/destination`).catch(() => []),
      ])
      return {
        kind: 'exchange',
        name: e.name,
        exchangeType: e.type,
        durable: e.durable ?? false,
        autoDelete: e.auto_delete ?? false,
        internal: e.internal ?? false,
        settings: describeSettings(e.arguments ?? {}),
        outgoing: outgoing.map(toBinding),
        incoming: incoming.map(toBinding),
      }
    }
    throw new QsError('BAD_REQUEST', `RabbitMQ has queues and exchanges, not ${source.kind}:…`)
  }

  /**
   * The vhosts this user may open (with their message counts) and the vhost's connection, channel
   * and consumer counts. Without the management API only the open vhost is known.
   */
  async overview(): Promise<BrokerOverview> {
    const vhost = this.target.vhost
    const path = vhostPath(vhost)
    const unknown: BrokerOverview = {
      scope: vhost,
      scopeKind: 'vhost',
      scopes: [{ name: vhost, items: null }],
      counts: { connections: null, channels: null, consumers: null, scope: `vhost ${vhost}` },
      warnings: [],
    }
    try {
      // The per-vhost connection and channel lists are not paged by the API: ask for names only.
      const [vhosts, connections, channels, consumers] = await Promise.all([
        this.management.get<{ name: string; messages?: number }[]>('/vhosts', { columns: 'name,messages' }),
        this.management.get<unknown[]>(`/vhosts/${path}/connections`, { columns: 'name' }),
        this.management.get<unknown[]>(`/vhosts/${path}/channels`, { columns: 'name' }),
        this.management.get<unknown[]>(`/consumers/${path}`, { columns: 'consumer_tag' }),
      ])
      const scopes = vhosts.map((v) => ({ name: v.name, items: typeof v.messages === 'number' ? v.messages : null }))
      if (!scopes.some((v) => v.name === vhost)) scopes.push({ name: vhost, items: null })
      scopes.sort((a, b) => a.name.localeCompare(b.name))
      this.managementProblem = null
      return {
        ...unknown,
        scopes,
        counts: { connections: connections.length, channels: channels.length, consumers: consumers.length, scope: `vhost ${vhost}` },
      }
    } catch (err) {
      if (err instanceof QsError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'AUTH_FAILED' || err.code === 'NOT_FOUND')) {
        this.managementProblem = err.message
        return { ...unknown, warnings: [`other vhosts and the connection counts need the management API: ${this.managementWarning()}`] }
      }
      throw err
    }
  }

  /** Counts and rates of every queue in the vhost, from the management API (page_size 500). */
  async sample(): Promise<Map<string, SourceSample>> {
    const queues = await this.management.getAllPages<SampledQueue>(`/queues/${vhostPath(this.target.vhost)}`, { columns: SAMPLE_COLUMNS })
    const at = Date.now()
    const samples = new Map<string, SourceSample>()
    for (const q of queues) {
      const stats = q.message_stats
      samples.set(`queue:${q.name}`, {
        at,
        ready: q.messages_ready ?? null,
        unacked: q.messages_unacknowledged ?? null,
        consumers: q.consumers ?? null,
        consumerCapacity: capacityOf(q.consumer_capacity),
        publishRate: stats?.publish_details?.rate ?? null,
        deliverRate: stats?.deliver_get_details?.rate ?? null,
        ackRate: stats?.ack_details?.rate ?? null,
      })
    }
    return samples
  }

  async listSources(options: ListOptions = {}): Promise<SourceList> {
    const vhost = vhostPath(this.target.vhost)
    const query = { name: options.filter, use_regex: options.filter ? false : undefined }
    let queues: ManagementQueue[]
    let exchanges: ManagementExchange[]
    let paging: SourceList['paging']
    const { page } = options
    const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    try {
      const queuesPage = async (): Promise<ManagementQueue[]> => {
        if (page === undefined) return this.management.getAllPages<ManagementQueue>(`/queues/${vhost}`, { ...query, columns: QUEUE_COLUMNS })
        const ask = (p: number) =>
          this.management.get<Page<ManagementQueue>>(`/queues/${vhost}`, { ...query, columns: QUEUE_COLUMNS, page: p, page_size: pageSize })
        // Past the last page (queues deleted since page 1 was read) the API answers 400: an empty page.
        const result = await ask(page).catch(async (err: unknown) => {
          if (!(page > 1 && err instanceof QsError && /page out of range/i.test(err.message))) throw err
          return { ...(await ask(1)), page, items: [] }
        })
        paging = { page, pageCount: result.page_count, pageSize, total: result.filtered_count }
        return result.items
      }
      ;[queues, exchanges] = await Promise.all([
        queuesPage(),
        page === undefined || page === 1
          ? this.management.getAllPages<ManagementExchange>(`/exchanges/${vhost}`, { ...query, columns: EXCHANGE_COLUMNS })
          : Promise.resolve([]),
      ])
      this.managementProblem = null
    } catch (err) {
      if (err instanceof QsError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'AUTH_FAILED')) {
        this.managementProblem = err.message
        return {
          items: await this.watchedQueues(options.filter),
          warnings: [this.managementWarning(), this.watchHint()],
          scope: `vhost ${this.target.vhost}`,
          listedAt: Date.now(),
        }
      }
      throw err
    }
    const items: SourceItem[] = [
      ...queues.map((q) => toQueueItem(q)),
      ...exchanges.map((e): SourceItem => ({
        kind: 'exchange',
        name: e.name,
        exchangeType: e.type,
        durable: e.durable ?? false,
        internal: e.internal ?? false,
        messages: null,
        consumers: null,
      })),
    ]
    const list: SourceList = { items, warnings: [], scope: `vhost ${this.target.vhost}`, listedAt: Date.now() }
    if (paging) list.paging = paging
    return list
  }

  async publish(request: PublishRequestParsed): Promise<PublishResult> {
    const ref = parseSourceRef(request.target)
    if (ref.kind !== 'queue' && ref.kind !== 'exchange') {
      throw new QsError('BAD_REQUEST', `RabbitMQ cannot publish to ${ref.kind}:…; use queue:<name> or exchange:<name>`)
    }
    const exchange = ref.kind === 'exchange' ? ref.name : ''
    const routingKey = ref.kind === 'queue' ? ref.name : (request.routingKey ?? '')
    const content = Buffer.from(request.body, request.encoding)
    const options = toPublishOptions(request.properties, request.headers)
    // One publish at a time per adapter, so a basic.return can only belong to the publish in flight.
    const run = this.publishQueue.then(() => this.publishOne(exchange, routingKey, content, options))
    this.publishQueue = run.catch(() => undefined)
    return run
  }

  async peek(request: PeekRequestParsed, consent: ReadConsent = NO_CONSENT): Promise<PeekResult> {
    const ref = parseSourceRef(request.source)
    if (ref.kind !== 'queue') {
      throw new QsError('BAD_REQUEST', `RabbitMQ can browse queues only (queue:<name>), not ${ref.kind}:…; exchanges hold no messages`)
    }
    const warnings: string[] = []
    // While the management API says what kind of queue this is, a channel is made ready and the
    // queue's ready count read (after the previous browse has returned its messages): the page
    // then costs one consume round trip more, not four (bench/browse.bench.ts).
    const channel = this.connection ? this.takeChannel() : null
    const declared = channel ? this.settling.then(() => channel).then((ch) => ch.checkQueue(ref.name)) : null
    declared?.catch(() => undefined)
    const prepared = channel && declared ? { channel, declared } : undefined
    try {
      const info = await this.queueInfo(ref.name, warnings)
      if (info?.type === 'stream') return await this.peekStream(ref.name, request.count, request.from ?? { type: 'first' }, warnings, prepared)
      if (request.from) warnings.push('"from" applies to stream queues only; this queue is browsed from its head')
      try {
        // A classic queue has no delivery limit to watch message by message: read the page with one
        // prefetch-limited consumer instead of N basic.get round trips.
        if (info?.type === 'classic') return await this.peekClassic(ref.name, request.count, warnings, prepared)
        // Type unknown (no management API): the gets run on a connection of their own (below).
        if (info === null) void channel?.then((ch) => ch.close()).catch(() => undefined)
        return await this.peekQueue(ref.name, request, consent, info, warnings, info === null ? undefined : prepared)
      } catch (err) {
        // Without the management API we cannot know the type up front. A stream refuses basic.get
        // by closing the whole *connection* (540), so that get ran on a connection of its own.
        if (!info && err instanceof QsError && err.code === 'UNSUPPORTED' && /stream/i.test(String(err.detail))) {
          return await this.peekStream(ref.name, request.count, request.from ?? { type: 'first' }, warnings)
        }
        throw err
      }
    } catch (err) {
      // The lookup failed before the channel was used (a missing queue): close it.
      void channel?.then((ch) => ch.close()).catch(() => undefined)
      throw err
    } finally {
      this.prepareSpareChannel()
    }
  }

  /** The channel made ready after the last browse, or a new one; either way used for one browse only. */
  private takeChannel(): Promise<amqp.Channel> {
    const spare = this.spareChannel
    this.spareChannel = null
    return spare ?? this.openQuietChannel()
  }

  private prepareSpareChannel(): void {
    if (this.spareChannel || !this.connection || this.closing) return
    const opening = this.openQuietChannel()
    this.spareChannel = opening
    opening.catch(() => {
      if (this.spareChannel === opening) this.spareChannel = null
    })
  }

  private openQuietChannel(): Promise<amqp.Channel> {
    if (!this.connection) return Promise.reject(new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed'))
    return this.connection.createChannel().then((ch) => {
      ch.on('error', () => undefined) // each user listens for its own errors
      return ch
    })
  }

  /**
   * A replay or export reader over one queue. Streams are read by an offset consumer (copy only,
   * from the first offset); classic and quorum queues by a consumer (RabbitQueueReader). A quorum
   * queue with a delivery limit follows the read rule (delivery-limit.ts): admitted by purpose and
   * consent, and read by basic.get (RabbitGetReader) so the read stops at the first message one
   * attempt from the limit, unless the read takes everything it reads (a plain move).
   */
  async openReader(source: SourceRef, options: ReaderOptions = {}): Promise<BatchReader> {
    if (source.kind !== 'queue') throw new QsError('BAD_REQUEST', `RabbitMQ reads messages from queues (queue:<name>), not ${source.kind}:…`)
    await this.settling
    if (!this.connection) throw new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed')
    const purpose = options.purpose ?? 'copy'
    const info = await this.queueInfo(source.name, [])
    const stream = info ? info.type === 'stream' : await this.streamWithoutManagement(source.name)
    const limited = stream ? null : this.limitedQueue(source.name, info)
    if (limited) admitRead(limited, options.consent ?? NO_CONSENT, purpose)
    const describe = (err: unknown): QsError => this.queueError(err, source.name)
    const step: Step = (work, what) => this.step(work, source.name, what)
    // The lookups above waited: the connection may have gone meanwhile.
    const connection = this.connection
    if (!connection) throw new QsError('NOT_CONNECTED', 'the RabbitMQ connection closed while the reader was opening')
    const heldElsewhere = stream ? null : (info?.unacked ?? null)
    if (limited && purpose !== 'consume') return RabbitGetReader.open(connection, limited, { limit: options.limit, purpose, step, heldElsewhere }, describe)
    // AMQP's prefetch counts messages only: a byte budget becomes a count by the queue's average size.
    // Without the average (no management API, or statistics not in yet) the reader measures the
    // first messages it reads instead.
    let window = options.window
    const sized = Boolean(info?.messages && info.messageBytes)
    if (options.windowBytes !== undefined && sized) {
      const average = info!.messageBytes! / info!.messages!
      window = Math.max(1, Math.min(window ?? Number.POSITIVE_INFINITY, Math.floor(options.windowBytes / average)))
    }
    return RabbitQueueReader.open(
      connection,
      source.name,
      { ...options, window, stream, available: info?.messages ?? null, sizeUnknown: !sized, step, heldElsewhere },
      describe,
    )
  }

  /**
   * Whether a queue is a stream, when the management API cannot say. Over AMQP a stream looks like
   * any queue: its message count is 0 until the broker's stream statistics first come in (every
   * 5 s), its length after. Read as a classic queue it goes wrong either way: a count of 0 ends a
   * replay or export at once, and a consumer without `x-stream-offset` starts at the stream's end
   * and reads nothing. A stream refuses basic.get by closing the whole connection (540), so one
   * basic.get on a connection of its own tells. On a classic or quorum queue that get takes the
   * head message, which goes straight back (requeued, as a browse returns its messages: marked
   * redelivered, and on a quorum queue one delivery attempt); the replay or export that follows
   * reads it again anyway.
   */
  private async streamWithoutManagement(name: string): Promise<boolean> {
    const key = this.queueKey(name)
    const known = probedStreams.get(key)
    if (known !== undefined) return known
    // A queue known to be quorum is not probed again: the get would spend another attempt.
    if (isKnownQuorum(key)) return false
    let stream: boolean
    try {
      stream = await this.withThrowAwayChannel(
        name,
        async (ch) => {
          const got = await this.step(ch.get(name, { noAck: false }), name, 'basic.get')
          if (got) {
            ch.nack(got, false, true)
            // x-delivery-count: a quorum queue, whose limit the rule must weigh before any read.
            const headers = got.properties.headers as Record<string, unknown> | undefined
            if (headers && 'x-delivery-count' in headers) rememberQuorum(key)
          }
          return false
        },
        { ownConnection: true },
      )
    } catch (err) {
      if (!(err instanceof QsError && err.code === 'UNSUPPORTED' && /basic\.get not supported by stream/i.test(String(err.detail)))) throw err
      stream = true
    }
    // Only a stream is remembered: a queue found empty may turn out to be quorum later.
    if (stream) probedStreams.set(key, true)
    return stream
  }

  /** Live tail of an exchange (a queue of its own bound to it) or a stream queue, on a channel of its own. */
  async openTail(source: SourceRef, options: TailOptions, sink: TailSink): Promise<TailHandle> {
    if (!this.connection) throw new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed')
    return openRabbitTail({ connection: this.connection, management: this.management, vhost: this.target.vhost }, source, options, sink).catch(
      (err: unknown) => {
        throw amqpLinkError(err, { where: this.where }) ?? err
      },
    )
  }

  /**
   * A replay writer: a confirm channel on a connection of its own (closed with the writer),
   * `mandatory` on every message, many in flight. Its own connection because RabbitMQ's flow
   * control stops reading a whole connection while one of its publishers outpaces a queue: on the
   * shared connection that would also hold back the source's acknowledgements, and with them the
   * next deliveries (RabbitMQ's advice: separate connections for publishing and consuming).
   */
  async openWriter(): Promise<TargetWriter> {
    if (!this.connection) throw new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed')
    let connection: amqp.ChannelModel
    try {
      connection = await this.openConnection('Queuescope replay (publishing)')
    } catch (err) {
      throw amqpConnectError(err, this.target)
    }
    // An unhandled 'error' would crash the process; the writer's channel reports the loss on close.
    connection.on('error', () => undefined)
    try {
      return await RabbitWriter.open(
        connection,
        this.target.vhost,
        () => this.blocked,
        () => closeWithin(connection, CLOSE_TIMEOUT_MS),
      )
    } catch (err) {
      await closeWithin(connection, CLOSE_TIMEOUT_MS)
      throw amqpConnectError(err, this.target)
    }
  }

  async purge(source: SourceRef): Promise<PurgeResult> {
    if (source.kind !== 'queue') throw new QsError('BAD_REQUEST', `RabbitMQ can purge queues only (queue:<name>), not ${source.kind}:…`)
    const info = await this.queueInfo(source.name, [])
    // queue.purge on a stream closes the whole connection (540 NOT_IMPLEMENTED): refuse it first.
    if (info?.type === 'stream') {
      throw new QsError('UNSUPPORTED', `queue "${source.name}" is a stream: RabbitMQ cannot purge streams (use retention: x-max-length-bytes / x-max-age)`)
    }
    // Type unknown (no management API): purge on a connection of its own, so a stream cannot take ours down.
    return this.withThrowAwayChannel(
      source.name,
      async (ch) => {
        const { messageCount } = await this.step(ch.purgeQueue(source.name), source.name, 'queue.purge', true)
        return { purged: messageCount }
      },
      { ownConnection: info === null },
    ).catch((err: unknown) => {
      throw writeInDoubt(err)
    })
  }

  /** The queue's type and delivery limit from the management API; null when it is unavailable. */
  private async queueInfo(name: string, warnings: string[]): Promise<QueueInfo | null> {
    let q: ManagementQueue
    try {
      q = await this.management.get<ManagementQueue>(`/queues/${vhostPath(this.target.vhost)}/${encodeURIComponent(name)}`)
    } catch (err) {
      if (err instanceof QsError && err.code === 'NOT_FOUND') throw this.missingQueue(name, err.message)
      if (err instanceof QsError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'AUTH_FAILED')) {
        warnings.push(`the management API is unavailable (${err.message}), so the queue type and any delivery limit are unknown`)
        return null
      }
      throw err
    }
    const type = q.type ?? 'classic'
    const policy = q.effective_policy_definition
    const deliveryLimit =
      type === 'quorum'
        ? effectiveDeliveryLimit({
            arguments: q.arguments ?? {},
            effectivePolicy: policy && !Array.isArray(policy) ? policy : {},
            reported: q.delivery_limit,
            serverMajor: this.serverMajor,
          })
        : null
    return { type, deliveryLimit, messages: q.messages ?? null, messageBytes: q.message_bytes ?? null, unacked: q.messages_unacknowledged ?? null }
  }

  /**
   * Classic queues: on a throw-away channel, a passive declare says how many are ready, then a
   * consumer with prefetch = that many (at most `count`) receives them in queue order; all are
   * returned with one nack(requeue). Anything delivered after we stop (a consumer took some
   * meanwhile) is returned when the channel closes: nothing is ever acked.
   */
  private async peekClassic(name: string, count: number, warnings: string[], prepared?: PreparedChannel): Promise<PeekResult> {
    return this.withThrowAwayChannel(
      name,
      async (ch) => {
        const { messageCount } = await this.step(prepared?.declared ?? ch.checkQueue(name), name, 'a passive declare')
        const expected = Math.min(count, messageCount)
        if (expected === 0) return { messages: [], warnings }
        await this.step(ch.prefetch(expected), name, 'basic.qos')
        const received: amqp.ConsumeMessage[] = []
        // Our own tag: a delivery can arrive in the same read as consume-ok, before its promise settles.
        const consumerTag = browseTag()
        await new Promise<void>((resolve, reject) => {
          // Other consumers may take messages between the declare and our consume: stop when idle.
          let idle: NodeJS.Timeout = setTimeout(resolve, STREAM_FIRST_WAIT_MS)
          ch.consume(
            name,
            (message) => {
              if (message === null) {
                clearTimeout(idle)
                resolve()
                return
              }
              received.push(message)
              clearTimeout(idle)
              if (received.length >= expected) resolve()
              else idle = setTimeout(resolve, STREAM_IDLE_MS)
            },
            { noAck: false, consumerTag },
          ).catch((err: unknown) => {
            clearTimeout(idle)
            reject(err)
          })
        })
        // Not awaited: the cancel goes out before the nack (frames keep their order on a channel),
        // so nothing is redelivered to us, and the reply is waited for while the channel closes.
        ch.cancel(consumerTag).catch(() => undefined)
        const last = received.at(-1)
        if (last) ch.nack(last, true, true)
        if (received.length > 0) warnings.push(REQUEUE_WARNING)
        const budget = new DisplayBudget()
        return { messages: received.map((m, i) => toPeekedMessage(m, String(i + 1), budget)), warnings }
      },
      { settleInBackground: true, channel: prepared?.channel },
    )
  }

  /**
   * Quorum (and unknown-type) queues: basic.get up to `count` on a throw-away channel, then
   * nack(requeue) them all at once. A queue with a delivery limit follows the read rule
   * (delivery-limit.ts): admitted first, and the page stops at the first message one attempt from
   * the limit.
   */
  private async peekQueue(
    name: string,
    request: PeekRequestParsed,
    consent: ReadConsent,
    info: QueueInfo | null,
    warnings: string[],
    prepared?: PreparedChannel,
  ): Promise<PeekResult> {
    const limited = this.limitedQueue(name, info)
    if (limited) admitRead(limited, consent, 'browse')
    return this.withThrowAwayChannel(
      name,
      async (ch) => {
        const fetched: amqp.GetMessage[] = []
        let atRisk: QsError | null = null
        let sawDeliveryCount = false
        while (fetched.length < request.count) {
          const message = await this.step(ch.get(name, { noAck: false }), name, 'basic.get')
          if (message === false) break
          fetched.push(message)
          const headers = message.properties.headers as Record<string, unknown> | undefined
          if (headers && 'x-delivery-count' in headers) sawDeliveryCount = true
          // Stop fetching at once: every further get spends an attempt on another message too.
          atRisk = limited ? deliveryAtRisk(limited, deliveryCountOf(headers), describeMessage(message, fetched.length), 'browse') : null
          if (atRisk) break
          // Type unknown and it carries x-delivery-count: a quorum queue, limit unknown. Without the
          // user's say, stop here (from now on the rule decides before anything is fetched).
          if (!info && sawDeliveryCount && !limited && !(consent.acceptDeliveryLimitRisk && !consent.readOnly)) break
        }
        const last = fetched.at(-1)
        // All together, never reject: the throw-away channel holds nothing else.
        if (last) ch.nack(last, true, true)
        if (atRisk) throw atRisk

        if (!info && sawDeliveryCount && !limited) {
          rememberQuorum(this.queueKey(name))
          // The first time the page read so far is refused after the fact (it spent an attempt on
          // the messages fetched); from now on the rule asks before anything is fetched.
          admitRead(this.limitedQueue(name, info)!, consent, 'browse')
        }

        if (fetched.length > 0) warnings.push(REQUEUE_WARNING)
        const limit = limited?.limit ?? null
        if (limit !== null && fetched.length > 0) {
          const highest = Math.max(...fetched.map((m) => deliveryCountOf(m.properties.headers as Record<string, unknown> | undefined)))
          warnings.push(`this browse spent one delivery attempt per message shown: the highest delivery count is now ${highest + 1} of a limit of ${limit}`)
        }
        const budget = new DisplayBudget()
        return { messages: fetched.map((m, i) => toPeekedMessage(m, String(i + 1), budget)), warnings }
      },
      info === null ? { ownConnection: true } : { channel: prepared?.channel },
    )
  }

  /** Broker, vhost and queue: how process-wide memories (latch, probed types) name a queue. */
  private queueKey(name: string): string {
    return limitedQueueKey(this.target.host, this.target.port, this.target.vhost, name)
  }

  /**
   * The queue as the delivery-limit rule sees it: a quorum queue with a limit (from the management
   * API), or one known to be quorum without a known limit (no management API, but a read saw
   * x-delivery-count); null when returning a message can never drop it.
   */
  private limitedQueue(name: string, info: QueueInfo | null): LimitedQueue | null {
    const key = this.queueKey(name)
    if (info) return info.type === 'quorum' && info.deliveryLimit !== null ? { name, limit: info.deliveryLimit, key, serverMajor: this.serverMajor } : null
    return isKnownQuorum(key) ? { name, limit: null, key, serverMajor: this.serverMajor } : null
  }

  /** Stream queues: no basic.get; an offset consumer with prefetch, cancelled once the page is full or idle. */
  private async peekStream(name: string, count: number, from: StreamFrom, warnings: string[], prepared?: PreparedChannel): Promise<PeekResult> {
    return this.withThrowAwayChannel(
      name,
      async (ch) => {
        await this.step(ch.prefetch(Math.min(count, 65_535)), name, 'basic.qos')
        const offsetArg =
          from.type === 'offset' ? from.value : from.type === 'timestamp' ? { '!': 'timestamp', value: Math.floor(from.value / 1000) } : from.type
        const collected: amqp.ConsumeMessage[] = []
        const consumerTag = browseTag()
        await new Promise<void>((resolve, reject) => {
          let timer: NodeJS.Timeout = setTimeout(resolve, STREAM_FIRST_WAIT_MS)
          const finish = (): void => {
            clearTimeout(timer)
            resolve()
          }
          ch.consume(
            name,
            (message) => {
              if (message === null) return finish() // cancelled by the broker (queue deleted)
              const offset = streamOffsetOf(message)
              // The broker starts at the chunk holding the offset; skip anything before it.
              if (from.type === 'offset' && belowStart(offset, from.value)) {
                ch.ack(message)
                return
              }
              if (collected.length >= count) return
              collected.push(message)
              if (collected.length >= count) return finish()
              clearTimeout(timer)
              timer = setTimeout(resolve, STREAM_IDLE_MS)
            },
            { noAck: false, consumerTag, arguments: { 'x-stream-offset': offsetArg } },
          ).catch((err: unknown) => {
            clearTimeout(timer)
            reject(err)
          })
        })
        await this.step(ch.cancel(consumerTag), name, 'basic.cancel')
        // On a stream an ack only returns credit; nothing is removed.
        ch.ackAll()
        if (from.type === 'timestamp')
          warnings.push('a stream starts from the first chunk written at or after the timestamp (whole seconds), so a few earlier messages may show')
        const budget = new DisplayBudget()
        return {
          messages: collected.slice(0, count).map((m) => {
            const offset = streamOffsetOf(m)
            return toPeekedMessage(m, offset === undefined ? '?' : String(offset), budget)
          }),
          warnings,
        }
      },
      { channel: prepared?.channel },
    )
  }

  /**
   * Runs `work` on a channel of its own and closes it: a failed operation (404 and friends) closes
   * only that channel, never the connection or the publish channel (docs/broker-facts.md).
   */
  /**
   * @param options.settleInBackground the work nacked (requeued) what it fetched: return its
   *   result at once and let the channel close — which waits for the broker to finish requeueing,
   *   ~45 ms for 100 messages at the head of a 1,000,000-message classic queue — in the
   *   background. The next throw-away channel waits for it, so a following browse or purge always
   *   sees every message back in the queue.
   */
  private async withThrowAwayChannel<T>(
    queue: string,
    work: (ch: amqp.Channel) => Promise<T>,
    options: { ownConnection?: boolean; settleInBackground?: boolean; channel?: Promise<amqp.Channel> } = {},
  ): Promise<T> {
    await this.settling
    if (!this.connection) throw new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed')
    let connectionError: Error | null = null
    let own: amqp.ChannelModel | null = null
    if (options.ownConnection) {
      try {
        own = await this.openConnection('Queuescope (probe)')
      } catch (err) {
        throw amqpConnectError(err, this.target)
      }
      own.on('error', (err: Error) => {
        connectionError = err
      })
    }
    let closed = false
    let channelError: Error | null = null
    try {
      const ch = await this.step(options.channel ?? (own ?? this.connection).createChannel(), queue, 'a channel open')
      ch.on('error', (err: Error) => {
        channelError = err
      })
      ch.on('close', () => {
        closed = true
      })
      let background = false
      try {
        const result = await work(ch)
        background = options.settleInBackground === true && !own && !closed
        return result
      } finally {
        if (background) this.settling = this.closeChannel(ch)
        else if (!closed) await this.closeChannel(ch)
      }
    } catch (err) {
      throw this.queueError(channelError ?? connectionError ?? err, queue)
    } finally {
      if (own) await own.close().catch(() => undefined)
    }
  }

  /**
   * One step of a browse, read or purge, bounded by the request deadline: a broker that keeps its
   * connection alive (heartbeats flow) while a queue does not answer (a stuck or overloaded queue
   * process) would otherwise hold the call for ever. What was fetched before goes back when the
   * channel closes; `wrote` says whether the step may have changed the queue.
   */
  private step<T>(work: Promise<T>, queue: string, what: string, wrote = false): Promise<T> {
    const ms = this.timeouts.requestMs
    const outcome = wrote ? 'it may or may not have been done (in doubt)' : 'nothing was consumed; messages already fetched go back to the queue'
    return withDeadline(work, ms, () => new QsError('TIMEOUT', `queue "${queue}" on ${this.where} did not answer ${what} within ${seconds(ms)}: ${outcome}`))
  }

  /** Closes a channel, waiting at most the request deadline (a stuck queue can hold the close-ok). */
  private closeChannel(ch: amqp.Channel): Promise<void> {
    return withDeadline(
      ch.close().then(() => undefined),
      this.timeouts.requestMs,
      () => new Error('close timed out'),
    ).catch(() => undefined)
  }

  private missingQueue(name: string, detail: string): QsError {
    return new QsError('NOT_FOUND', `queue "${name}" does not exist in vhost "${this.target.vhost}"`, detail)
  }

  private queueError(err: unknown, queue: string): QsError {
    const lost = amqpLinkError(err, { where: this.where })
    if (lost) return lost
    if (err instanceof QsError) return err
    const text = messageOf(err)
    if (/NOT.FOUND/i.test(text)) return this.missingQueue(queue, text)
    if (/ACCESS.REFUSED/i.test(text)) return new QsError('AUTH_FAILED', `the user may not read queue "${queue}"`, text)
    if (/NOT.IMPLEMENTED|not supported/i.test(text)) return new QsError('UNSUPPORTED', `queue "${queue}": ${text}`, text)
    // The connection went away while the call ran (it may have failed on what was left of it).
    if (!this.connection) return new QsError('NOT_CONNECTED', `the connection to ${this.where} closed during the call`, text)
    return new QsError('BROKER_ERROR', `queue "${queue}": ${text}`, text)
  }

  private async channel(): Promise<amqp.ConfirmChannel> {
    if (!this.connection) throw new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed')
    if (!this.confirmChannel) {
      const connection = this.connection
      const opening = connection.createConfirmChannel().then((ch) => {
        ch.on('error', () => undefined)
        ch.on('close', () => {
          if (this.confirmChannel === opening) this.confirmChannel = null
        })
        return ch
      })
      this.confirmChannel = opening
      opening.catch(() => {
        if (this.confirmChannel === opening) this.confirmChannel = null
      })
    }
    return this.confirmChannel
  }

  private async publishOne(exchange: string, routingKey: string, content: Buffer, options: amqp.Options.Publish): Promise<PublishResult> {
    const ms = this.timeouts.requestMs
    let ch: amqp.ConfirmChannel
    try {
      ch = await withDeadline(this.channel(), ms, () => new QsError('TIMEOUT', `${this.where} did not open a channel within ${seconds(ms)}; nothing was sent`))
    } catch (err) {
      throw writeInDoubt(amqpLinkError(err, { where: this.where, write: true, sent: false }) ?? publishError(err, exchange, this.target.vhost))
    }
    let returned: amqp.Message | null = null
    let channelError: Error | null = null
    let sent = false
    const onReturn = (message: amqp.Message): void => {
      returned = message
    }
    const onError = (err: Error): void => {
      channelError = err
    }
    ch.on('return', onReturn)
    ch.on('error', onError)
    let timer: NodeJS.Timeout | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        const lost = (): QsError => new QsError('NOT_CONNECTED', `the channel to ${this.where} closed before the broker confirmed the message; ${IN_DOUBT}`)
        const onClose = (): void => reject(channelError ?? lost())
        ch.once('close', onClose)
        ch.publish(exchange, routingKey, content, { ...options, mandatory: true }, (err: unknown) => {
          clearTimeout(timer)
          ch.off('close', onClose)
          // amqplib calls back with "channel closed" for every unconfirmed message when the channel goes.
          if (err) reject(channelError ?? (messageOf(err) === 'message nacked' ? new QsError('BROKER_ERROR', 'the broker refused the message (nack)') : lost()))
          else resolve()
        })
        sent = true
        timer = setTimeout(() => {
          ch.off('close', onClose)
          // A late confirm or return must not be taken for the next publish's: use a fresh channel.
          this.confirmChannel = null
          ch.close().catch(() => undefined)
          reject(new QsError('TIMEOUT', `${this.where} did not confirm the message within ${seconds(ms)}; ${IN_DOUBT}`))
        }, ms)
      })
    } catch (err) {
      throw amqpLinkError(err, { where: this.where, write: true, sent }) ?? publishError(err, exchange, this.target.vhost)
    } finally {
      clearTimeout(timer)
      ch.off('return', onReturn)
      ch.off('error', onError)
    }
    // basic.return arrives before the confirm (docs/broker-facts.md): an ack alone does not prove delivery.
    const bounced = returned as amqp.Message | null
    if (bounced) {
      const reply = (bounced.fields as { replyText?: string }).replyText ?? 'NO_ROUTE'
      return { routed: false, reason: reply }
    }
    return { routed: true }
  }
}

function publishError(err: unknown, exchange: string, vhost: string): QsError {
  if (err instanceof QsError) return err
  const text = messageOf(err)
  if (/NOT.FOUND/i.test(text)) {
    return new QsError('NOT_FOUND', `exchange "${exchange}" does not exist in vhost "${vhost}"`, text)
  }
  if (/ACCESS.REFUSED/i.test(text)) {
    return new QsError('AUTH_FAILED', `the user may not publish to exchange "${exchange || '(default)'}"`, text)
  }
  return new QsError('BROKER_ERROR', text)
}

function streamOffsetOf(message: amqp.Message): number | undefined {
  const raw = (message.properties.headers as Record<string, unknown> | undefined)?.['x-stream-offset']
  return typeof raw === 'number' ? raw : undefined
}

/** A delivered message as the contract shows it: body, properties, headers and decoded x-death. */
function toPeekedMessage(message: amqp.Message, id: string, budget: DisplayBudget): PeekedMessage {
  const rawHeaders = message.properties.headers as Record<string, unknown> | undefined
  const shown = browsedBody(message.content, (message.properties as { contentEncoding?: string }).contentEncoding, budget)
  // Field by field: V8 takes ~20x longer over an object spread followed by more fields.
  const out: PeekedMessage = {
    id,
    body: shown.body,
    encoding: shown.encoding,
    size: shown.size,
    properties: toMessageProperties(message.properties as unknown as Record<string, unknown>),
    headers: toHeaders(rawHeaders),
    redelivered: message.fields.redelivered,
  }
  if (shown.shownBytes !== undefined) out.shownBytes = shown.shownBytes
  if (shown.decoded) out.decoded = shown.decoded
  if (rawHeaders && 'x-delivery-count' in rawHeaders) out.deliveryCount = deliveryCountOf(rawHeaders)
  const offset = streamOffsetOf(message)
  if (offset !== undefined) out.streamOffset = offset
  const xDeath = decodeXDeath(rawHeaders?.['x-death'])
  if (xDeath) out.xDeath = xDeath
  return out
}

/** What the management API says of one queue, as browsing and reading need it. */
interface QueueInfo {
  type: string
  /** Quorum queues: the limit that applies; null when none does. */
  deliveryLimit: number | null
  messages: number | null
  messageBytes: number | null
  /** Delivered to consumers and not acknowledged yet (the management API's statistics: up to 5 s old). */
  unacked: number | null
}

/** A browse channel opened ahead (see peek) and its passive declare, already on the wire. */
interface PreparedChannel {
  channel: Promise<amqp.Channel>
  declared: Promise<{ messageCount: number }>
}

/** Consumer tags of our own, known before consume-ok (a delivery may arrive in the same read). */
function browseTag(): string {
  return `queuescope-browse-${randomUUID()}`
}

/** "message 3 (message-id m-1)" — enough for a user to find it. */
function describeMessage(message: amqp.Message, position: number): string {
  const id = (message.properties as { messageId?: unknown }).messageId
  return `message ${position} of the page${typeof id === 'string' && id ? ` (message-id ${id})` : ''}`
}

/** RabbitMQ reports consumer capacity as 0..1 (older versions: `consumer_utilisation`); anything else is "no data". */
function capacityOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : null
}

function toQueueItem(q: ManagementQueue): SourceItem {
  const args = q.arguments ?? {}
  const dlx = args['x-dead-letter-exchange']
  const dlrk = args['x-dead-letter-routing-key']
  return {
    kind: 'queue',
    name: q.name,
    queueType: q.type ?? 'classic',
    messages: q.messages ?? null,
    ready: q.messages_ready ?? null,
    unacked: q.messages_unacknowledged ?? null,
    consumers: q.consumers ?? null,
    consumerCapacity: capacityOf(q.consumer_capacity),
    state: q.state ?? null,
    durable: q.durable ?? false,
    deadLetterExchange: typeof dlx === 'string' ? dlx : null,
    deadLetterRoutingKey: typeof dlrk === 'string' ? dlrk : null,
  }
}
