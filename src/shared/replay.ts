import { z } from 'zod'
import { QsError } from './errors'

/**
 * Replay: move or copy messages from a source to a target, at-least-once and lossless
 * (docs/semantics.md). These are the shapes every front end sees; the engine is
 * src/main/core/operations/replay.engine.ts.
 */

export const FILTER_OPS = ['equals', 'contains', 'regex', 'exists'] as const

/**
 * One condition on a message; a replay takes the messages that meet all of them.
 * - property: a basic property by its contract name (messageId, type, contentType, ...)
 * - header: a header by name (values compared as text; JSON for tables and arrays)
 * - body: the whole body as text, or with `path` a value inside a JSON body ("customer.id", "lines[0].sku")
 * - xDeathReason: the newest x-death entry's reason (rejected, expired, maxlen, delivery_limit)
 */
export const replayFilterSchema = z.object({
  field: z.enum(['property', 'header', 'body', 'xDeathReason']),
  /** Property or header name; the JSON path for `body` (empty: the whole body). */
  name: z.string().max(256).default(''),
  op: z.enum(FILTER_OPS),
  value: z.string().max(4096).default(''),
})
export type ReplayFilter = z.infer<typeof replayFilterSchema>

export const replayTargetSchema = z.union([
  z.object({
    connectionId: z.string().min(1),
    /** `<kind>:<name>`: queue:q or exchange:x (RabbitMQ); stream:k, list:k or channel:c (Redis). */
    target: z.string().min(1),
    /** Exchange targets: the routing key; absent keeps each message's own routing key. */
    routingKey: z.string().max(255).optional(),
  }),
  z.object({
    /**
     * Each message goes back where it came from: on RabbitMQ, the exchange and routing keys of its
     * newest x-death; else its `qs-origin` header or stream field (ORIGIN_HEADER), a `<kind>:<name>`
     * on the target connection. A message with neither fails and stays.
     */
    toOrigin: z.literal(true),
    /** Where to publish; the source's connection when absent. */
    connectionId: z.string().min(1).optional(),
  }),
])
export type ReplayTarget = z.infer<typeof replayTargetSchema>

export const MAX_REPLAY_RATE = 1_000_000
/** One message a day at the slowest: slower waits would overflow a timer, and nobody waits that long. */
export const MIN_REPLAY_RATE = 1 / 86_400

/**
 * Where a message belongs, for "back to origin" where x-death cannot say (Redis): a header or
 * stream field holding `stream:<key>` or `list:<key>` (a Redis target), `queue:<name>` or
 * `exchange:<name>` (RabbitMQ; the message keeps its routing key). Whoever parks a failed message
 * writes it; replays keep it.
 */
export const ORIGIN_HEADER = 'qs-origin'

export const replayRequestSchema = z.object({
  connectionId: z.string().min(1),
  source: z.string().min(1),
  to: replayTargetSchema,
  mode: z.enum(['move', 'copy']).default('move'),
  /** At most this many messages; absent: all that are in the source when the replay starts. */
  limit: z.number().int().positive().optional(),
  /** Messages per second at most; absent: as fast as the brokers confirm. */
  rate: z.number().min(MIN_REPLAY_RATE).max(MAX_REPLAY_RATE).optional(),
  filters: z.array(replayFilterSchema).max(32).default([]),
  /**
   * A Redis stream source: read the pending entries of this consumer group (delivered, not yet
   * acknowledged) instead of the whole stream. A move acknowledges each (XACK) once the target
   * confirmed it; the target may be the stream itself (re-adding gives the entries new ids).
   */
  sourceGroup: z.string().min(1).max(512).optional(),
  /**
   * Only these messages (replaying a selection from the message browser or the pending entries):
   * RabbitMQ messages by their message-id property, Redis stream entries by their entry id. The
   * replay still looks at most at `limit` / all that are there, and stops early once every id was
   * found.
   */
  messageIds: z.array(z.string().min(1)).max(10_000).optional(),
  /** Show what would be replayed and change nothing. */
  dryRun: z.boolean().default(false),
  /**
   * Quorum queues with a delivery limit: read anyway, although every message given back (all of
   * them in a dry run or copy; those not moved in a filtered move) spends a delivery attempt.
   * Never honoured on a read-only profile.
   */
  acceptDeliveryLimitRisk: z.boolean().default(false),
  /** A move removes messages from the source: the typed confirmation is the source's name. */
  confirm: z.string().optional(),
})
export type ReplayRequest = z.input<typeof replayRequestSchema>
export type ReplayRequestParsed = z.output<typeof replayRequestSchema>

/** One message a dry run would replay (or a failure), for the preview list and the report. */
export const replayItemSchema = z.object({
  /** The message id property, else the source's own id for this read. */
  id: z.string(),
  /** Where it goes (or would go): exchange and routing key(s). */
  exchange: z.string().nullable(),
  routingKeys: z.array(z.string()),
  /** Redis targets: the stream, list or channel it goes to (`stream:orders`); no exchange then. */
  target: z.string().optional(),
  size: z.number().int().nonnegative(),
  /** Failures: why it was not replayed (it stays in the source). */
  reason: z.string().optional(),
})
export type ReplayItem = z.infer<typeof replayItemSchema>

export const replayReportSchema = z.object({
  id: z.string(),
  mode: z.enum(['move', 'copy']),
  dryRun: z.boolean(),
  source: z.string(),
  target: z.string(),
  /** The connection (profile id) the target is on; absent in reports journaled before it was added. */
  targetConnection: z.string().optional(),
  /**
   * Messages the replay set out to take: the limit, or the source's count at the start; for a
   * replay of selected messages, how many were selected.
   */
  total: z.number().int().nonnegative(),
  /** Messages looked at (read from the source). */
  scanned: z.number().int().nonnegative(),
  /** Confirmed by the target as routed (dry run: would be published). */
  published: z.number().int().nonnegative(),
  /** Removed from the source after the target confirmed them (move only). */
  acknowledged: z.number().int().nonnegative(),
  /** Not replayed and kept in the source: unroutable, no origin, refused, or in doubt. */
  failed: z.number().int().nonnegative(),
  /** Did not match the filters; kept in the source. */
  skipped: z.number().int().nonnegative(),
  /** Of the `total`, how many are still in the source. */
  left: z.number().int().nonnegative(),
  /**
   * At most this many messages may now be in both the source and the target (at-least-once): a
   * publish the target never confirmed, or acknowledgements lost when the source broke. 0 when
   * the replay ran cleanly.
   */
  duplicates: z.number().int().nonnegative(),
  cancelled: z.boolean(),
  /** Why the replay stopped early, in words. */
  error: z.string().optional(),
  /** The first failures (at most 100). */
  failures: z.array(replayItemSchema),
  /** Dry run: the messages that would be replayed (at most 1,000). */
  preview: z.array(replayItemSchema),
  startedAt: z.number(),
  finishedAt: z.number(),
})
export type ReplayReport = z.infer<typeof replayReportSchema>

export const replayProgressSchema = z.object({
  id: z.string(),
  /** Messages looked at; for a replay of selected messages, how many of them were found. */
  scanned: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  published: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  /** `scanned` per second so far. */
  rate: z.number().nonnegative(),
  /** Estimated time left; null until there is a rate. */
  etaMs: z.number().nonnegative().nullable(),
})
export type ReplayProgress = z.infer<typeof replayProgressSchema>

/**
 * Parses the CLI's `--filter EXPR` (docs/cli.md): `<selector><op><value>`, where selector is
 * `header.<name>`, `property.<name>`, `body`, `body.<json path>` or `xdeath.reason`, and op is `=`
 * (equals), `~=` (contains), `=~` (regular expression) — or `<selector>?` (exists).
 */
export function parseFilterExpression(text: string): ReplayFilter {
  const exists = /^([^=~?]+)\?$/.exec(text.trim())
  const match = exists ? null : /^([^=~]+?)(=~|~=|=)([\s\S]*)$/.exec(text.trim())
  const selector = (exists?.[1] ?? match?.[1] ?? '').trim()
  if (!selector) {
    throw new QsError(
      'BAD_REQUEST',
      `filter "${text}": write <selector>=<value>, <selector>~=<text>, <selector>=~<regex> or <selector>? (selectors: header.<name>, property.<name>, body, body.<path>, xdeath.reason)`,
    )
  }
  const op = exists ? 'exists' : match![2] === '=' ? 'equals' : match![2] === '~=' ? 'contains' : 'regex'
  const value = exists ? '' : match![3]!
  const dot = selector.indexOf('.')
  const head = (dot < 0 ? selector : selector.slice(0, dot)).toLowerCase()
  const rest = dot < 0 ? '' : selector.slice(dot + 1)
  let filter: ReplayFilter
  if (head === 'header' && rest) filter = { field: 'header', name: rest, op, value }
  else if ((head === 'property' || head === 'prop') && rest) filter = { field: 'property', name: rest, op, value }
  else if (head === 'body') filter = { field: 'body', name: rest, op, value }
  else if (head === 'xdeath' && rest.toLowerCase() === 'reason') filter = { field: 'xDeathReason', name: '', op, value }
  else
    throw new QsError(
      'BAD_REQUEST',
      `filter "${text}": unknown selector "${selector}" (use header.<name>, property.<name>, body, body.<path> or xdeath.reason)`,
    )
  if (op === 'regex') compileFilterRegex(filter)
  return filter
}

export function compileFilterRegex(filter: ReplayFilter): RegExp {
  try {
    return new RegExp(filter.value)
  } catch (err) {
    throw new QsError(
      'BAD_REQUEST',
      `filter on ${describeFilterField(filter)}: "${filter.value}" is not a valid regular expression (${(err as Error).message})`,
    )
  }
}

export function describeFilterField(filter: ReplayFilter): string {
  switch (filter.field) {
    case 'header':
      return `header ${filter.name}`
    case 'property':
      return `property ${filter.name}`
    case 'body':
      return filter.name ? `body ${filter.name}` : 'body'
    case 'xDeathReason':
      return 'x-death reason'
  }
}

/** "header tenant = acme", for reports and the UI's filter chips. */
export function describeFilter(filter: ReplayFilter): string {
  const what = describeFilterField(filter)
  switch (filter.op) {
    case 'exists':
      return `${what} exists`
    case 'equals':
      return `${what} = ${filter.value}`
    case 'contains':
      return `${what} contains ${filter.value}`
    case 'regex':
      return `${what} matches /${filter.value}/`
  }
}

/**
 * A value inside parsed JSON by a dot path with optional indexes: `customer.id`, `lines[0].sku`,
 * `$.a.b` (a leading `$.` is allowed). Undefined when any step is missing.
 */
/** record[key] when it is the record's own, else undefined (no inherited `constructor`, `toString`…). */
export function ownValue(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

export function jsonPathValue(root: unknown, path: string): unknown {
  const steps = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? []
  let current: unknown = root
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined
    const index = /^\[(\d+)\]$/.exec(step)
    // Own keys only: `constructor` or `__proto__` must not find Object.prototype's.
    current = index ? (Array.isArray(current) ? current[Number(index[1])] : undefined) : ownValue(current as Record<string, unknown>, step)
  }
  return current
}
