import { QsError } from '../../../shared/errors'
import { rabbitRouting, RABBITMQ_DESCRIPTION } from './rabbitmq.capabilities'
import type { BrokerOverview } from '../../../shared/broker-overview'
import type { PeekRequestParsed, PeekResult, PurgeResult } from '../../../shared/messages'
import type { SourceSample } from '../../../shared/metrics'
import type { SourceList } from '../../../shared/model'
import type { PublishRequestParsed, PublishResult } from '../../../shared/publish'
import type { SourceRef } from '../../../shared/source-ref'
import type { SourceDetails } from '../../../shared/topology'
import type { BrokerAdapter, ConnectInfo, ListOptions, TailHandle, TailOptions, TailSink } from '../adapter'
import { amqpLinkError, messageOf } from '../errors'
import { NO_CONSENT, type ReadConsent } from '../read-purpose'
import type { BatchReader, ReaderOptions, TargetWriter } from '../replay'
import { seconds, withDeadline, type BrokerTimeouts } from '../timeouts'
import { browseQueue } from './rabbitmq.browse'
import { RabbitLink, type RabbitTarget } from './rabbitmq.connection'
import { listSources, overview, sample } from './rabbitmq.listing'
import { RabbitPublisher } from './rabbitmq.publish'
import { openQueueReader, openQueueWriter, purgeQueue } from './rabbitmq.replay-io'
import { openRabbitTail } from './rabbitmq.tail'
import { describeSource } from './rabbitmq.topology'

export { amqpConnectError } from './rabbitmq.errors'

/**
 * RabbitMQ behind the adapter interface: one link (AMQP connection, management API, channel
 * pool) that each part works through — listing and sampling (rabbitmq.listing.ts), topology
 * (rabbitmq.topology.ts), browsing by queue type (rabbitmq.browse*.ts), publishing
 * (rabbitmq.publish.ts), replay readers, writers and purge (rabbitmq.replay-io.ts), tails
 * (rabbitmq.tail.ts).
 */
export class RabbitMqAdapter implements BrokerAdapter {
  readonly broker = 'rabbitmq' as const
  readonly description = RABBITMQ_DESCRIPTION
  readonly routing = rabbitRouting
  private readonly link: RabbitLink
  private readonly publisher: RabbitPublisher
  private readonly watchQueues: string[]

  constructor(target: RabbitTarget, password: string | null, options: { watchQueues?: string[]; timeouts?: Partial<BrokerTimeouts> } = {}) {
    this.watchQueues = options.watchQueues ?? []
    this.link = new RabbitLink(target, password, options.timeouts, () => this.publisher.forget())
    this.publisher = new RabbitPublisher(this.link)
  }

  async connect(): Promise<ConnectInfo> {
    const { link } = this
    const started = Date.now()
    const props = await link.open()
    let server = `${props.product ?? 'RabbitMQ'} ${props.version ?? ''}`.trim()
    const warnings: string[] = []
    try {
      // The probe spends what is left of the connect deadline (at least a second, so a slow
      // handshake does not leave it no chance): the management API is optional.
      const left = Math.max(1000, link.timeouts.connectMs - (Date.now() - started))
      const about = await withDeadline(
        link.management.get<{ rabbitmq_version?: string; management_version?: string }>('/overview'),
        left,
        () => new QsError('TIMEOUT', `management API at ${link.target.managementUrl} did not answer within ${seconds(left)}`),
      )
      link.managementProblem = null
      if (about.rabbitmq_version) server = `RabbitMQ ${about.rabbitmq_version}`
    } catch (err) {
      link.managementProblem = messageOf(err)
      warnings.push(link.managementWarning())
    }
    return { server, warnings }
  }

  onLost(listener: (error: Error) => void): void {
    this.link.onLost(listener)
  }

  close(): Promise<void> {
    return this.link.close()
  }

  listSources(options: ListOptions = {}): Promise<SourceList> {
    return listSources(this.link, this.watchQueues, options)
  }

  overview(): Promise<BrokerOverview> {
    return overview(this.link)
  }

  sample(): Promise<Map<string, SourceSample>> {
    return sample(this.link)
  }

  details(source: SourceRef): Promise<SourceDetails> {
    return describeSource(this.link, source)
  }

  publish(request: PublishRequestParsed): Promise<PublishResult> {
    return this.publisher.publish(request)
  }

  peek(request: PeekRequestParsed, consent: ReadConsent = NO_CONSENT): Promise<PeekResult> {
    return browseQueue(this.link, request, consent)
  }

  purge(source: SourceRef): Promise<PurgeResult> {
    return purgeQueue(this.link, source)
  }

  openReader(source: SourceRef, options: ReaderOptions = {}): Promise<BatchReader> {
    return openQueueReader(this.link, source, options)
  }

  openWriter(): Promise<TargetWriter> {
    return openQueueWriter(this.link)
  }

  /** Live tail of an exchange (a queue of its own bound to it) or a stream queue, on a channel of its own. */
  async openTail(source: SourceRef, options: TailOptions, sink: TailSink): Promise<TailHandle> {
    const { link } = this
    const connection = link.requireConnection()
    return openRabbitTail({ connection, management: link.management, vhost: link.target.vhost }, source, options, sink).catch((err: unknown) => {
      throw amqpLinkError(err, { where: link.where }) ?? err
    })
  }
}
