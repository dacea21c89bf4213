import { Redis, type RedisOptions } from 'ioredis'
import type { ConnectionTarget } from '../../../shared/connection-url'

export type RedisTarget = Extract<ConnectionTarget, { broker: 'redis' }>

/**
 * The one place Redis clients are made, so every connection Queuescope opens to a server (the
 * adapter's own, a blocking tail, BullMQ's) has the same target, credentials and safety options.
 * Sentinel and Cluster topologies are added here (issue #4), not in the callers.
 */
export function createRedisClient(target: RedisTarget, password: string | null, options: { name?: string; blocking?: boolean } = {}): Redis {
  const redisOptions: RedisOptions = {
    host: target.host,
    port: target.port,
    db: target.db,
    username: target.username ?? undefined,
    password: password ?? undefined,
    tls: target.tls ? {} : undefined,
    connectionName: options.name ?? 'queuescope',
    lazyConnect: true,
    connectTimeout: 10_000,
    // The workspace reconnects; ioredis must not queue or re-send writes behind our back
    // (BROKER-NOTES.md: offline queue and autoResendUnfulfilledCommands).
    retryStrategy: () => null,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    // A blocking connection (XREAD BLOCK) has no per-request retry budget to spend.
    maxRetriesPerRequest: options.blocking ? null : 0,
  }
  return new Redis(redisOptions)
}
