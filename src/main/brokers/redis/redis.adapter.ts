import { connectWithin, createRedisClient, describeRedis, isCluster, keepChecking, masters, type RedisClient, type RedisTarget } from './redis.connection'
import { REDIS_DESCRIPTION, redisRouting } from './redis.capabilities'
import { discoverSources } from './redis.discovery'
import { QsError } from '../../../shared/errors'
import type { SourceList } from '../../../shared/model'
import type { PeekRequestParsed, PeekResult, PurgeResult } from '../../../shared/messages'
import type { PublishRequestParsed, PublishResult } from '../../../shared/publish'
import { parseSourceRef, type SourceRef } from '../../../shared/source-ref'
import type { BrokerAdapter, ConnectInfo, ListOptions, TailHandle, TailOptions, TailSink } from '../adapter'
import type { BrokerOverview } from '../../../shared/broker-overview'
import type { BatchReader, ReaderOptions, TargetWriter } from '../replay'
import { RedisListReader, RedisPendingReader, RedisStreamReader, RedisWriter } from './redis.replay'
import {
  ackEntries,
  claimEntries,
  deleteEntries,
  deleteKey,
  peekStream,
  pendingEntries,
  purgeStream,
  readStreamEntry,
  RedisSampler,
  streamDetails,
  trimStream,
} from './redis.streams'
import { listDetails, peekList, purgeList } from './redis.lists'
import type { SourceDetails } from '../../../shared/topology'
import type { SourceSample } from '../../../shared/metrics'
import { messageOf, networkError, redisLinkError, redisLostReason } from '../errors'
import { resolveTimeouts, withDeadline, type BrokerTimeouts } from '../timeouts'
import { streamFieldsFromMessage } from './redis-encoding'
import { openRedisTail } from './redis.tail'
import { BullmqQueues } from './redis.bullmq'

const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ERR_TLS|ERR_SSL|SSL routines|secure TLS connection/i

/** How long a clean close (QUIT) may wait before the socket is dropped. */
const CLOSE_TIMEOUT_MS = 2000

const hostPorts = (nodes: { host: string; port: number }[]): string => nodes.map((node) => `${node.host}:${node.port}`).join(', ')

/** Why a connection failed, in words, for each topology (ioredis wraps Sentinel and Cluster causes). */
export function redisConnectError(err: unknown, target: RedisTarget): QsError {
  const topology = target.topology
  const where = describeRedis(target)
  // A Cluster reports "Failed to refresh slots cache." with the node's own error inside.
  const cause = (err as { lastNodeError?: unknown } | null)?.lastNodeError ?? err
  const text = messageOf(cause)
  const code = String((cause as { code?: unknown } | null)?.code ?? '')
  if (TLS_FAILURE.test(code) || TLS_FAILURE.test(text)) {
    const hint = /WRONG_VERSION|wrong version|secure TLS connection/i.test(`${code} ${text}`)
      ? 'the server does not speak TLS on this port (use redis:// for a plain connection)'
      : "the server's TLS certificate is not trusted or does not match the host name"
    return new QsError('UNREACHABLE', `TLS with ${where} failed: ${hint}`, text)
  }
  if (target.tls && /timeout|ETIMEDOUT/i.test(`${code} ${text}`)) {
    return new QsError(
      'TIMEOUT',
      `timed out connecting to ${where} over TLS: does the server accept TLS on this port? (rediss:// is TLS, redis:// is plain)`,
      text,
    )
  }
  if (topology.kind === 'sentinel') {
    if (/No such master with that name/i.test(text)) {
      return new QsError(
        'NOT_FOUND',
        `the sentinels at ${hostPorts(topology.sentinels)} know no master named "${topology.master}": check sentinelMaster= in the URL`,
        text,
      )
    }
    if (/All sentinels are unreachable/i.test(text)) {
      return new QsError(
        'UNREACHABLE',
        `cannot reach any sentinel at ${hostPorts(topology.sentinels)} (is Sentinel running there? the URL's host:port and sentinels= list them)`,
        text,
      )
    }
  }
  if (topology.kind === 'cluster') {
    if (/cluster support disabled/i.test(text)) {
      return new QsError('UNSUPPORTED', `${where}: the node is not part of a Cluster (cluster support is disabled): remove cluster=1 from the URL`, text)
    }
    if (/Connection is closed|None of startup nodes is available/i.test(text)) {
      return new QsError('UNREACHABLE', `cannot reach any seed node of the ${where}`, text)
    }
  }
  const net = networkError(cause, where)
  if (net) return net
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
  if (!target.tls && /Connection is closed/i.test(text)) {
    return new QsError('UNREACHABLE', `${where} closed the connection at once: if it expects TLS, use rediss://`, text)
  }
  return new QsError('BROKER_ERROR', `${where}: ${text}`)
}

export class RedisAdapter implements BrokerAdapter {
  readonly broker = 'redis' as const
  readonly description = REDIS_DESCRIPTION
  readonly routing = redisRouting
  private client: RedisClient | null = null
  private lostListener: ((error: Error) => void) | null = null
  private closing = false
  private lastError: Error | null = null
  /** BullMQ Queue objects on this connection's client, made on first use (redis.bullmq.ts). */
  private bullmq: BullmqQueues | null = null
  /** The keys listings found, sampled for the metrics history with their rates. */
  private readonly sampler = new RedisSampler()
  private readonly timeouts: BrokerTimeouts
  private stopChecking: () => void = () => undefined

  constructor(
    private readonly target: RedisTarget,
    private readonly password: string | null,
    timeouts: Partial<BrokerTimeouts> = {},
  ) {
    this.timeouts = resolveTimeouts(timeouts)
  }

  async connect(): Promise<ConnectInfo> {
    const t = this.target
    const where = describeRedis(t)
    const client = createRedisClient(t, this.password, { timeouts: this.timeouts })
    client.on('error', (err: Error) => {
      this.lastError = err
    })
    try {
      const info = await connectWithin(client, this.timeouts.connectMs, where, () => client.info('server'))
      const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown'
      const mode = /redis_mode:(\w+)/.exec(info)?.[1]
      const warnings: string[] = []
      if (mode === 'sentinel') {
        throw new QsError(
          'UNSUPPORTED',
          `${t.host}:${t.port} is a Sentinel, not a data node: add ?sentinelMaster=NAME to the URL to reach the master it monitors`,
        )
      }
      if (mode === 'cluster' && t.topology.kind !== 'cluster') {
        warnings.push(`${t.host}:${t.port} is a Cluster node: only its own keys are listed; add ?cluster=1 to the URL to see every master`)
      }
      this.client = client
      this.stopChecking = keepChecking(client, this.timeouts.deadLinkMs)
      client.on('end', () => {
        this.client = null
        this.stopChecking()
        if (!this.closing) this.lostListener?.(redisLostReason(this.lastError ?? new Error(`${where} closed the connection`), where))
      })
      return { server: `Redis ${version}${serverSuffix(t, client)}`, warnings }
    } catch (err) {
      client.disconnect()
      if (err instanceof QsError) throw err
      throw redisConnectError(this.lastError && !(err instanceof Error && /WRONGPASS|NOAUTH/.test(err.message)) ? this.lastError : err, t)
    }
  }

  onLost(listener: (error: Error) => void): void {
    this.lostListener = listener
  }

  async close(): Promise<void> {
    this.closing = true
    this.stopChecking()
    const bullmq = this.bullmq
    this.bullmq = null
    // A clean QUIT when the server answers; a dead link must not hold Disconnect up.
    const quitMs = Math.min(CLOSE_TIMEOUT_MS, this.timeouts.requestMs)
    const late = (): Error => new Error('close timed out')
    await withDeadline(bullmq?.close() ?? Promise.resolve(), quitMs, late).catch(() => undefined)
    const client = this.client
    this.client = null
    if (client) await withDeadline(client.quit(), quitMs, late).catch(() => client.disconnect())
  }

  private redis(): RedisClient {
    if (!this.client) throw new QsError('NOT_CONNECTED', 'the Redis connection is closed')
    return this.client
  }

  /**
   * Runs one call on the connection; a failure of the link (a command's deadline, a connection
   * lost or found dead) comes back as TIMEOUT or NOT_CONNECTED saying whether a write may have
   * happened, never as a broker error.
   */
  private async run<T>(write: boolean, work: (redis: RedisClient) => Promise<T>): Promise<T> {
    const redis = this.redis()
    try {
      return await work(redis)
    } catch (err) {
      throw redisLinkError(err, { where: describeRedis(this.target), write, requestMs: this.timeouts.requestMs }) ?? err
    }
  }

  /**
   * The databases (with their key counts from INFO keyspace) and the server's client count. A
   * Cluster has only database 0; its keys and clients are summed over the masters.
   */
  async overview(): Promise<BrokerOverview> {
    return this.run(false, (redis) => this.overviewOf(redis))
  }

  private async overviewOf(redis: RedisClient): Promise<BrokerOverview> {
    const cluster = isCluster(redis)
    const nodes = masters(redis)
    const [keyspaces, clients, databases] = await Promise.all([
      Promise.all(nodes.map((node) => node.info('keyspace'))),
      Promise.all(nodes.map((node) => node.info('clients'))),
      cluster ? null : redis.config('GET', 'databases').catch(() => null),
    ])
    const keys = new Map<number, number>()
    for (const keyspace of keyspaces) {
      for (const match of keyspace.matchAll(/^db(\d+):keys=(\d+)/gm)) keys.set(Number(match[1]), (keys.get(Number(match[1])) ?? 0) + Number(match[2]))
    }
    const configured = Array.isArray(databases) ? Number(databases[1]) : Number.NaN
    const count = cluster
      ? 1
      : Number.isInteger(configured) && configured > 0
        ? Math.min(configured, 256)
        : Math.max(16, ...[...keys.keys()].map((db) => db + 1))
    const scopes = Array.from({ length: count }, (_, db) => ({ name: String(db), items: keys.get(db) ?? 0 }))
    const perNode = clients.map((info) => /connected_clients:(\d+)/.exec(info)?.[1])
    const connected = perNode.includes(undefined) ? undefined : perNode.reduce((sum, c) => sum + Number(c), 0)
    const warnings: string[] = []
    if (!cluster && !Array.isArray(databases)) warnings.push('CONFIG GET databases is not allowed for this user: showing databases 0-15 and any that hold keys')
    return {
      scope: String(this.target.db),
      scopeKind: 'database',
      scopes,
      counts: {
        connections: connected ?? null,
        // Redis has no AMQP-style channels, and consumers are per stream group (see each stream).
        channels: null,
        consumers: null,
        scope: cluster ? `${nodes.length} Cluster masters` : 'server',
      },
      warnings,
    }
  }

  /** Streams, lists, BullMQ queues and channels: SCAN on every master (redis.discovery.ts). */
  async listSources(options: ListOptions = {}): Promise<SourceList> {
    const list = await this.run(false, (redis) => discoverSources(redis, options, `db ${this.target.db}`))
    this.sampler.remember(list.items)
    return list
  }

  async publish(request: PublishRequestParsed): Promise<PublishResult> {
    return this.run(true, (redis) => this.publishOn(redis, request))
  }

  private async publishOn(redis: RedisClient, request: PublishRequestParsed): Promise<PublishResult> {
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
      throw new QsError('BROKER_ERROR', text, text)
    }
  }

  /** One page by id (streams) or by offset from either end (lists), read-only (redis.streams.ts, redis.lists.ts). */
  async peek(request: PeekRequestParsed): Promise<PeekResult> {
    const ref = parseSourceRef(request.source)
    if (ref.kind === 'stream') return this.run(false, (redis) => peekStream(redis, ref.name, request))
    if (ref.kind === 'list') return this.run(false, (redis) => peekList(redis, ref.name, request))
    throw new QsError(
      'BAD_REQUEST',
      `Redis can browse stream:<key> and list:<key>, not ${ref.kind}:…${ref.kind === 'channel' ? ' (pub/sub keeps nothing to browse: use live tail)' : ''}`,
    )
  }

  /**
   * Replay from a stream (XRANGE pages, XDEL on ack), a group's pending entries (`group`: XPENDING
   * pages, XACK on ack) or a list (LMOVE into a holding list, LREM on ack).
   */
  async openReader(source: SourceRef, options: ReaderOptions = {}): Promise<BatchReader> {
    const { group } = options
    if (group !== undefined && source.kind !== 'stream')
      throw new QsError('BAD_REQUEST', `pending entries of group "${group}" belong to a stream:<key>, not ${source.kind}:…`)
    if (group !== undefined) return this.run(false, (redis) => RedisPendingReader.open(redis, source.name, { ...options, group }))
    if (source.kind === 'stream') return this.run(false, (redis) => RedisStreamReader.open(redis, source.name, options))
    if (source.kind === 'list') return this.run(false, (redis) => RedisListReader.open(redis, source.name, options))
    throw new QsError('UNSUPPORTED', `replaying from Redis ${source.kind}:… is not supported; use stream:<key> or list:<key>`)
  }

  /** Live tail of a stream (XREAD BLOCK) or a channel / pattern, on a connection of its own. */
  async openTail(source: SourceRef, options: TailOptions, sink: TailSink): Promise<TailHandle> {
    this.redis() // refuses at once when this connection is closed
    return openRedisTail(this.target, this.password, source, options, sink, this.timeouts)
  }

  /** Without a target, each write names its stream or list (`route.target`: back to origin). */
  async openWriter(target?: SourceRef): Promise<TargetWriter> {
    return new RedisWriter(this.redis(), target)
  }

  /** A stream is emptied keeping its groups (XTRIM MAXLEN 0); a list loses every item (DEL). */
  async purge(source: SourceRef): Promise<PurgeResult> {
    if (source.kind === 'stream') return this.run(true, (redis) => purgeStream(redis, source.name))
    if (source.kind === 'list') return this.run(true, (redis) => purgeList(redis, source.name))
    throw new QsError(
      'UNSUPPORTED',
      `Redis can purge stream:<key> and list:<key>, not ${source.kind}:…${source.kind === 'bullmq' ? ' (clean its completed or failed jobs instead)' : ''}`,
    )
  }

  async details(source: SourceRef): Promise<SourceDetails> {
    if (source.kind === 'stream') return this.run(false, (redis) => streamDetails(redis, source.name))
    if (source.kind === 'list') return this.run(false, (redis) => listDetails(redis, source.name))
    throw new QsError('UNSUPPORTED', `Redis has details for stream:<key> and list:<key>, not ${source.kind}:…`)
  }

  /** Streams, their groups' lag and lists, for the metrics history (RedisSampler). */
  async sample(): Promise<Map<string, SourceSample>> {
    return this.run(false, (redis) => this.sampler.sample(redis))
  }

  /** One entry by id, fully decoded (redis.streams.ts readStreamEntry). */
  async streamEntry(key: string, id: string) {
    return this.run(false, (redis) => readStreamEntry(redis, key, id))
  }

  async pending(request: Parameters<NonNullable<BrokerAdapter['pending']>>[0]) {
    return this.run(false, (redis) => pendingEntries(redis, streamKey(request.source), request))
  }

  async claim(request: Parameters<NonNullable<BrokerAdapter['claim']>>[0]) {
    return this.run(true, (redis) => claimEntries(redis, streamKey(request.source), request))
  }

  async ack(request: Parameters<NonNullable<BrokerAdapter['ack']>>[0]) {
    return this.run(true, (redis) => ackEntries(redis, streamKey(request.source), request))
  }

  /** XDEL, XTRIM keeping the groups, or DEL (typed confirmation checked in api.ts). */
  async write(request: Parameters<NonNullable<BrokerAdapter['write']>>[0]) {
    if (request.op === 'xdel') return this.run(true, (redis) => deleteEntries(redis, streamKey(request.source), request.ids))
    if (request.op === 'trim') return this.run(true, (redis) => trimStream(redis, streamKey(request.source), request.keep))
    const ref = parseSourceRef(request.source)
    const kind = ref.kind
    if (kind !== 'stream' && kind !== 'list') throw new QsError('BAD_REQUEST', `Redis can delete stream:<key> or list:<key>, not ${kind}:…`)
    return this.run(true, (redis) => deleteKey(redis, ref.name, kind))
  }

  private bullmqQueues(): BullmqQueues {
    const client = this.redis()
    this.bullmq ??= new BullmqQueues(client, `db ${this.target.db}`)
    return this.bullmq
  }

  async bullmqJobs(request: Parameters<BullmqQueues['jobs']>[0]) {
    return this.run(false, () => this.bullmqQueues().jobs(request))
  }

  async bullmqRetry(request: Parameters<BullmqQueues['retry']>[0]) {
    return this.run(true, () => this.bullmqQueues().retry(request))
  }

  async bullmqClean(request: Parameters<BullmqQueues['clean']>[0]) {
    return this.run(true, () => this.bullmqQueues().clean(request))
  }
}

/** " (Cluster, 3 masters)" or " (master "m" via Sentinel)" after the version, so the status says how it is reached. */
/** The key of a `stream:<key>` source; anything else is refused in words. */
function streamKey(source: string): string {
  const ref = parseSourceRef(source)
  if (ref.kind !== 'stream') throw new QsError('BAD_REQUEST', `this works on stream:<key> sources, not ${ref.kind}:…`)
  return ref.name
}

function serverSuffix(target: RedisTarget, client: RedisClient): string {
  if (isCluster(client)) return ` (Cluster, ${masters(client).length} masters)`
  return target.topology.kind === 'sentinel' ? ` (master "${target.topology.master}" via Sentinel)` : ''
}
