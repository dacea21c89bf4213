import { Cluster, Redis, type RedisOptions } from 'ioredis'
import type { ConnectionTarget } from '../../../shared/connection-url'

export type RedisTarget = Extract<ConnectionTarget, { broker: 'redis' }>

/**
 * What callers program against: a standalone or Sentinel-resolved server (`Redis`) or a
 * `Cluster`. Both have the same command API; per-node work (SCAN, PUBSUB, INFO) goes through
 * `masters()`, and a Cluster pipeline must keep its keys in one slot.
 */
export type RedisClient = Redis | Cluster

/**
 * The one place Redis clients are made, so every connection Queuescope opens to a server (the
 * adapter's own, a blocking tail, BullMQ's) has the same target, credentials, topology and safety
 * options.
 */
export function createRedisClient(target: RedisTarget, password: string | null, options: { name?: string; blocking?: boolean } = {}): RedisClient {
  const common: RedisOptions = {
    username: target.username ?? undefined,
    password: password ?? undefined,
    tls: target.tls ? {} : undefined,
    connectionName: options.name ?? 'queuescope',
    connectTimeout: 10_000,
    // The workspace reconnects; ioredis must not queue or re-send writes behind our back
    // (BROKER-NOTES.md: offline queue and autoResendUnfulfilledCommands).
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
    })
  }
  return new Redis({ ...redisOptions, host: target.host, port: target.port })
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
