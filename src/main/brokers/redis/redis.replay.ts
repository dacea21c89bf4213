import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { QsError } from '../../../shared/errors'
import type { SourceRef } from '../../../shared/source-ref'
import { messageOf } from '../errors'
import { toHeaders } from '../header-values'
import type { BatchReader, ReaderOptions, ReadMessage, ReplayMessage, TargetWriter, WriteResult } from '../replay'
import { decodeStreamFields, streamFieldsFromMessage } from './redis-encoding'

function redisError(err: unknown, key: string): QsError {
  if (err instanceof QsError) return err
  const text = messageOf(err)
  if (/WRONGTYPE/.test(text)) return new QsError('BAD_REQUEST', `key "${key}" holds another type`, text)
  if (/closed|Connection is closed|ECONNRESET|EPIPE/i.test(text)) return new QsError('NOT_CONNECTED', `the Redis connection closed while working on "${key}"`, text)
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
  private cursor = '-'
  private read_ = 0
  private pending: Promise<unknown> = Promise.resolve()
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
    const ids = messages.map((m) => m.id)
    // Pipelined by ioredis; close() waits for every XDEL and reports a failure there.
    this.pending = Promise.all([this.pending, this.redis.xdel(this.key, ...ids)]).catch((err: unknown) => {
      this.failure ??= redisError(err, this.key)
    })
  }

  release(): void {
    // Reading took nothing: the entries are still in the stream.
  }

  async close(): Promise<void> {
    await this.pending
  }
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
    this.holding = `${key}:qs-replay:${randomUUID()}`
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

/**
 * Writes a replay into a Redis stream (XADD, the message mapped to fields), a list (LPUSH, as
 * producers do) or a channel (PUBLISH; nobody subscribed counts as not routed, as pub/sub keeps
 * nothing). Redis's reply is the confirm. Headers from another broker become JSON-safe values.
 */
export class RedisWriter implements TargetWriter {
  inFlight = 0
  readonly waits = 0

  constructor(
    private readonly redis: Redis,
    private readonly target: SourceRef,
  ) {
    if (target.kind !== 'stream' && target.kind !== 'list' && target.kind !== 'channel') {
      throw new QsError('BAD_REQUEST', `Redis can take messages into stream:, list: or channel:, not ${target.kind}:…`)
    }
  }

  async write(message: ReplayMessage): Promise<WriteResult> {
    this.inFlight++
    try {
      const { kind, name } = this.target
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
      throw redisError(err, this.target.name)
    } finally {
      this.inFlight--
    }
  }

  async close(): Promise<void> {
    // Every write is awaited by its caller; nothing is buffered here.
  }
}
