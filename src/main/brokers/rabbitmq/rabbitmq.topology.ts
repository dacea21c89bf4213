import { QsError } from '../../../shared/errors'
import type { SourceRef } from '../../../shared/source-ref'
import type { Binding, SourceDetails } from '../../../shared/topology'
import { vhostPath, type ManagementExchange, type ManagementQueue } from './management.client'
import { describeSettings } from './queue-arguments'
import type { RabbitLink } from './rabbitmq.connection'

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

/** A queue (arguments, policies in words, consumers, bindings) or an exchange (bindings out and in), from the management API. */
export async function describeSource(link: RabbitLink, source: SourceRef): Promise<SourceDetails> {
  const vhost = vhostPath(link.target.vhost)
  const name = encodeURIComponent(source.name)
  if (source.kind === 'queue') {
    const [q, bindings] = await Promise.all([
      link.management.get<ManagementQueueDetails>(`/queues/${vhost}/${name}`).catch((err: unknown) => {
        throw err instanceof QsError && err.code === 'NOT_FOUND' ? link.channels.missingQueue(source.name, err.message) : err
      }),
      link.management.get<ManagementBinding[]>(`/queues/${vhost}/${name}/bindings`).catch(() => []),
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
      link.management.get<ManagementExchange & { auto_delete?: boolean; arguments?: Record<string, unknown> }>(path).catch((err: unknown) => {
        throw err instanceof QsError && err.code === 'NOT_FOUND'
          ? new QsError('NOT_FOUND', `exchange "${source.name}" does not exist in vhost "${link.target.vhost}"`)
          : err
      }),
      link.management.get<ManagementBinding[]>(`${path}/bindings/source`).catch(() => []),
      link.management.get<ManagementBinding[]>(`${path}/bindings/destination`).catch(() => []),
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
