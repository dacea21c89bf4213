/**
 * How long a broker may keep Queuescope waiting. Every connection an adapter opens (its own, a
 * tail's, a replay writer's) and every request on it is bounded by one of these, so no call can
 * hang on a broker that stalls, a port that never answers or a link that silently died.
 */
export interface BrokerTimeouts {
  /** The whole connect: TCP, TLS, the protocol handshake, authentication and the first query. */
  connectMs: number
  /** One request: a Redis command, a publish's confirm, a channel's open, a management API request. */
  requestMs: number
  /**
   * A link that carries nothing for this long while an answer is due is dead. Redis: a PING every
   * half of it keeps an answer due; RabbitMQ: heartbeats every half of it (amqplib gives up after
   * two to three silent intervals).
   */
  deadLinkMs: number
}

/**
 * Defaults for real networks. A broker across a continent completes TCP, TLS and its handshake in
 * well under a second; 10 s still tolerates a slow VPN or a loaded broker, and is about as long as
 * a user waits for "connecting" before suspecting it. Requests: a Redis command or a confirm takes
 * milliseconds; 10 s covers large pages over slow links. Dead links: RabbitMQ advises heartbeats of
 * 5 to 20 s (shorter ones give false alarms on busy hosts), so a dead link shows within 10–15 s.
 */
export const DEFAULT_TIMEOUTS: BrokerTimeouts = { connectMs: 10_000, requestMs: 10_000, deadLinkMs: 10_000 }

export function resolveTimeouts(partial: Partial<BrokerTimeouts> = {}): BrokerTimeouts {
  return { ...DEFAULT_TIMEOUTS, ...partial }
}

/** "1.5 s" for messages. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

/**
 * `work`, or `onTimeout()`'s error when it has not settled within `ms`. `abandon` runs when the
 * deadline wins, to release what the work was opening (it may still succeed later).
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error, abandon?: (late: Promise<T>) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abandon?.(work)
      reject(onTimeout())
    }, ms)
  })
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
  }
}
