import { randomUUID } from 'node:crypto'
import { isCluster, type RedisClient as Redis } from './redis.connection'
import { QsError } from '../../../shared/errors'
import type { SourceRef } from '../../../shared/source-ref'
import { messageOf, redisLinkError } from '../errors'
import { toHeaders } from '../header-values'
import type { BatchReader, ReaderOptions, ReadMessage, ReplayMessage, Route, TargetWriter, WriteResult } from '../replay'
import { decodeStreamFields, streamFieldsFromMessage } from './redis-encoding'
import { compareStreamIds, parseStreamId, pendingEntriesOf, pendingRangeArgs, readPendingSummary, streamError } from './redis.streams'

/** Pending ids asked for per XPENDING page (reading and counting the PEL). */
const PENDING_PAGE = 1000

function redisError(err: unknown, key: string): QsError {
  const lost = redisLinkError(err, { where: `Redis (working on "${key}")` })
  if (lost) return lost
  if (err instanceof QsError) return err
  const text = messageOf(err)
  if (/WRONGTYPE/.test(text)) return new QsError('BAD_REQUEST', `key "${key}" holds another type`, text)
  if (/closed|Connection is closed|ECONNRESET|EPIPE/i.test(text))
    return new QsError('NOT_CONNECTED', `the Redis connection closed while working on "${key}"`, text)
  return new QsError('BROKER_ERROR', `"${key}": ${text}`, text)
}

/**
 * Reads a Redis stream for a replay: XRANGE pages by id (exclusive start), ending at the last
 * entry that existed when the reader opened, so entries added meanwhile (a replay into its own
 * stream) are not read. Nothing is taken by reading; `ack` deletes the entries (XDEL) for a move,
 * `release` does nothing. Consumer groups keep their state; a deleted entry simply is gone.
 */
export class RedisStreamReader implements BatchReader {
  readonly removable = true
  readonly selectBy = 'sourceId'
  private cursor = '-'
  private read_ = 0
  private pending: Promise<unknown> = Promise.resolve()
  /** Acknowledged ids not sent yet (one XDEL a tick). */
  private toDelete: string[] = []
  private failure: QsError | null = null

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly available: number,
    private readonly lastId: string | null,
    private readonly limit: number,
  ) {}

  static async open(redis: Redis, key: string, options: ReaderOptions): Promise<RedisStreamReader> {
    try {
      const type = await redis.type(key)
      if (type === 'none') throw new QsError('NOT_FOUND', `stream "${key}" does not exist`)
      if (type !== 'stream') throw new QsError('BAD_REQUEST', `key "${key}" is a ${type}, not a stream`)
      const [length, last] = await Promise.all([redis.xlen(key), redis.xrevrange(key, '+', '-', 'COUNT', 1)])
      return new RedisStreamReader(redis, key, length, last[0]?.[0] ?? null, options.limit ?? Number.POSITIVE_INFINITY)
    } catch (err) {
      throw redisError(err, key)
    }
  }

  get lost(): boolean {
    return this.failure !== null
  }

  async read(max: number): Promise<ReadMessage[]> {
    if (this.failure) throw this.failure
    const count = Math.min(max, this.limit - this.read_)
    if (count <= 0 || this.lastId === null || this.cursor === this.lastId) return []
    let entries: [Buffer, Buffer[]][]
    try {
      const start = this.cursor === '-' ? '-' : `(${this.cursor}`
      entries = await this.redis.xrangeBuffer(this.key, start, this.lastId, 'COUNT', count)
    } catch (err) {
      this.failure = redisError(err, this.key)
      throw this.failure
    }
    const last = entries.at(-1)
    if (last) this.cursor = last[0].toString()
    else this.cursor = this.lastId
    this.read_ += entries.length
    return entries.map(([id, fields]) => {
      const { body, properties, headers } = decodeStreamFields(fields)
      return { id: id.toString(), body, properties, headers, redelivered: false, exchange: '', routingKey: '' }
    })
  }

  ack(messages: readonly ReadMessage[]): void {
    if (this.failure) throw this.failure
    if (messages.length === 0) return
    // The engine acks one message at a time: gather a tick's worth into one XDEL (a third
    // faster than one XDEL each). close() sends the rest and waits for every XDEL.
    if (this.toDelete.length === 0) setImmediate(() => this.deleteAcked())
    for (const message of messages) this.toDelete.push(message.id)
  }

  private deleteAcked(): void {
    const ids = this.toDelete
    this.toDelete = []
    if (ids.length === 0) return
    this.pending = Promise.all([this.pending, this.redis.xdel(this.key, ...ids)]).catch((err: unknown) => {
      this.failure ??= redisError(err, this.key)
    })
  }

  release(): void {
    // Reading took nothing: the entries are still in the stream.
  }

  async close(): Promise<void> {
    this.deleteAcked()
    await this.pending
  }
}

/**
 * Reads the pending entries of a consumer group for a replay (to re-add them to the stream, or
 * move them anywhere else). The PEL is paged with XPENDING by exclusive id (only one consumer's,
 * only entries idle long enough, when asked) up to the newest id pending when the reader opened,
 * so entries a replay re-adds and a consumer then reads are not read again; given
 * `ids`, only those of them pending at the start are read. Bodies come from XRANGE of each id:
 * nothing is claimed and no delivery is counted. `ack` = XACK in the group (the move); `release`
 * leaves an entry pending. A pending id whose entry was deleted from the stream has no body to
 * replay: it is skipped, stays pending, and is listed in `deleted`.
 */
export class RedisPendingReader implements BatchReader {
  readonly removable = true
  readonly selectBy = 'sourceId'
  /** Pending ids whose entries no longer exist in the stream (skipped, left pending). */
  readonly deleted: string[] = []
  private cursor: string | undefined
  private position = 0
  private read_ = 0
  private exhausted = false
  private acks: Promise<unknown> = Promise.resolve()
  private failure: QsError | null = null

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly group: string,
    readonly available: number,
    /** The newest id pending at open (null: nothing was pending). */
    private readonly end: string | null,
    /** Given ids still pending at open, in stream order; null pages the PEL. */
    private readonly ids: string[] | null,
    private readonly filter: { consumer?: string; minIdleMs?: number },
    private readonly limit: number,
  ) {}

  static async open(redis: Redis, key: string, options: ReaderOptions & { group: string }): Promise<RedisPendingReader> {
    const { group, consumer, minIdleMs } = options
    const filter = { consumer, minIdleMs }
    const limit = options.limit ?? Number.POSITIVE_INFINITY
    const summary = await readPendingSummary(redis, key, group)
    try {
      if (options.ids) {
        const wanted = [...new Set(options.ids.map((id) => parseStreamId(id, 'entry id')))].sort(compareStreamIds)
        const pending: string[] = []
        for (let i = 0; i < wanted.length; i += PENDING_PAGE) {
          const batch = wanted.slice(i, i + PENDING_PAGE)
          const pipeline = redis.pipeline()
          for (const id of batch) pipeline.call('XPENDING', key, group, ...pendingRangeArgs({ ...filter, start: id, end: id, count: 1 }))
          const results = (await pipeline.exec()) ?? []
          const failed = results.find(([error]) => error)
          if (failed) throw failed[0]
          batch.forEach((id, j) => {
            if ((results[j]![1] as unknown[]).length > 0) pending.push(id)
          })
        }
        return new RedisPendingReader(redis, key, group, pending.length, summary.maxId, pending, filter, limit)
      }
      let available = consumer === undefined ? summary.total : (summary.consumers.find((c) => c.name === consumer)?.pending ?? 0)
      if (minIdleMs && summary.maxId !== null) {
        // Only counted: XPENDING pages by id, each page dropped before the next.
        available = 0
        let after: string | undefined
        for (;;) {
          const page = pendingEntriesOf(
            (await redis.call('XPENDING', key, group, ...pendingRangeArgs({ ...filter, after, end: summary.maxId, count: PENDING_PAGE }))) as unknown[],
          )
          available += page.length
          if (page.length < PENDING_PAGE) break
          after = page.at(-1)!.id
        }
      }
      return new RedisPendingReader(redis, key, group, available, summary.maxId, null, filter, limit)
    } catch (err) {
      throw streamError(err, key, group)
    }
  }

  get lost(): boolean {
    return this.failure !== null
  }

  /** The next pending ids to read, at most `count`. */
  private async nextIds(count: number): Promise<string[]> {
    if (this.ids) {
      const ids = this.ids.slice(this.position, this.position + count)
      this.position += ids.length
      this.exhausted = this.position >= this.ids.length
      return ids
    }
    if (this.end === null) {
      this.exhausted = true
      return []
    }
    const reply = await this.redis.call('XPENDING', this.key, this.group, ...pendingRangeArgs({ ...this.filter, after: this.cursor, end: this.end, count }))
    const ids = pendingEntriesOf(reply as unknown[]).map((entry) => entry.id)
    this.cursor = ids.at(-1) ?? this.cursor
    this.exhausted = ids.length < count
    return ids
  }

  async read(max: number): Promise<ReadMessage[]> {
    if (this.failure) throw this.failure
    const messages: ReadMessage[] = []
    try {
      // Loops only past pending ids whose entries were deleted, so an empty batch means the end.
      while (messages.length === 0 && !this.exhausted) {
        const count = Math.min(max, this.limit - this.read_)
        if (count <= 0) break
        const ids = await this.nextIds(count)
        const pipeline = this.redis.pipeline()
        for (const id of ids) pipeline.xrangeBuffer(this.key, id, id)
        const results = ids.length > 0 ? ((await pipeline.exec()) ?? []) : []
        ids.forEach((id, i) => {
          const [error, entries] = results[i] ?? [new Error('no reply'), null]
          if (error) throw error
          const entry = (entries as [Buffer, Buffer[]][])[0]
          if (!entry) {
            this.deleted.push(id)
            return
          }
          const { body, properties, headers } = decodeStreamFields(entry[1])
          messages.push({ id, body, properties, headers, redelivered: true, exchange: '', routingKey: '' })
        })
        this.read_ += messages.length
      }
    } catch (err) {
      this.failure = streamError(err, this.key, this.group)
      throw this.failure
    }
    return messages
  }

  ack(messages: readonly ReadMessage[]): void {
    if (this.failure) throw this.failure
    if (messages.length === 0) return
    // Pipelined by ioredis; close() waits for every XACK.
    this.acks = Promise.all([this.acks, this.redis.xack(this.key, this.group, ...messages.map((m) => m.id))]).catch((err: unknown) => {
      this.failure ??= streamError(err, this.key, this.group)
    })
  }

  release(): void {
    // Reading claimed nothing: released entries simply stay pending where they were.
  }

  async close(): Promise<void> {
    await this.acks
  }
}

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{')
  if (open >= 0) {
    const close = key.indexOf('}', open + 1)
    if (close > open + 1) return key.slice(open + 1, close)
  }
  return key
}

/**
 * Reads a Redis list used as a queue (producers LPUSH, workers pop from the right) for a replay,
 * the reliable-queue way: each item is moved atomically (LMOVE, right to left) into a holding list
 * `<key>:qs-replay:<uuid>`, so a worker cannot take it meanwhile and a crash leaves it visible
 * there. `ack` deletes it from the holding list (move); `release` and `close` put everything still
 * held back at the right end of the source, in the order it had.
 */
export class RedisListReader implements BatchReader {
  readonly removable = true
  private taken = 0
  private failure: QsError | null = null
  private acks: Promise<unknown> = Promise.resolve()
  readonly holding: string

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly available: number,
    private readonly limit: number,
  ) {
    // In a Cluster the holding list must hash to the source's slot (LMOVE and the pipelines touch
    // both), so it carries the source's hash tag.
    this.holding = isCluster(redis) ? `{${hashTagOf(key)}}:qs-replay:${randomUUID()}` : `${key}:qs-replay:${randomUUID()}`
  }

  static async open(redis: Redis, key: string, options: ReaderOptions): Promise<RedisListReader> {
    try {
      const type = await redis.type(key)
      if (type === 'none') throw new QsError('NOT_FOUND', `list "${key}" does not exist`)
      if (type !== 'list') throw new QsError('BAD_REQUEST', `key "${key}" is a ${type}, not a list`)
      const length = await redis.llen(key)
      return new RedisListReader(redis, key, length, Math.min(options.limit ?? length, length))
    } catch (err) {
      throw redisError(err, key)
    }
  }

  get lost(): boolean {
    return this.failure !== null
  }

  async read(max: number): Promise<ReadMessage[]> {
    if (this.failure) throw this.failure
    const count = Math.min(max, this.limit - this.taken)
    if (count <= 0) return []
    let moved: (Buffer | null)[]
    try {
      const pipeline = this.redis.pipeline()
      for (let i = 0; i < count; i++) pipeline.lmoveBuffer(this.key, this.holding, 'RIGHT', 'LEFT')
      const results = (await pipeline.exec()) ?? []
      const failed = results.find(([err]) => err)
      if (failed) throw failed[0]
      moved = results.map(([, value]) => value as Buffer | null)
    } catch (err) {
      this.failure = redisError(err, this.key)
      throw this.failure
    }
    const items = moved.filter((v): v is Buffer => v !== null)
    this.taken += items.length
    return items.map((body, index) => ({
      id: String(this.taken - items.length + index),
      body,
      properties: {},
      headers: {},
      redelivered: false,
      exchange: '',
      routingKey: '',
    }))
  }

  ack(messages: readonly ReadMessage[]): void {
    if (this.failure) throw this.failure
    if (messages.length === 0) return
    const pipeline = this.redis.pipeline()
    // The oldest taken sits at the holding list's right end: remove from there.
    for (const message of messages) pipeline.lrem(this.holding, -1, message.body)
    this.acks = Promise.all([this.acks, pipeline.exec()]).catch((err: unknown) => {
      this.failure ??= redisError(err, this.key)
    })
  }

  release(): void {
    // Released items stay in the holding list until close, which returns them all in order.
  }

  async close(): Promise<void> {
    await this.acks
    try {
      // Back to the source's right end (where workers pop), oldest first, as they were.
      for (;;) {
        const pipeline = this.redis.pipeline()
        for (let i = 0; i < 500; i++) pipeline.lmove(this.holding, this.key, 'LEFT', 'RIGHT')
        const results = (await pipeline.exec()) ?? []
        if (results.some(([, value]) => value === null)) break
      }
    } catch (err) {
      this.failure ??= redisError(err, this.key)
      throw new QsError('BROKER_ERROR', `could not return every item to list "${this.key}": the rest is in "${this.holding}"`, messageOf(err))
    }
  }
}

function checkWritable(target: SourceRef): void {
  if (target.kind !== 'stream' && target.kind !== 'list' && target.kind !== 'channel') {
    throw new QsError('BAD_REQUEST', `Redis can take messages into stream:, list: or channel:, not ${target.kind}:…`)
  }
}

/**
 * Writes a replay into a Redis stream (XADD, the message mapped to fields), a list (LPUSH, as
 * producers do) or a channel (PUBLISH; nobody subscribed counts as not routed, as pub/sub keeps
 * nothing). Redis's reply is the confirm. Headers from another broker become JSON-safe values.
 * Opened without a target, each write names its own (`route.target`: back to origin).
 */
export class RedisWriter implements TargetWriter {
  inFlight = 0
  readonly waits = 0

  constructor(
    private readonly redis: Redis,
    private readonly target?: SourceRef,
  ) {
    if (target) checkWritable(target)
  }

  async write(message: ReplayMessage, route?: Route): Promise<WriteResult> {
    const target = route?.target ?? this.target
    if (!target) throw new QsError('BAD_REQUEST', 'a Redis write needs a stream, list or channel to go to')
    checkWritable(target)
    this.inFlight++
    try {
      const { kind, name } = target
      if (kind === 'stream') {
        await this.redis.xadd(name, '*', ...streamFieldsFromMessage(message.body, toHeaders(message.headers), message.properties))
        return { routed: true }
      }
      if (kind === 'list') {
        await this.redis.lpush(name, message.body)
        return { routed: true }
      }
      const receivers = await this.redis.publish(name, message.body)
      return receivers > 0 ? { routed: true } : { routed: false, reason: 'NO_SUBSCRIBERS' }
    } catch (err) {
      throw redisError(err, target.name)
    } finally {
      this.inFlight--
    }
  }

  async close(): Promise<void> {
    // Every write is awaited by its caller; nothing is buffered here.
  }
}
