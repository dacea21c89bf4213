import * as amqp from 'amqplib'
import { QsError } from '../../../shared/errors'
import type { ConnectionTarget } from '../../../shared/connection-url'
import type { SourceItem, SourceList } from '../../../shared/model'
import type { PublishRequestParsed, PublishResult } from '../../../shared/publish'
import { parseSourceRef } from '../../../shared/source-ref'
import type { BrokerAdapter, ConnectInfo, ListOptions } from '../adapter'
import { messageOf, networkError } from '../errors'
import { toPublishOptions } from './amqp-properties'
import {
  ENABLE_MANAGEMENT_HINT,
  ManagementClient,
  vhostPath,
  type ManagementExchange,
  type ManagementQueue,
} from './management.client'

type RabbitTarget = Extract<ConnectionTarget, { broker: 'rabbitmq' }>

const QUEUE_COLUMNS = 'name,type,messages,messages_ready,messages_unacknowledged,consumers,state,durable,arguments'
const EXCHANGE_COLUMNS = 'name,type,durable,internal'

/** AMQP connection errors into the user's words (BROKER-NOTES.md: RabbitMQ). */
export function amqpConnectError(err: unknown, target: RabbitTarget): QsError {
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

export class RabbitMqAdapter implements BrokerAdapter {
  readonly broker = 'rabbitmq' as const
  private connection: amqp.ChannelModel | null = null
  private confirmChannel: Promise<amqp.ConfirmChannel> | null = null
  private publishQueue: Promise<unknown> = Promise.resolve()
  private readonly management: ManagementClient
  private managementProblem: string | null = null
  private lostListener: ((error: Error) => void) | null = null
  private closing = false

  constructor(
    private readonly target: RabbitTarget,
    password: string | null,
  ) {
    this.password = password ?? 'guest'
    this.management = new ManagementClient(target.managementUrl, target.username, this.password)
  }

  private readonly password: string

  async connect(): Promise<ConnectInfo> {
    const t = this.target
    try {
      this.connection = await amqp.connect(
        {
          protocol: t.tls ? 'amqps' : 'amqp',
          hostname: t.host,
          port: t.port,
          username: t.username,
          password: this.password,
          vhost: t.vhost,
          heartbeat: 30,
        },
        { timeout: 10_000, clientProperties: { connection_name: 'Queuescope' } },
      )
    } catch (err) {
      throw amqpConnectError(err, t)
    }
    const connection = this.connection
    // An unhandled 'error' would crash the process; 'close' follows every error, so report there.
    connection.on('error', () => undefined)
    connection.on('close', (err?: Error) => {
      this.connection = null
      this.confirmChannel = null
      if (!this.closing) this.lostListener?.(err ?? new Error('RabbitMQ closed the connection'))
    })

    const props = connection.connection.serverProperties as { product?: string; version?: string }
    let server = `${props.product ?? 'RabbitMQ'} ${props.version ?? ''}`.trim()
    const warnings: string[] = []
    try {
      const overview = await this.management.get<{ rabbitmq_version?: string; management_version?: string }>('/overview')
      this.managementProblem = null
      if (overview.rabbitmq_version) server = `RabbitMQ ${overview.rabbitmq_version}`
    } catch (err) {
      this.managementProblem = messageOf(err)
      warnings.push(this.managementWarning())
    }
    return { server, warnings }
  }

  onLost(listener: (error: Error) => void): void {
    this.lostListener = listener
  }

  async close(): Promise<void> {
    this.closing = true
    const connection = this.connection
    this.connection = null
    this.confirmChannel = null
    if (connection) await connection.close().catch(() => undefined)
  }

  private managementWarning(): string {
    const problem = (this.managementProblem ?? '').replace(`; ${ENABLE_MANAGEMENT_HINT}`, '')
    return `management API unavailable (${problem}); queues and exchanges cannot be listed without it — ${ENABLE_MANAGEMENT_HINT}`
  }

  async listSources(options: ListOptions = {}): Promise<SourceList> {
    const vhost = vhostPath(this.target.vhost)
    const query = { name: options.filter, use_regex: options.filter ? false : undefined }
    let queues: ManagementQueue[]
    let exchanges: ManagementExchange[]
    try {
      ;[queues, exchanges] = await Promise.all([
        this.management.getAllPages<ManagementQueue>(`/queues/${vhost}`, { ...query, columns: QUEUE_COLUMNS }),
        this.management.getAllPages<ManagementExchange>(`/exchanges/${vhost}`, { ...query, columns: EXCHANGE_COLUMNS }),
      ])
      this.managementProblem = null
    } catch (err) {
      if (err instanceof QsError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'AUTH_FAILED')) {
        this.managementProblem = err.message
        return { items: [], warnings: [this.managementWarning()], scope: `vhost ${this.target.vhost}`, listedAt: Date.now() }
      }
      throw err
    }
    const items: SourceItem[] = [
      ...queues.map((q) => toQueueItem(q)),
      ...exchanges.map(
        (e): SourceItem => ({
          kind: 'exchange',
          name: e.name,
          exchangeType: e.type,
          durable: e.durable ?? false,
          internal: e.internal ?? false,
          messages: null,
          consumers: null,
        }),
      ),
    ]
    return { items, warnings: [], scope: `vhost ${this.target.vhost}`, listedAt: Date.now() }
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

  private async publishOne(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: amqp.Options.Publish,
  ): Promise<PublishResult> {
    const ch = await this.channel()
    let returned: amqp.Message | null = null
    let channelError: Error | null = null
    const onReturn = (message: amqp.Message): void => {
      returned = message
    }
    const onError = (err: Error): void => {
      channelError = err
    }
    ch.on('return', onReturn)
    ch.on('error', onError)
    try {
      await new Promise<void>((resolve, reject) => {
        const onClose = (): void =>
          reject(channelError ?? new QsError('NOT_CONNECTED', 'the channel closed before the broker confirmed the message'))
        ch.once('close', onClose)
        ch.publish(exchange, routingKey, content, { ...options, mandatory: true }, (err: unknown) => {
          ch.off('close', onClose)
          if (err) reject(channelError ?? new QsError('BROKER_ERROR', 'the broker refused the message (nack)'))
          else resolve()
        })
      })
    } catch (err) {
      throw publishError(err, exchange, this.target.vhost)
    } finally {
      ch.off('return', onReturn)
      ch.off('error', onError)
    }
    // basic.return arrives before the confirm (BROKER-NOTES.md): an ack alone does not prove delivery.
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
    state: q.state ?? null,
    durable: q.durable ?? false,
    deadLetterExchange: typeof dlx === 'string' ? dlx : null,
    deadLetterRoutingKey: typeof dlrk === 'string' ? dlrk : null,
  }
}
