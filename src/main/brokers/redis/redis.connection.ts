import { Cluster, Redis, type RedisOptions } from 'ioredis'
import type { ConnectionTarget } from '../../../shared/connection-url'
import { QsError } from '../../../shared/errors'
import { resolveTimeouts, seconds, withDeadline, type BrokerTimeouts } from '../timeouts'

export type RedisTarget = Extract<ConnectionTarget, { broker: 'redis' }>

/**
 * What callers program against: a standalone or Sentinel-resolved server (`Redis`) or a
 * `Cluster`. Both have the same command API; per-node work (SCAN, PUBSUB, INFO) goes through
 * `masters()`, and a Cluster pipeline must keep its keys in one slot.
 */
export type RedisClient = Redis | Cluster

export interface RedisClientOptions {
  name?: string
  /**
   * A connection that holds blocking reads (XREAD BLOCK) or subscriptions: no per-command
   * deadline, but the dead-link check allows for the longest block (`blockMs`).
   */
  blocking?: boolean
  blockMs?: number
  timeouts?: Partial<BrokerTimeouts>
}

/**
 * The one place Redis clients are made, so every connection Queuescope opens to a server (the
 * adapter's own, a blocking tail, BullMQ's) has the same target, credentials, topology and safety
 * options.
 */
export function createRedisClient(target: RedisTarget, password: string | null, options: RedisClientOptions = {}): RedisClient {
  const timeouts = resolveTimeouts(options.timeouts)
  const common: RedisOptions = {
    username: target.username ?? undefined,
    password: password ?? undefined,
    tls: target.tls ? {} : undefined,
    connectionName: options.name ?? 'queuescope',
    // TCP only; connectWithin() bounds the whole connect (the ready check can wait forever).
    connectTimeout: timeouts.connectMs,
    // Each command answers within the request deadline, or fails (TIMEOUT) with the link kept.
    commandTimeout: options.blocking ? undefined : timeouts.requestMs,
    // No byte for this long while an answer is due: the socket is dropped and the loss reported.
    socketTimeout: timeouts.deadLinkMs + (options.blocking ? (options.blockMs ?? 0) : 0),
    keepAlive: timeouts.deadLinkMs,
    // The workspace reconnects; ioredis must not queue or re-send writes behind our back
    // (docs/broker-facts.md "ioredis": offline queue and autoResendUnfulfilledCommands).
    autoResendUnfulfilledCommands: false,
    // A blocking connection (XREAD BLOCK) has no per-request retry budget to spend.
    maxRetriesPerRequest: options.blocking ? null : 0,
  }
  const topology = target.topology
  if (topology.kind === 'cluster') {
    return new Cluster(topology.nodes, {
      redisOptions: common,
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: () => null,
      // No fallback to a replica: Queuescope shows and writes what the masters hold.
      scaleReads: 'master',
      slotsRefreshTimeout: timeouts.requestMs,
    })
  }
  const redisOptions: RedisOptions = {
    ...common,
    db: target.db,
    lazyConnect: true,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  }
  if (topology.kind === 'sentinel') {
    return new Redis({
      ...redisOptions,
      sentinels: topology.sentinels,
      name: topology.master,
      sentinelPassword: topology.sentinelPassword ?? undefined,
      // rediss:// means TLS to the sentinels as well as to the master they name.
      enableTLSForSentinelMode: target.tls,
      sentinelTLS: target.tls ? {} : undefined,
      sentinelRetryStrategy: () => null,
      sentinelCommandTimeout: timeouts.requestMs,
    })
  }
  return new Redis({ ...redisOptions, host: target.host, port: target.port })
}

/** Where a client connects, in words, for every topology. */
export function describeRedis(target: RedisTarget): string {
  const topology = target.topology
  const hostPorts = (nodes: { host: string; port: number }[]): string => nodes.map((node) => `${node.host}:${node.port}`).join(', ')
  if (topology.kind === 'sentinel') return `Redis master "${topology.master}" (sentinels ${hostPorts(topology.sentinels)})`
  if (topology.kind === 'cluster') return `Redis Cluster (seed nodes ${hostPorts(topology.nodes)})`
  return `Redis at ${target.host}:${target.port}`
}

/**
 * Connects and runs `first` (the query that proves the server is Redis) within `ms` for the whole
 * connect (TCP, TLS, AUTH, SELECT, the ready check's INFO): ioredis' connectTimeout ends at TCP
 * connect, so a port that accepts and never answers would leave connect() pending forever. On
 * expiry the client is dropped and TIMEOUT thrown.
 */
export async function connectWithin<T>(client: RedisClient, ms: number, where: string, first: () => Promise<T>): Promise<T> {
  return withDeadline(
    client.connect().then(first),
    ms,
    () =>
      new QsError(
        'TIMEOUT',
        `timed out connecting to ${where}: no complete answer within ${seconds(ms)} (is it Redis, and reachable? does it expect TLS, rediss://?)`,
      ),
    () => client.disconnect(),
  )
}

/**
 * Keeps an answer due on an idle connection (a PING every half of the dead-link deadline), so
 * ioredis' socket timeout notices a link that died silently even when nobody is calling. A
 * blocking connection with a read in flight needs none: its read is the answer due. Returns stop.
 */
export function keepChecking(client: RedisClient, deadLinkMs: number): () => void {
  const timer = setInterval(
    () => {
      for (const node of masters(client)) if (node.status === 'ready') node.ping().catch(() => undefined)
    },
    Math.max(100, Math.floor(deadLinkMs / 2)),
  )
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * The servers that hold the keys: the client itself, or each Cluster master. SCAN, PUBSUB and INFO
 * answer for one node only, so discovery and the overview ask every one of these.
 */
export function masters(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client]
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster
}
