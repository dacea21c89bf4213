import { QsError } from '../../../shared/errors'
import { queueCapabilities } from './rabbitmq.capabilities'
import type { BrokerOverview } from '../../../shared/broker-overview'
import type { SourceSample } from '../../../shared/metrics'
import type { SourceItem, SourceList } from '../../../shared/model'
import type { ListOptions } from '../adapter'
import { MAX_PAGE_SIZE, vhostPath, type ManagementExchange, type ManagementQueue, type Page } from './management.client'
import type { RabbitLink } from './rabbitmq.connection'

const QUEUE_COLUMNS = 'name,type,messages,messages_ready,messages_unacknowledged,consumers,consumer_capacity,state,durable,arguments'
const EXCHANGE_COLUMNS = 'name,type,durable,internal'
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

/** The management API could not be asked (as opposed to answering with an error about the request). */
function managementUnavailable(err: unknown, notFound = false): err is QsError {
  return (
    err instanceof QsError && (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT' || err.code === 'AUTH_FAILED' || (notFound && err.code === 'NOT_FOUND'))
  )
}

/**
 * Every queue and exchange of the vhost from the management API (all pages, or one page of
 * queues); without it, the profile's watched queues over AMQP, with a warning that says why.
 */
export async function listSources(link: RabbitLink, watchQueues: string[], options: ListOptions = {}): Promise<SourceList> {
  const vhost = vhostPath(link.target.vhost)
  const query = { name: options.filter, use_regex: options.filter ? false : undefined }
  let queues: ManagementQueue[]
  let exchanges: ManagementExchange[]
  let paging: SourceList['paging']
  const { page } = options
  const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)
  try {
    const queuesPage = async (): Promise<ManagementQueue[]> => {
      if (page === undefined) return link.management.getAllPages<ManagementQueue>(`/queues/${vhost}`, { ...query, columns: QUEUE_COLUMNS })
      const ask = (p: number) =>
        link.management.get<Page<ManagementQueue>>(`/queues/${vhost}`, { ...query, columns: QUEUE_COLUMNS, page: p, page_size: pageSize })
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
        ? link.management.getAllPages<ManagementExchange>(`/exchanges/${vhost}`, { ...query, columns: EXCHANGE_COLUMNS })
        : Promise.resolve([]),
    ])
    link.managementProblem = null
  } catch (err) {
    if (!managementUnavailable(err)) throw err
    link.managementProblem = err.message
    return {
      items: await watchedQueues(link, watchQueues, options.filter),
      warnings: [link.managementWarning(), watchHint(watchQueues)],
      scope: `vhost ${link.target.vhost}`,
      listedAt: Date.now(),
    }
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
  const list: SourceList = { items, warnings: [], scope: `vhost ${link.target.vhost}`, listedAt: Date.now() }
  if (paging) list.paging = paging
  return list
}

function watchHint(watchQueues: string[]): string {
  return watchQueues.length === 0
    ? 'add queue names to the profile\'s "watched queues" to see their counts over AMQP meanwhile'
    : `showing the ${watchQueues.length} watched queue(s) with counts from a passive declare over AMQP (ready messages and consumers only)`
}

/**
 * Without the management API: each watched queue's counts from a passive declare, each on a
 * throw-away channel, so a missing queue (404 closes the channel) never breaks the connection.
 */
async function watchedQueues(link: RabbitLink, watchQueues: string[], filter?: string): Promise<SourceItem[]> {
  const names = filter ? watchQueues.filter((n) => n.includes(filter)) : watchQueues
  const items: SourceItem[] = []
  for (const name of names) {
    let reply: { messageCount: number; consumerCount: number } | null = null
    try {
      reply = await link.channels.run(name, (ch) => link.channels.step(ch.checkQueue(name), name, 'a passive declare'))
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

/**
 * The vhosts this user may open (with their message counts) and the vhost's connection, channel
 * and consumer counts. Without the management API only the open vhost is known.
 */
export async function overview(link: RabbitLink): Promise<BrokerOverview> {
  const vhost = link.target.vhost
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
      link.management.get<{ name: string; messages?: number }[]>('/vhosts', { columns: 'name,messages' }),
      link.management.get<unknown[]>(`/vhosts/${path}/connections`, { columns: 'name' }),
      link.management.get<unknown[]>(`/vhosts/${path}/channels`, { columns: 'name' }),
      link.management.get<unknown[]>(`/consumers/${path}`, { columns: 'consumer_tag' }),
    ])
    const scopes = vhosts.map((v) => ({ name: v.name, items: typeof v.messages === 'number' ? v.messages : null }))
    if (!scopes.some((v) => v.name === vhost)) scopes.push({ name: vhost, items: null })
    scopes.sort((a, b) => a.name.localeCompare(b.name))
    link.managementProblem = null
    return {
      ...unknown,
      scopes,
      counts: { connections: connections.length, channels: channels.length, consumers: consumers.length, scope: `vhost ${vhost}` },
    }
  } catch (err) {
    if (!managementUnavailable(err, true)) throw err
    link.managementProblem = err.message
    return { ...unknown, warnings: [`other vhosts and the connection counts need the management API: ${link.managementWarning()}`] }
  }
}

/** Counts and rates of every queue in the vhost, from the management API (page_size 500). */
export async function sample(link: RabbitLink): Promise<Map<string, SourceSample>> {
  const queues = await link.management.getAllPages<SampledQueue>(`/queues/${vhostPath(link.target.vhost)}`, { columns: SAMPLE_COLUMNS })
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

/** RabbitMQ reports consumer capacity as 0..1 (older versions: `consumer_utilisation`); anything else is "no data". */
function capacityOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : null
}

function toQueueItem(q: ManagementQueue): SourceItem {
  const args = q.arguments ?? {}
  const dlx = args['x-dead-letter-exchange']
  const dlrk = args['x-dead-letter-routing-key']
  const queueType = q.type ?? 'classic'
  const capabilities = queueCapabilities(queueType)
  return {
    kind: 'queue',
    ...(capabilities === undefined ? {} : { capabilities }),
    name: q.name,
    queueType,
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
