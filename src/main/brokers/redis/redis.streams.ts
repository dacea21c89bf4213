/**
 * Redis streams in the inspector: details with every group's lag (and why Redis cannot tell it),
 * pages by entry id, pending entries, claim, acknowledge, and the writes that are not publishes.
 * Browsing uses read-only commands only (docs/semantics.md "Browsing never consumes"); every reply
 * that names a key is checked against the kind the caller asked for.
 */
import type { ChainableCommander } from 'ioredis'
import type { z } from 'zod'
import { QsError } from '../../../shared/errors'
import type { PeekedMessage, PeekRequestParsed, PeekResult, PurgeResult, StreamEntrySummary } from '../../../shared/messages'
import type { SourceSample } from '../../../shared/metrics'
import type { ackResultSchema, claimResultSchema, PendingEntry, pendingResultSchema, StreamGroupDetail } from '../../../shared/streams'
import { streamGroupSeriesKey } from '../../../shared/streams'
import type { SourceDetails } from '../../../shared/topology'
import { messageOf } from '../errors'
import { messageFromStreamFields, pairsToObject, shortText, StreamPageSummaries } from './redis-encoding'
import { DisplayBudget } from '../message-body'
import { isCluster, masters, type RedisClient } from './redis.connection'

type StreamDetails = Extract<SourceDetails, { kind: 'stream' }>
type PendingResult = z.output<typeof pendingResultSchema>
type ClaimResult = z.output<typeof claimResultSchema>
type AckResult = z.output<typeof ackResultSchema>

// ---------------------------------------------------------------------------------------------
// Entry ids, errors, checked pipelines

const ID_PATTERN = /^(\d+)(?:-(\d+))?$/
const MAX_ID_PART = 2n ** 64n - 1n

/**
 * An entry id as `<ms>-<seq>`; a bare `<ms>` (a time) means `<ms>-0`. Anything else is refused
 * here with the field's name, before Redis answers with a bare "Invalid stream ID".
 */
export function parseStreamId(text: string, field: string): string {
  const match = ID_PATTERN.exec(text.trim())
  if (!match || BigInt(match[1]!) > MAX_ID_PART || BigInt(match[2] ?? '0') > MAX_ID_PART) {
    throw new QsError('BAD_REQUEST', `${field} "${text}" is not a stream entry id (<ms>-<seq>) or a time in epoch milliseconds`)
  }
  return `${match[1]}-${match[2] ?? '0'}`
}

/** Orders two well-formed `<ms>-<seq>` ids (Redis's own order). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint]
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint]
  if (aMs !== bMs) return aMs < bMs ? -1 : 1
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1
}

/** A failed Redis command on `key`, in words (NOGROUP names the group, WRONGTYPE the key). */
export function streamError(err: unknown, key: string, group?: string): QsError {
  if (err instanceof QsError) return err
  const text = messageOf(err)
  if (/^NOGROUP/.test(text)) return new QsError('NOT_FOUND', `consumer group "${group ?? '?'}" does not exist on stream "${key}"`, text)
  if (/WRONGTYPE/.test(text)) return new QsError('BAD_REQUEST', `key "${key}" holds another type`, text)
  if (/Invalid stream ID|invalid (start|end) ID/i.test(text)) return new QsError('BAD_REQUEST', `"${key}": ${text.replace(/^ERR /, '')}`, text)
  if (/closed|ECONNRESET|EPIPE/i.test(text)) return new QsError('NOT_CONNECTED', `the Redis connection closed while working on "${key}"`, text)
  return new QsError('BROKER_ERROR', `"${key}": ${text}`, text)
}

export function expectKind(type: unknown, key: string, kind: 'stream' | 'list'): void {
  if (type === 'none') throw new QsError('NOT_FOUND', `key "${key}" does not exist`)
  if (type !== kind) throw new QsError('BAD_REQUEST', `key "${key}" is a ${String(type)}, not a ${kind}`)
}

/**
 * Runs a pipeline that starts with TYPE `key`: a missing key or another type is reported as such
 * (rather than as the WRONGTYPE or NOGROUP error the following commands then give), then the first
 * failed command. Returns the replies after TYPE. One round trip.
 */
export async function execTyped(pipeline: ChainableCommander, key: string, kind: 'stream' | 'list', group?: string): Promise<unknown[]> {
  try {
    const results = (await pipeline.exec()) ?? []
    const [typeError, type] = results[0] ?? [new Error('empty pipeline reply'), null]
    if (typeError) throw typeError
    expectKind(type, key, kind)
    const failed = results.find(([error]) => error)
    if (failed) throw failed[0]
    return results.slice(1).map(([, value]) => value)
  } catch (err) {
    throw streamError(err, key, group)
  }
}

function validIds(ids: readonly string[]): string[] {
  return ids.map((id) => parseStreamId(id, 'entry id'))
}

const nullableCount = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

// ---------------------------------------------------------------------------------------------
// Details: XINFO STREAM / GROUPS / CONSUMERS and each group's oldest pending entry

interface StreamInfo {
  length: number
  firstId: string | null
  lastId: string | null
  /** The stream's last id ever (XINFO last-generated-id), kept even after the entry is gone. */
  lastGeneratedId: string
  entriesAdded: number | null
  maxDeletedId: string | null
}

export function streamInfoOf(raw: unknown[]): StreamInfo {
  const info = pairsToObject(raw)
  const first = info['first-entry'] as [string, unknown] | null | undefined
  const last = info['last-entry'] as [string, unknown] | null | undefined
  return {
    length: Number(info['length'] ?? 0),
    firstId: first ? String(first[0]) : null,
    lastId: last ? String(last[0]) : null,
    lastGeneratedId: String(info['last-generated-id'] ?? '0-0'),
    entriesAdded: nullableCount(info['entries-added']),
    maxDeletedId: info['max-deleted-entry-id'] === undefined ? null : String(info['max-deleted-entry-id']),
  }
}

/**
 * Why XINFO GROUPS gave no lag, in words. Redis (t_stream.c, streamReplyWithCGLag) counts lag from
 * the group's entries-read when it is known and nothing was deleted after the group's position,
 * else it estimates from the position alone, which works only at or before the first entry with no
 * deletion inside the stream. Trimming (XTRIM, MAXLEN) never makes lag unknown; XDEL can.
 */
export function lagReason(stream: StreamInfo, group: { lag: unknown; lastDeliveredId: string; entriesRead: number | null }): string | null {
  if (group.lag !== null) return group.lag === undefined ? 'this Redis (before 7.0) does not report lag' : null
  if (compareStreamIds(group.lastDeliveredId, stream.lastGeneratedId) > 0) {
    return `the group's last-delivered id ${group.lastDeliveredId} is after the stream's last id ${stream.lastGeneratedId} (created or moved there with SETID)`
  }
  const deletedInside =
    stream.maxDeletedId !== null && stream.maxDeletedId !== '0-0' && stream.firstId !== null && compareStreamIds(stream.maxDeletedId, stream.firstId) >= 0
  const deletedAfter = deletedInside && compareStreamIds(stream.maxDeletedId!, group.lastDeliveredId) >= 0
  if (group.entriesRead === null) {
    const why = `Redis does not know how many entries the group has read: its position ${group.lastDeliveredId} was set by XGROUP CREATE or SETID (without ENTRIESREAD), not by reading`
    return deletedInside ? `${why}, and entries deleted inside the stream (XDEL, up to ${stream.maxDeletedId}) keep Redis from estimating it` : why
  }
  if (deletedAfter) {
    return `entries after the group's last-delivered id ${group.lastDeliveredId} were deleted (XDEL, up to ${stream.maxDeletedId}), so Redis cannot count how many are left to deliver`
  }
  return 'Redis cannot tell how many entries the group has not read yet'
}

export async function streamDetails(redis: RedisClient, key: string): Promise<StreamDetails> {
  const [rawStream, rawGroups] = (await execTyped(redis.pipeline().type(key).xinfo('STREAM', key).xinfo('GROUPS', key), key, 'stream')) as [
    unknown[],
    unknown[][],
  ]
  const stream = streamInfoOf(rawStream)
  const groups = rawGroups.map((raw) => pairsToObject(raw))
  const perGroup = redis.pipeline().type(key)
  for (const g of groups) {
    perGroup.xinfo('CONSUMERS', key, String(g['name']))
    // The smallest pending id is the oldest pending entry; its idle is the time since its last delivery.
    perGroup.xpending(key, String(g['name']), '-', '+', 1)
  }
  const replies = await execTyped(perGroup, key, 'stream')
  const details = groups.map((g, i): StreamGroupDetail => {
    const consumers = (replies[2 * i] as unknown[][]).map((raw) => pairsToObject(raw))
    const oldest = (replies[2 * i + 1] as [string, string, number, number][])[0]
    const lastDeliveredId = String(g['last-delivered-id'] ?? '0-0')
    const entriesRead = nullableCount(g['entries-read'])
    const lag = g['lag'] === undefined ? undefined : nullableCount(g['lag'])
    return {
      name: String(g['name']),
      lag: lag ?? null,
      lagReason: lagReason(stream, { lag, lastDeliveredId, entriesRead }),
      pending: Number(g['pending'] ?? 0),
      lastDeliveredId,
      entriesRead,
      oldestPendingId: oldest ? String(oldest[0]) : null,
      oldestPendingIdleMs: oldest ? Number(oldest[2]) : null,
      consumers: consumers.map((c) => ({
        name: String(c['name']),
        pending: Number(c['pending'] ?? 0),
        idleMs: Number(c['idle'] ?? 0),
        // Redis 7.2+ only; -1 there means the consumer never read successfully.
        inactiveMs: nullableCount(c['inactive']),
      })),
    }
  })
  return {
    kind: 'stream',
    name: key,
    length: stream.length,
    firstId: stream.firstId,
    lastId: stream.lastId,
    entriesAdded: stream.entriesAdded,
    maxDeletedId: stream.maxDeletedId,
    groups: details,
  }
}

// ---------------------------------------------------------------------------------------------
// Browsing: one page by id

/**
 * XRANGE / XREVRANGE from `from` (or the start or end) to `to` (or the other end), on its own: a
 * missing key reads as an empty range and another type fails with WRONGTYPE, so TYPE is asked only
 * then, to say which (the errors execTyped gives), and a page costs one command.
 */
async function readRange(
  redis: RedisClient,
  key: string,
  direction: 'forward' | 'backward',
  from: string | null,
  count: number,
  to?: string,
): Promise<[Buffer, Buffer[]][]> {
  let entries: [Buffer, Buffer[]][]
  try {
    entries =
      direction === 'forward'
        ? await redis.xrangeBuffer(key, from ?? '-', to ?? '+', 'COUNT', count)
        : await redis.xrevrangeBuffer(key, from ?? '+', to ?? '-', 'COUNT', count)
  } catch (err) {
    if (/WRONGTYPE/.test(messageOf(err))) await expectStream(redis, key)
    throw streamError(err, key)
  }
  if (entries.length === 0) await expectStream(redis, key)
  return entries
}

async function expectStream(redis: RedisClient, key: string): Promise<void> {
  let type: string
  try {
    type = await redis.type(key)
  } catch (err) {
    throw streamError(err, key)
  }
  expectKind(type, key, 'stream')
}

/**
 * One page of a stream: XRANGE (forward) or XREVRANGE (backward), from the start or end, from an
 * exclusive `(after` (the previous page's last id) or an inclusive `at` (an id or a time). Asks for
 * one entry more than the page to know whether there is a next page, so it never holds more.
 */
export async function peekStream(redis: RedisClient, key: string, request: PeekRequestParsed): Promise<PeekResult> {
  const { direction = 'forward', after, at } = request.range ?? {}
  if (after !== undefined && at !== undefined) {
    throw new QsError('BAD_REQUEST', 'give range.after (the next page) or range.at (jump to an id or a time), not both')
  }
  const from = after !== undefined ? `(${parseStreamId(after, 'range.after')}` : at !== undefined ? parseStreamId(at, 'range.at') : null
  const entries = await readRange(redis, key, direction, from, request.count + 1)
  const page = entries.length > request.count ? entries.slice(0, request.count) : entries
  const warnings: string[] = []
  if (request.from) warnings.push('"from" applies to RabbitMQ stream queues only; use range.at to jump to an id or a time')
  if (request.listFrom !== undefined || request.offset !== undefined) warnings.push('listFrom and offset apply to lists; a stream pages by range')
  const next = entries.length > request.count ? page.at(-1)![0].toString() : null
  if (request.form === 'summary') {
    // What the list shows; the entry the user opens comes fully decoded from readStreamEntry.
    const summarizer = new StreamPageSummaries()
    const summaries = new Array<StreamEntrySummary>(page.length)
    for (let i = 0; i < page.length; i++) summaries[i] = summarizer.summarize(shortText(page[i]![0]), page[i]![1])
    return { messages: [], entries: summaries, warnings, next }
  }
  const budget = new DisplayBudget()
  return {
    messages: page.map(([id, fields]) => ({ id: id.toString(), ...messageFromStreamFields(fields, budget), redelivered: false })),
    warnings,
    next,
  }
}

/**
 * One entry by id, fully decoded (body, typed headers, properties, the body decompressed), with a
 * page's display budget of its own: the entry a summary page's user opened.
 */
export async function readStreamEntry(redis: RedisClient, key: string, id: string): Promise<{ message: PeekedMessage; warnings: string[] }> {
  const exact = parseStreamId(id, 'id')
  const entry = (await readRange(redis, key, 'forward', exact, 1, exact))[0]
  if (entry === undefined) throw new QsError('NOT_FOUND', `entry ${exact} is no longer in stream "${key}": it was deleted or trimmed since the page was read`)
  return { message: { id: exact, ...messageFromStreamFields(entry[1], new DisplayBudget()), redelivered: false }, warnings: [] }
}

// ---------------------------------------------------------------------------------------------
// Pending entries, claim, acknowledge

/** The XPENDING summary: total and pending per consumer (null ids and consumers when empty). */
function pendingSummary(raw: unknown[]): { total: number; minId: string | null; maxId: string | null; consumers: { name: string; pending: number }[] } {
  const [total, minId, maxId, consumers] = raw as [number, string | null, string | null, [string, string][] | null]
  return {
    total: Number(total),
    minId: minId === null ? null : String(minId),
    maxId: maxId === null ? null : String(maxId),
    consumers: (consumers ?? []).map(([name, pending]) => ({ name: String(name), pending: Number(pending) })),
  }
}

export async function readPendingSummary(redis: RedisClient, key: string, group: string): Promise<ReturnType<typeof pendingSummary>> {
  const [summary] = await execTyped(redis.pipeline().type(key).xpending(key, group), key, 'stream', group)
  return pendingSummary(summary as unknown[])
}

/** XPENDING's extended form [[id, consumer, idle, deliveries]...] as entries. */
export function pendingEntriesOf(raw: unknown[]): PendingEntry[] {
  return (raw as [string, string, number, number][]).map(([id, consumer, idle, deliveries]) => ({
    id: String(id),
    consumer: String(consumer),
    idleMs: Number(idle),
    deliveries: Number(deliveries),
  }))
}

/**
 * The extended XPENDING arguments for a page: IDLE filter, start (exclusive `after`, else inclusive
 * `start`, else the beginning), end, count, consumer.
 */
export function pendingRangeArgs(page: {
  after?: string
  start?: string
  end?: string
  count: number
  consumer?: string
  minIdleMs?: number
}): (string | number)[] {
  return [
    ...(page.minIdleMs ? ['IDLE', page.minIdleMs] : []),
    page.after === undefined ? (page.start ?? '-') : `(${page.after}`,
    page.end ?? '+',
    page.count,
    ...(page.consumer === undefined ? [] : [page.consumer]),
  ]
}

export async function pendingEntries(
  redis: RedisClient,
  key: string,
  request: { group: string; consumer?: string; after?: string; count: number; minIdleMs?: number },
): Promise<PendingResult> {
  const after = request.after === undefined ? undefined : parseStreamId(request.after, 'after')
  const pipeline = redis
    .pipeline()
    .type(key)
    .xpending(key, request.group)
    .call('XPENDING', key, request.group, ...pendingRangeArgs({ ...request, after }))
  const [summary, entries] = await execTyped(pipeline, key, 'stream', request.group)
  const { total, consumers } = pendingSummary(summary as unknown[])
  return { entries: pendingEntriesOf(entries as unknown[]), total, consumers }
}

/** Commands per pipeline when one check runs per id (10,000 ids at most by the contract). */
const ID_BATCH = 1000

/**
 * XCLAIM JUSTID: ownership moves to `consumer` without counting a delivery (a user re-assigning
 * entries is not a consumer reading them). Entries whose pending id no longer exists in the stream
 * are dropped from the PEL by Redis 7 and not returned: checked beforehand (XPENDING and XRANGE of
 * each id) to tell them apart from ids that were not pending or not idle long enough.
 */
export async function claimEntries(
  redis: RedisClient,
  key: string,
  request: { group: string; ids: string[]; consumer: string; minIdleMs: number },
): Promise<ClaimResult> {
  const ids = validIds(request.ids)
  const wasPending = new Set<string>()
  const exists = new Set<string>()
  for (let i = 0; i < ids.length; i += ID_BATCH) {
    const batch = ids.slice(i, i + ID_BATCH)
    const pipeline = redis.pipeline().type(key)
    for (const id of batch) pipeline.xpending(key, request.group, id, id, 1).xrange(key, id, id)
    const replies = await execTyped(pipeline, key, 'stream', request.group)
    batch.forEach((id, j) => {
      if ((replies[2 * j] as unknown[]).length > 0) wasPending.add(id)
      if ((replies[2 * j + 1] as unknown[]).length > 0) exists.add(id)
    })
  }
  const claimed = new Set<string>()
  try {
    for (let i = 0; i < ids.length; i += ID_BATCH) {
      const got = await redis.xclaim(key, request.group, request.consumer, request.minIdleMs, ...ids.slice(i, i + ID_BATCH), 'JUSTID')
      for (const id of got) claimed.add(String(id))
    }
  } catch (err) {
    throw streamError(err, key, request.group)
  }
  const unique = [...new Set(ids)]
  return {
    claimed: unique.filter((id) => claimed.has(id)),
    deleted: unique.filter((id) => !claimed.has(id) && wasPending.has(id) && !exists.has(id)),
    skipped: unique.filter((id) => !claimed.has(id) && !(wasPending.has(id) && !exists.has(id))),
  }
}

/** XACK in one round trip, with XINFO GROUPS beside it: XACK alone answers 0 for a missing group. */
export async function ackEntries(redis: RedisClient, key: string, request: { group: string; ids: string[] }): Promise<AckResult> {
  const ids = validIds(request.ids)
  const [groups, acknowledged] = await execTyped(
    redis
      .pipeline()
      .type(key)
      .xinfo('GROUPS', key)
      .xack(key, request.group, ...ids),
    key,
    'stream',
    request.group,
  )
  if (!(groups as unknown[][]).some((raw) => String(pairsToObject(raw)['name']) === request.group)) {
    throw new QsError('NOT_FOUND', `consumer group "${request.group}" does not exist on stream "${key}"`)
  }
  return { acknowledged: Number(acknowledged) }
}

// ---------------------------------------------------------------------------------------------
// Writes: delete entries, trim (groups stay), purge, delete the key

export async function deleteEntries(redis: RedisClient, key: string, ids: string[]): Promise<{ removed: number }> {
  const [removed] = await execTyped(
    redis
      .pipeline()
      .type(key)
      .xdel(key, ...validIds(ids)),
    key,
    'stream',
  )
  return { removed: Number(removed) }
}

/**
 * XTRIM MAXLEN = keep (exact, not `~`): the oldest entries go, the key, its groups and their
 * last-delivered ids stay. Pending entries that pointed at removed entries stay in the PEL until
 * acknowledged or claimed (a claim drops them).
 */
export async function trimStream(redis: RedisClient, key: string, keep: number): Promise<{ removed: number }> {
  const [removed] = await execTyped(redis.pipeline().type(key).xtrim(key, 'MAXLEN', '=', keep), key, 'stream')
  return { removed: Number(removed) }
}

/** A stream's purge empties it and keeps its groups (XTRIM MAXLEN 0); see trimStream. */
export async function purgeStream(redis: RedisClient, key: string): Promise<PurgeResult> {
  const { removed } = await trimStream(redis, key, 0)
  return { purged: removed }
}

/**
 * DEL of a stream (with its groups) or a list, after checking it is that kind. `removed` is the
 * number of entries or items it held, read in the same MULTI as the DEL.
 */
export async function deleteKey(redis: RedisClient, key: string, kind: 'stream' | 'list'): Promise<{ removed: number }> {
  await execTyped(redis.pipeline().type(key), key, kind)
  try {
    const transaction = redis.multi()
    if (kind === 'stream') transaction.xlen(key)
    else transaction.llen(key)
    const results = (await transaction.del(key).exec()) ?? []
    const failed = results.find(([error]) => error)
    if (failed) throw failed[0]
    return { removed: Number(results[0]?.[1] ?? 0) }
  } catch (err) {
    throw streamError(err, key)
  }
}

// ---------------------------------------------------------------------------------------------
// Sampling: lag over time

/** Most keys of each kind sampled every few seconds. */
export const MAX_SAMPLED_KEYS = 1000
/** SCAN calls per kind a sample may spend finding keys before any listing did. */
const SAMPLE_SCAN_CALLS = 20

/** Up to MAX_SAMPLED_KEYS keys of a type, in at most SAMPLE_SCAN_CALLS SCAN calls per master. */
async function scanCapped(redis: RedisClient, type: 'stream' | 'list'): Promise<string[]> {
  const keys = new Set<string>()
  for (const node of masters(redis)) {
    let cursor = '0'
    let calls = 0
    do {
      const [next, batch] = await node.scan(cursor, 'COUNT', 1000, 'TYPE', type)
      cursor = next
      for (const key of batch) if (keys.size < MAX_SAMPLED_KEYS) keys.add(key)
    } while (cursor !== '0' && ++calls < SAMPLE_SCAN_CALLS && keys.size < MAX_SAMPLED_KEYS)
  }
  return [...keys]
}

type Reply = [Error | null, unknown]

/**
 * One command per key, each reply with its error: one pipeline on a single server; a Cluster sends
 * them concurrently instead, as a pipeline there must stay within one hash slot.
 */
async function perKey(redis: RedisClient, commands: [string, ...string[]][]): Promise<Reply[]> {
  if (!isCluster(redis)) return ((await redis.pipeline(commands).exec()) ?? []) as Reply[]
  return Promise.all(
    commands.map(([name, ...args]) =>
      redis.call(name, ...args).then(
        (value): Reply => [null, value],
        (error: unknown): Reply => [error instanceof Error ? error : new Error(String(error)), null],
      ),
    ),
  )
}

/**
 * Samples for the metrics history (lag sampled over time and drawn like RabbitMQ's backlog). A
 * stream `stream:<key>`: ready = length, unacked = pending over all groups, consumers, and a
 * publish rate from entries-added between two samples. Each group, under
 * streamGroupSeriesKey: lag (null when unknown), unacked = its pending, consumers, the stream's
 * publish rate as the rate in and its entries-read between samples as the rate out, which is what
 * backlogTrend needs for "time to catch up". A list `list:<key>`: ready = length. The keys are those
 * the listings found (at most MAX_SAMPLED_KEYS of each kind), or before any listing, what a capped
 * SCAN finds: never KEYS, never an unbounded scan every few seconds.
 */
export class RedisSampler {
  private readonly streams = new Set<string>()
  private readonly lists = new Set<string>()
  private listed = false
  /** The last counter (entries-added, entries-read) per series, for rates. */
  private counters = new Map<string, { at: number; value: number }>()

  remember(items: readonly { kind: string; name: string }[]): void {
    this.listed = true
    for (const item of items) {
      const keys = item.kind === 'stream' ? this.streams : item.kind === 'list' ? this.lists : null
      if (keys && keys.size < MAX_SAMPLED_KEYS) keys.add(item.name)
    }
  }

  async sample(redis: RedisClient): Promise<Map<string, SourceSample>> {
    const [streams, lists] = this.listed ? [[...this.streams], [...this.lists]] : await Promise.all([scanCapped(redis, 'stream'), scanCapped(redis, 'list')])
    const results = await perKey(redis, [
      ...streams.flatMap((key): [string, ...string[]][] => [
        ['xinfo', 'STREAM', key],
        ['xinfo', 'GROUPS', key],
      ]),
      ...lists.map((key): [string, ...string[]] => ['llen', key]),
    ])
    const at = Date.now()
    const samples = new Map<string, SourceSample>()
    const counters = new Map<string, { at: number; value: number }>()
    const rate = (series: string, value: number | null): number | null => {
      if (value === null) return null
      counters.set(series, { at, value })
      const before = this.counters.get(series)
      // A counter that went down means the key was deleted and made again: no rate this time.
      if (!before || at <= before.at || value < before.value) return null
      return ((value - before.value) * 1000) / (at - before.at)
    }
    const gone = (error: Error | null, key: string, keys: Set<string>): boolean => {
      if (!error) return false
      // Deleted or retyped since it was listed: stop sampling it. Any other failure fails the sample.
      if (!/no such key|WRONGTYPE/i.test(error.message)) throw streamError(error, key)
      keys.delete(key)
      return true
    }
    const base = { consumerCapacity: null, deliverRate: null, ackRate: null }
    let i = 0
    for (const key of streams) {
      const [infoError, rawStream] = results[i++]!
      const [groupsError, rawGroups] = results[i++]!
      if (gone(infoError ?? groupsError, key, this.streams)) continue
      const stream = streamInfoOf(rawStream as unknown[])
      const groups = (rawGroups as unknown[][]).map((raw) => pairsToObject(raw))
      const publishRate = rate(`stream:${key}`, stream.entriesAdded)
      let pending = 0
      let consumers = 0
      for (const g of groups) {
        const name = String(g['name'])
        const series = streamGroupSeriesKey(key, name)
        pending += Number(g['pending'] ?? 0)
        consumers += Number(g['consumers'] ?? 0)
        samples.set(series, {
          at,
          ...base,
          ready: null,
          unacked: Number(g['pending'] ?? 0),
          consumers: Number(g['consumers'] ?? 0),
          publishRate,
          deliverRate: rate(series, nullableCount(g['entries-read'])),
          lag: nullableCount(g['lag']),
        })
      }
      samples.set(`stream:${key}`, { at, ...base, ready: stream.length, unacked: pending, consumers, publishRate })
    }
    for (const key of lists) {
      const [error, length] = results[i++]!
      if (gone(error, key, this.lists)) continue
      samples.set(`list:${key}`, { at, ...base, ready: Number(length), unacked: null, consumers: null, publishRate: null })
    }
    this.counters = counters
    return samples
  }
}
