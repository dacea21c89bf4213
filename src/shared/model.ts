import { z } from 'zod'
import { brokerDescriptionSchema } from './capabilities'
import { count, optionalCount } from './counts'
import { bullmqCountsSchema } from './bullmq'

/** Broker families a profile can point at. */
export const brokerSchema = z.enum(['rabbitmq', 'redis'])
export type Broker = z.infer<typeof brokerSchema>

/** Environment colours: shown as a stripe wherever the profile is open. */
export const ENV_COLORS = ['none', 'green', 'blue', 'yellow', 'orange', 'red'] as const
export const envColorSchema = z.enum(ENV_COLORS)
export type EnvColor = z.infer<typeof envColorSchema>

const profileBase = {
  name: z.string().trim().min(1, 'name is required').max(80),
  broker: brokerSchema,
  /** Connection URL without its password (amqp(s)://user@host:port/vhost, redis(s)://user@host:port/db). */
  url: z.string().trim().min(1, 'URL is required').max(2048),
  /** RabbitMQ only: management API base URL; derived from the AMQP host when absent. */
  managementUrl: z.string().trim().max(2048).optional(),
  readOnly: z.boolean().default(false),
  color: envColorSchema.default('none'),
  /**
   * RabbitMQ only: queue names to show when the management API is unavailable (their counts come
   * from a passive declare over AMQP).
   */
  watchQueues: z.array(z.string().trim().min(1).max(255)).max(500).default([]),
}

/** What the renderer sees: never a password, only whether one is stored. */
export const profileViewSchema = z.object({
  id: z.string(),
  ...profileBase,
  readOnly: z.boolean(),
  color: envColorSchema,
  watchQueues: z.array(z.string()),
  hasPassword: z.boolean(),
})
export type ProfileView = z.infer<typeof profileViewSchema>

/**
 * What a front end sends to save a profile. `password` is write-only: undefined keeps the stored
 * one, '' removes it. A password embedded in `url` is moved to the secret store, never kept there.
 */
export const profileInputSchema = z.object({
  id: z.string().optional(),
  ...profileBase,
  password: z.string().max(4096).optional(),
})
export type ProfileInput = z.input<typeof profileInputSchema>

export const secretStorageSchema = z.object({
  kind: z.enum(['keyring', 'safe-storage', 'plain-file']),
  /** Set when secrets are not encrypted: shown to the user, never hidden. */
  warning: z.string().optional(),
})
export type SecretStorageInfo = z.infer<typeof secretStorageSchema>

export const CONNECTION_STATES = ['connecting', 'open', 'reconnecting', 'closed', 'failed'] as const
export const connectionStatusSchema = z.object({
  connectionId: z.string(),
  state: z.enum(CONNECTION_STATES),
  /** reconnecting: 1-based attempt number. */
  attempt: z.number().int().positive().optional(),
  /** reconnecting: when the next attempt starts (epoch ms). */
  nextRetryAt: z.number().optional(),
  /** failed / reconnecting: why, in the broker's words. */
  reason: z.string().optional(),
  /** open: what we are connected to, e.g. "RabbitMQ 3.10.8" or "Redis 7.0.15". */
  server: z.string().optional(),
  /** What this broker can do (tabs, purge, replay targets), as its adapter described it on the last open. */
  description: brokerDescriptionSchema.optional(),
  /** The vhost (RabbitMQ) or database number (Redis) the connection opens. */
  scope: z.string().optional(),
  readOnly: z.boolean(),
  at: z.number(),
})
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>
export type ConnectionState = ConnectionStatus['state']

/** A source's class in its connection's capabilities (BrokerDescription.sources), when not its kind. */
const capabilityClass = z.string().optional()

export const streamGroupSchema = z.object({
  name: z.string(),
  /** Entries not yet delivered to the group; null when Redis cannot know (SETID, trimmed window). */
  lag: optionalCount,
  pending: count,
  consumers: count,
  lastDeliveredId: z.string(),
  entriesRead: optionalCount,
})
export type StreamGroup = z.infer<typeof streamGroupSchema>

export const queueSourceSchema = z.object({
  kind: z.literal('queue'),
  capabilities: capabilityClass,
  name: z.string(),
  queueType: z.enum(['classic', 'quorum', 'stream']).or(z.string()),
  messages: optionalCount,
  ready: optionalCount,
  unacked: optionalCount,
  consumers: optionalCount,
  /** 0..1: share of time the queue could deliver to a consumer at once (RabbitMQ's consumer capacity). */
  consumerCapacity: z.number().min(0).max(1).nullable(),
  state: z.string().nullable(),
  durable: z.boolean(),
  deadLetterExchange: z.string().nullable(),
  deadLetterRoutingKey: z.string().nullable(),
})

export const exchangeSourceSchema = z.object({
  kind: z.literal('exchange'),
  capabilities: capabilityClass,
  name: z.string(),
  exchangeType: z.string(),
  durable: z.boolean(),
  internal: z.boolean(),
  messages: z.null(),
  consumers: z.null(),
})

export const streamSourceSchema = z.object({
  kind: z.literal('stream'),
  capabilities: capabilityClass,
  name: z.string(),
  messages: count,
  /** Sum of consumers over all groups. */
  consumers: count,
  firstId: z.string().nullable(),
  lastId: z.string().nullable(),
  groups: z.array(streamGroupSchema),
})

export const listSourceSchema = z.object({
  kind: z.literal('list'),
  capabilities: capabilityClass,
  name: z.string(),
  messages: count,
  consumers: z.null(),
})

/** A Redis pub/sub channel (or pattern) with subscribers right now; pub/sub keeps no messages. */
export const channelSourceSchema = z.object({
  kind: z.literal('channel'),
  capabilities: capabilityClass,
  name: z.string(),
  messages: z.null(),
  /** PUBSUB NUMSUB (channels) or, for a pattern, NUMPAT's share is unknown: null. In a Cluster: per node. */
  consumers: optionalCount,
  pattern: z.boolean(),
})

/** A BullMQ queue, found by its `<prefix>:<queue>:meta` hash (name: see parseBullmqName in redis.ts). */
export const bullmqSourceSchema = z.object({
  kind: z.literal('bullmq'),
  capabilities: capabilityClass,
  name: z.string(),
  prefix: z.string(),
  queue: z.string(),
  /** Jobs not started yet: waiting + prioritized + delayed + paused. */
  messages: count,
  /** Workers BullMQ sees (CLIENT LIST names), null when not allowed. */
  consumers: optionalCount,
  counts: bullmqCountsSchema,
  paused: z.boolean(),
  /** meta.version, e.g. "bullmq:5.61.0". */
  version: z.string().nullable(),
})

export const sourceItemSchema = z.discriminatedUnion('kind', [
  queueSourceSchema,
  exchangeSourceSchema,
  streamSourceSchema,
  listSourceSchema,
  channelSourceSchema,
  bullmqSourceSchema,
])
export type SourceItem = z.infer<typeof sourceItemSchema>
export type SourceKind = SourceItem['kind']
export type QueueSource = z.infer<typeof queueSourceSchema>
export type StreamSource = z.infer<typeof streamSourceSchema>
export type ChannelSource = z.infer<typeof channelSourceSchema>
export type BullmqSource = z.infer<typeof bullmqSourceSchema>

export const sourceListSchema = z.object({
  items: z.array(sourceItemSchema),
  /** Things the user should know about this listing (e.g. management plugin missing). */
  warnings: z.array(z.string()),
  /** Where the listing came from: the vhost or the Redis database. */
  scope: z.string(),
  listedAt: z.number(),
  /** Present when one page was asked for: where it is among all (filtered) queues. */
  paging: z.object({ page: z.number().int(), pageCount: z.number().int(), pageSize: z.number().int(), total: z.number().int() }).optional(),
})
export type SourceList = z.infer<typeof sourceListSchema>
