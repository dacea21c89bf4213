import type { Redis } from 'ioredis'
import { createRedisClient, type RedisTarget } from './redis.connection'
import { QsError } from '../../../shared/errors'
import type { SourceItem, SourceList, StreamGroup } from '../../../shared/model'
import type { PeekRequestParsed, PeekResult, PeekedMessage, PurgeResult } from '../../../shared/messages'
import type { PublishRequestParsed, PublishResult } from '../../../shared/publish'
import { parseSourceRef, type SourceRef } from '../../../shared/source-ref'
import type { BrokerAdapter, ConnectInfo, ListOptions } from '../adapter'
import type { BrokerOverview } from '../../../shared/broker-overview'
import type { BatchReader, ReaderOptions, TargetWriter } from '../replay'
import { RedisListReader, RedisStreamReader, RedisWriter } from './redis.replay'
import { messageOf, networkError } from '../errors'
import { browsedBody } from '../message-body'
import { globEscape, messageFromStreamFields, pairsToObject, streamFieldsFromMessage } from './redis-encoding'


/** Listing stops here and says so; issue #4 brings incremental, cancellable discovery. */
export const MAX_LISTED_KEYS = 10_000
const SCAN_COUNT = 1000

export function redisConnectError(err: unknown, target: RedisTarget): QsError {
  const where = `Redis at ${target.host}:${target.port}`
  const net = networkError(err, where)
  if (net) return net
  const text = messageOf(err)
  if (/WRONGPASS|invalid username-password/i.test(text)) {
    return new QsError('AUTH_FAILED', `${where} refused the credentials: wrong user name or password`, text)
  }
  if (/NOAUTH/i.test(text)) {
    return new QsError('AUTH_FAILED', `${where} requires a password`, text)
  }
  if (/ERR .*DB index is out of range|invalid DB index/i.test(text)) {
    return new QsError('NOT_FOUND', `${where}: database ${target.db} does not exist`, text)
  }
  if (/timeout/i.test(text)) return new QsError('TIMEOUT', `timed out connecting to ${where}`, text)
  return new QsError('BROKER_ERROR', `${where}: ${text}`)
}

export class RedisAdapter implements BrokerAdapter {
  readonly broker = 'redis' as const
  private client: Redis | null = null
  private lostListener: ((error: Error) => void) | null = null
  private closing = false
  private lastError: Error | null = null

  constructor(
    private readonly target: RedisTarget,
    private readonly password: string | null,
  ) {}

  async connect(): Promise<ConnectInfo> {
    const t = this.target
    const client = createRedisClient(t, this.password)
    client.on('error', (err: Error) => {
      this.lastError = err
    })
    try {
      await client.connect()
      const info = await client.info('server')
      const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown'
      this.client = client
      client.on('end', () => {
        this.client = null
        if (!this.closing) this.lostListener?.(this.lastError ?? new Error('Redis closed the connection'))
      })
      return { server: `Redis ${version}`, warnings: [] }
    } catch (err) {
      client.disconnect()
      throw redisConnectError(this.lastError && !(err instanceof Error && /WRONGPASS|NOAUTH/.test(err.message)) ? this.lastError : err, t)
    }
  }

  onLost(listener: (error: Error) => void): void {
    this.lostListener = listener
  }

  async close(): Promise<void> {
    this.closing = true
    const client = this.client
    this.client = null
    if (client) await client.quit().catch(() => client.disconnect())
  }

  private redis(): Redis {
    if (!this.client) throw new QsError('NOT_CONNECTED', 'the Redis connection is closed')
    return this.client
  }

  /**
   * The databases (with their key counts from INFO keyspace) and the server's client and pub/sub
   * counts. Cluster mode has only database 0.
   */
  async overview(): Promise<BrokerOverview> {
    const redis = this.redis()
    const [keyspace, clients, databases] = await Promise.all([
      redis.info('keyspace'),
      redis.info('clients'),
      redis.config('GET', 'databases').catch(() => null),
    ])
    const keys = new Map<number, number>()
    for (const match of keyspace.matchAll(/^db(\d+):keys=(\d+)/gm)) keys.set(Number(match[1]), Number(match[2]))
    const configured = Array.isArray(databases) ? Number(databases[1]) : Number.NaN
    const count = Number.isInteger(configured) && configured > 0 ? Math.min(configured, 256) : Math.max(16, ...[...keys.keys()].map((db) => db + 1))
    const scopes = Array.from({ length: count }, (_, db) => ({ name: String(db), items: keys.get(db) ?? 0 }))
    const connected = /connected_clients:(\d+)/.exec(clients)?.[1]
    const warnings: string[] = []
    if (!Array.isArray(databases)) warnings.push('CONFIG GET databases is not allowed for this user: showing databases 0-15 and any that hold keys')
    return {
      scope: String(this.target.db),
      scopeKind: 'database',
      scopes,
      counts: {
        connections: connected === undefined ? null : Number(connected),
        // Redis has no AMQP-style channels, and consumers are per stream group (see each stream).
        channels: null,
        consumers: null,
        scope: 'server',
      },
      warnings,
    }
  }

  /** SCAN with TYPE (never KEYS), deduplicated: SCAN may return a key more than once. */
  private async scanKeys(type: 'stream' | 'list', match: string, limit: number): Promise<string[]> {
    const redis = this.redis()
    const keys = new Set<string>()
    let cursor = '0'
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT, 'TYPE', type)
      cursor = next
      for (const key of batch) keys.add(key)
    } while (cursor !== '0' && keys.size < limit)
    return [...keys].sort().slice(0, limit)
  }

  async listSources(options: ListOptions = {}): Promise<SourceList> {
    const redis = this.redis()
    const match = options.filter ? `*${globEscape(options.filter)}*` : '*'
    const warnings: string[] = []
    const [streamKeys, listKeys] = await Promise.all([
      this.scanKeys('stream', match, MAX_LISTED_KEYS),
      this.scanKeys('list', match, MAX_LISTED_KEYS),
    ])
    if (streamKeys.length + listKeys.length >= MAX_LISTED_KEYS) {
      warnings.push(`showing the first ${MAX_LISTED_KEYS.toLocaleString('en-US')} keys of each kind; narrow the filter to see others`)
    }

    const pipeline = redis.pipeline()
    for (const key of streamKeys) {
      pipeline.xinfo('STREAM', key)
      pipeline.xinfo('GROUPS', key)
    }
    for (const key of listKeys) pipeline.llen(key)
    const results = (await pipeline.exec()) ?? []

    const items: SourceItem[] = []
    let i = 0
    for (const name of streamKeys) {
      const [streamErr, streamInfo] = results[i++] ?? [null, null]
      const [groupsErr, groupsInfo] = results[i++] ?? [null, null]
      // A key deleted or retyped between SCAN and XINFO is simply gone; skip it.
      if (streamErr || groupsErr) continue
      items.push(toStreamItem(name, streamInfo as unknown[], groupsInfo as unknown[][]))
    }
    for (const name of listKeys) {
      const [err, length] = results[i++] ?? [null, null]
      if (err) continue
      items.push({ kind: 'list', name, messages: Number(length), consumers: null })
    }
    return { items, warnings, scope: `db ${this.target.db}`, listedAt: Date.now() }
  }

  async publish(request: PublishRequestParsed): Promise<PublishResult> {
    const redis = this.redis()
    const ref = parseSourceRef(request.target)
    const body = Buffer.from(request.body, request.encoding)
    try {
      switch (ref.kind) {
        case 'stream': {
          const fields = streamFieldsFromMessage(body, request.headers, request.properties)
          const id = await redis.xadd(ref.name, '*', ...fields)
          return { routed: true, id: id ?? undefined }
        }
        case 'list': {
          const length = request.listEnd === 'right' ? await redis.rpush(ref.name, body) : await redis.lpush(ref.name, body)
          return { routed: true, count: length }
        }
        case 'channel': {
          const receivers = await redis.publish(ref.name, body)
          // Pub/sub is at-most-once: with nobody subscribed the message is gone.
          return receivers > 0 ? { routed: true, count: receivers } : { routed: false, count: 0, reason: 'NO_SUBSCRIBERS' }
        }
        default:
          throw new QsError('BAD_REQUEST', `Redis cannot publish to ${ref.kind}:…; use stream:, list: or channel:`)
      }
    } catch (err) {
      if (err instanceof QsError) throw err
      const text = messageOf(err)
      if (/WRONGTYPE/.test(text)) {
        throw new QsError('BAD_REQUEST', `key "${ref.name}" exists but is not a ${ref.kind}`, text)
      }
      throw new QsError('BROKER_ERROR', text)
    }
  }

  /** Read-only commands only (DESIGN.md): TYPE, then XRANGE from the start or LRANGE from the head. */
  async peek(request: PeekRequestParsed): Promise<PeekResult> {
    const redis = this.redis()
    const ref = parseSourceRef(request.source)
    if (ref.kind !== 'stream' && ref.kind !== 'list') {
      throw new QsError('BAD_REQUEST', `Redis can browse stream:<key> and list:<key>, not ${ref.kind}:…${ref.kind === 'channel' ? ' (pub/sub keeps nothing to browse: use live tail)' : ''}`)
    }
    const warnings = request.from ? ['"from" applies to RabbitMQ stream queues only; this key is browsed from its start'] : []
    try {
      const type = await redis.type(ref.name)
      if (type === 'none') throw new QsError('NOT_FOUND', `key "${ref.name}" does not exist in db ${this.target.db}`)
      if (type !== ref.kind) throw new QsError('BAD_REQUEST', `key "${ref.name}" is a ${type}, not a ${ref.kind}`)
      if (ref.kind === 'stream') {
        const entries = await redis.xrangeBuffer(ref.name, '-', '+', 'COUNT', request.count)
        return { messages: entries.map(([id, fields]) => ({ id: id.toString(), ...messageFromStreamFields(fields), redelivered: false })), warnings }
      }
      const items = await redis.lrangeBuffer(ref.name, 0, request.count - 1)
      return {
        messages: items.map((item, index): PeekedMessage => ({ id: String(index), ...browsedBody(item), properties: {}, headers: {}, redelivered: false })),
        warnings,
      }
    } catch (err) {
      if (err instanceof QsError) throw err
      throw new QsError('BROKER_ERROR', messageOf(err))
    }
  }

  /** Replay from a stream (XRANGE pages, XDEL on ack) or a list (LMOVE into a holding list, LREM on ack). */
  async openReader(source: SourceRef, options: ReaderOptions = {}): Promise<BatchReader> {
    if (source.kind === 'stream') return RedisStreamReader.open(this.redis(), source.name, options)
    if (source.kind === 'list') return RedisListReader.open(this.redis(), source.name, options)
    throw new QsError('UNSUPPORTED', `replaying from Redis ${source.kind}:… is not supported; use stream:<key> or list:<key>`)
  }

  async openWriter(target?: SourceRef): Promise<TargetWriter> {
    if (!target) throw new QsError('BAD_REQUEST', 'a Redis replay target must name a stream, list or channel')
    return new RedisWriter(this.redis(), target)
  }

  async purge(source: SourceRef): Promise<PurgeResult> {
    // Deliberately not built yet: deleting or trimming a key is the Redis issue's decision (#4).
    throw new QsError('UNSUPPORTED', `purging Redis ${source.kind}:… is not supported yet; only RabbitMQ queues can be purged`)
  }
}

function toStreamItem(name: string, streamInfo: unknown[], groupsInfo: unknown[][]): SourceItem {
  const info = pairsToObject(streamInfo)
  const firstEntry = info['first-entry'] as [string, unknown] | null | undefined
  const lastEntry = info['last-entry'] as [string, unknown] | null | undefined
  const groups: StreamGroup[] = groupsInfo.map((raw) => {
    const g = pairsToObject(raw)
    const lag = g['lag']
    const entriesRead = g['entries-read']
    return {
      name: String(g['name']),
      lag: lag === null || lag === undefined ? null : Number(lag),
      pending: Number(g['pending'] ?? 0),
      consumers: Number(g['consumers'] ?? 0),
      lastDeliveredId: String(g['last-delivered-id'] ?? '0-0'),
      entriesRead: entriesRead === null || entriesRead === undefined ? null : Number(entriesRead),
    }
  })
  return {
    kind: 'stream',
    name,
    messages: Number(info['length'] ?? 0),
    consumers: groups.reduce((sum, g) => sum + g.consumers, 0),
    firstId: firstEntry ? String(firstEntry[0]) : null,
    lastId: lastEntry ? String(lastEntry[0]) : null,
    groups,
  }
}
