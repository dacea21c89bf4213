import { z } from 'zod'
import { brokerSchema, connectionStatusSchema, profileInputSchema, profileViewSchema, secretStorageSchema, sourceListSchema } from './model'
import { publishRequestSchema, publishResultSchema } from './publish'
import { metricsHistoryRequestSchema, metricsHistorySchema } from './metrics'
import { sourceDetailsRequestSchema, sourceDetailsSchema } from './topology'
import { replayFilterSchema, replayProgressSchema, replayReportSchema, replayRequestSchema } from './replay'
import { brokerOverviewRequestSchema, brokerOverviewSchema } from './broker-overview'
import { discoveryCancelRequestSchema, discoveryProgressSchema } from './discovery'
import {
  bullmqCleanRequestSchema,
  bullmqCleanResultSchema,
  bullmqJobsRequestSchema,
  bullmqJobsSchema,
  bullmqRetryRequestSchema,
  bullmqRetryResultSchema,
} from './bullmq'
import {
  ackRequestSchema,
  ackResultSchema,
  claimRequestSchema,
  claimResultSchema,
  pendingRequestSchema,
  pendingResultSchema,
  redisWriteRequestSchema,
  redisWriteResultSchema,
  streamEntryRequestSchema,
  streamEntryResultSchema,
} from './streams'
import { tailBatchSchema, tailStartRequestSchema } from './tail'
import { peekRequestSchema, peekResultSchema, purgeRequestSchema, purgeResultSchema } from './messages'
import type { CALL_CHANNEL_NAMES, EVENT_CHANNEL_NAMES, IDEMPOTENT_CALL_NAMES } from './channels'

/**
 * The one contract between the core and every front end (docs/architecture.md "One contract,
 * three transports"). Calls are `domain:verb`, events are `domain:noun`. Electron's ipcMain, the web
 * server's WebSocket and the CLI dispatch into the same handlers; each request is parsed with its
 * schema at the boundary.
 */
interface CallFlags {
  /** Writes to a broker or destroys something there: refused for read-only profiles. */
  writes?: boolean
  /**
   * Only the user's own process (the CLI) may make it, never a web page or a renderer: it names a
   * file on the machine running the core, or opens a connection by a URL (core/dispatch.ts,
   * docs/security.md).
   */
  localOnly?: boolean
  /**
   * Changes nothing anywhere and may be repeated at will: a front end may retry it after a timeout
   * or a lost link. Everything else (writes, browses that spend delivery attempts, calls that start
   * something) is never repeated behind the user's back.
   */
  idempotent?: boolean
}

type Flag<F extends CallFlags, K extends keyof CallFlags> = F[K] extends true ? true : false
interface CallDef<Req extends z.ZodType, Res extends z.ZodType, F extends CallFlags> {
  request: Req
  response: Res
  writes: Flag<F, 'writes'>
  localOnly: Flag<F, 'localOnly'>
  idempotent: Flag<F, 'idempotent'>
}

// The flags keep their literal types, so the name lists in channels.ts are checked against them at compile time.
const call = <Req extends z.ZodType, Res extends z.ZodType, const F extends CallFlags = object>(def: { request: Req; response: Res } & F) =>
  ({ writes: false, localOnly: false, idempotent: false, ...def }) as unknown as CallDef<Req, Res, F>

const connectionRef = z.object({ connectionId: z.string().min(1) })

export const profileTestResultSchema = z.object({
  ok: z.boolean(),
  /** e.g. "RabbitMQ 3.10.8 (management API reachable)". */
  server: z.string().optional(),
  latencyMs: z.number().optional(),
  warnings: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
})

export const calls = {
  'app:info': call({
    request: z.object({}).default({}),
    response: z.object({
      version: z.string(),
      mode: z.enum(['electron', 'web']),
      secretStorage: secretStorageSchema,
      configDir: z.string(),
    }),
    idempotent: true,
  }),
  'profiles:list': call({
    request: z.object({}).default({}),
    response: z.object({ profiles: z.array(profileViewSchema) }),
    idempotent: true,
  }),
  'profiles:save': call({ request: profileInputSchema, response: profileViewSchema }),
  'profiles:delete': call({
    request: z.object({ id: z.string().min(1) }),
    response: z.object({ deleted: z.boolean() }),
  }),
  /** Test a saved profile (id) or an unsaved one (profile), without opening a workspace connection. */
  'profiles:test': call({
    request: z.union([z.object({ id: z.string().min(1) }), z.object({ profile: profileInputSchema })]),
    response: profileTestResultSchema,
  }),
  'connection:connect': call({
    request: z.object({
      profileId: z.string().min(1),
      /** The vhost (RabbitMQ) or database number (Redis) to open instead of the profile's. */
      scope: z.string().max(255).optional(),
    }),
    response: connectionStatusSchema,
  }),
  /**
   * A connection by URL (its password inside) or by a saved profile's name, under an id the caller
   * picks, without saving a profile: the CLI's. Only the user's own process may make it: a URL
   * carries a password, and a page has profiles.
   */
  'connection:open': call({
    request: z
      .object({
        connectionId: z.string().min(1).max(100),
        url: z.string().trim().min(1).max(2048).optional(),
        profile: z.string().trim().min(1).max(80).optional(),
        managementUrl: z.string().trim().max(2048).optional(),
        watchQueues: z.array(z.string().trim().min(1).max(255)).max(500).optional(),
      })
      .refine((r) => (r.url === undefined) !== (r.profile === undefined), { message: 'give either url or profile, not both' }),
    response: connectionStatusSchema,
    localOnly: true,
  }),
  'connection:disconnect': call({
    request: connectionRef,
    response: connectionStatusSchema,
  }),
  'connection:list': call({
    request: z.object({}).default({}),
    response: z.object({ connections: z.array(connectionStatusSchema) }),
    idempotent: true,
  }),
  /** Vhosts or databases the connection could open, and connection / channel / consumer counts. */
  'broker:overview': call({ request: brokerOverviewRequestSchema, response: brokerOverviewSchema, idempotent: true }),
  'sources:list': call({
    /** filter: server-side name filter (substring), applied by the broker where it can. */
    request: connectionRef.extend({
      filter: z.string().max(256).optional(),
      /** RabbitMQ: one page of queues (so 10,000 queues show their first screen at once). */
      page: z.number().int().positive().optional(),
      pageSize: z.number().int().min(1).max(500).optional(),
      /** Redis: a SCAN MATCH glob (`orders:*`) instead of the substring filter. */
      pattern: z.string().max(1024).optional(),
      /** Redis: names this discovery for `sources:progress` events and `sources:cancel`. */
      discoveryId: z.string().min(1).max(100).optional(),
    }),
    response: sourceListSchema.extend({ broker: brokerSchema }),
    idempotent: true,
  }),
  'messages:publish': call({
    request: publishRequestSchema,
    response: publishResultSchema,
    writes: true,
  }),
  /** Browse without consuming (docs/semantics.md): get + nack(requeue) for queues, offset consumer for streams. */
  'messages:peek': call({ request: peekRequestSchema, response: peekResultSchema }),
  /** Removes the ready messages of a queue; `confirm` must equal its name. */
  'sources:purge': call({ request: purgeRequestSchema, response: purgeResultSchema, writes: true }),
  /** Topology of one queue or exchange: settings in words, consumers, bindings. */
  'sources:details': call({ request: sourceDetailsRequestSchema, response: sourceDetailsSchema, idempotent: true }),
  /** The last hour of sampled counts and rates, kept by the main process while a connection is open. */
  'metrics:history': call({ request: metricsHistoryRequestSchema, response: metricsHistorySchema, idempotent: true }),
  /**
   * Move or copy messages. Resolves with the final report when the replay ends; progress
   * arrives as `replay:progress` events with the same id (give one to be able to cancel). Checks
   * the read-only guard for the target, and for the source when moving, itself.
   */
  'replay:start': call({
    request: replayRequestSchema.extend({ id: z.string().min(1).max(100).optional() }),
    response: replayReportSchema,
  }),
  'replay:cancel': call({
    request: z.object({ id: z.string().min(1) }),
    response: z.object({ cancelled: z.boolean() }),
  }),
  /**
   * Export a source to an NDJSON file on the machine running the core (one message a line: body
   * base64, properties, headers, origin), without consuming anything.
   */
  'messages:export': call({
    request: z.object({
      connectionId: z.string().min(1),
      source: z.string().min(1),
      /** The file to write; the desktop app's renderer sends none (the main process asks the user). */
      path: z.string().min(1).max(4096).optional(),
      count: z.number().int().positive().optional(),
      /** Quorum queues with a delivery limit: export anyway, spending one attempt per message (never on a read-only profile). */
      acceptDeliveryLimitRisk: z.boolean().default(false),
    }),
    response: z.object({
      exported: z.number().int().nonnegative(),
      path: z.string(),
      /** E.g. fewer messages than the source held at the start (consumers took some, or held them unacknowledged). */
      warnings: z.array(z.string()).optional(),
    }),
    localOnly: true,
  }),
  /** Publish every line of an export file into a target, with confirms. */
  'messages:import': call({
    request: z.object({
      connectionId: z.string().min(1),
      target: z.string().min(1),
      /** The file to read; the desktop app's renderer sends none (the main process asks the user). */
      path: z.string().min(1).max(4096).optional(),
      /** Exchange targets: the routing key; absent: each line's origin routing key. */
      routingKey: z.string().max(255).optional(),
    }),
    response: z.object({ published: z.number().int().nonnegative(), failed: z.number().int().nonnegative(), failures: z.array(z.string()) }),
    writes: true,
    localOnly: true,
  }),
  /** Past replays from the journal, newest first. */
  'replay:list': call({
    request: z.object({}).default({}),
    response: z.object({
      replays: z.array(
        z.object({
          id: z.string(),
          at: z.number(),
          source: z.string(),
          sourceConnection: z.string(),
          target: z.string(),
          /** The target's connection (profile id); absent for replays journaled before it was recorded. */
          targetConnection: z.string().optional(),
          mode: z.enum(['move', 'copy']),
          dryRun: z.boolean(),
          filters: z.array(replayFilterSchema),
          report: replayReportSchema.optional(),
        }),
      ),
      journal: z.string(),
    }),
    idempotent: true,
  }),
  /** Stops a running Redis discovery; its sources:list call resolves with what was found so far. */
  'sources:cancel': call({ request: discoveryCancelRequestSchema, response: z.object({ cancelled: z.boolean() }) }),
  /** One stream entry by id, fully decoded: the one the user opened on a page read with `form: 'summary'`. */
  'streams:entry': call({ request: streamEntryRequestSchema, response: streamEntryResultSchema, idempotent: true }),
  /** Pending entries of a stream group (XPENDING with its extended form), paged by id. */
  'streams:pending': call({ request: pendingRequestSchema, response: pendingResultSchema, idempotent: true }),
  /** XCLAIM selected pending entries to a consumer. */
  'streams:claim': call({ request: claimRequestSchema, response: claimResultSchema, writes: true }),
  /** XACK selected pending entries. */
  'streams:ack': call({ request: ackRequestSchema, response: ackResultSchema, writes: true }),
  /** Delete stream entries, trim a stream keeping its groups, or delete a stream / list key. */
  'redis:write': call({ request: redisWriteRequestSchema, response: redisWriteResultSchema, writes: true }),
  /** Jobs of one BullMQ queue in one state, newest first, with the queue's counts. */
  'bullmq:jobs': call({ request: bullmqJobsRequestSchema, response: bullmqJobsSchema, idempotent: true }),
  /** Retry failed jobs through bullmq itself (Job.retry / Queue.retryJobs). */
  'bullmq:retry': call({ request: bullmqRetryRequestSchema, response: bullmqRetryResultSchema, writes: true }),
  /** Remove finished jobs through bullmq itself (Queue.clean); `confirm` must equal the queue's name. */
  'bullmq:clean': call({ request: bullmqCleanRequestSchema, response: bullmqCleanResultSchema, writes: true }),
  /** Starts a live tail; messages arrive as `tail:batch` events with the returned id. */
  'tail:start': call({ request: tailStartRequestSchema, response: z.object({ tailId: z.string() }) }),
  'tail:stop': call({ request: z.object({ tailId: z.string().min(1) }), response: z.object({ stopped: z.boolean() }) }),
} as const

export const events = {
  'connection:status': connectionStatusSchema,
  'replay:progress': replayProgressSchema,
  'sources:progress': discoveryProgressSchema,
  'tail:batch': tailBatchSchema,
} as const

export type Calls = typeof calls
export type CallChannel = keyof Calls
export type EventChannel = keyof typeof events
export type CallRequest<C extends CallChannel> = z.input<Calls[C]['request']>
export type CallRequestParsed<C extends CallChannel> = z.output<Calls[C]['request']>
export type CallResponse<C extends CallChannel> = z.output<Calls[C]['response']>
export type EventPayload<E extends EventChannel> = z.output<(typeof events)[E]>

export const CALL_CHANNELS = Object.keys(calls) as CallChannel[]

/** True when A and B are the same set of names. */
type SameNames<A extends PropertyKey, B extends PropertyKey> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Holds<T extends true> = T
type IdempotentCall = { [C in CallChannel]: Calls[C]['idempotent'] extends true ? C : never }[CallChannel]
/**
 * channels.ts keeps the names as plain strings for the preload, which must not bundle zod: a name
 * missing there or left over, or an idempotent flag not listed, is a type error here.
 */
export type ChannelListsMatchContract = [
  Holds<SameNames<(typeof CALL_CHANNEL_NAMES)[number], CallChannel>>,
  Holds<SameNames<(typeof EVENT_CHANNEL_NAMES)[number], EventChannel>>,
  Holds<SameNames<(typeof IDEMPOTENT_CALL_NAMES)[number], IdempotentCall>>,
]
export const EVENT_CHANNELS = Object.keys(events) as EventChannel[]
