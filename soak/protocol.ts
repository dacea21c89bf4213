/**
 * What the soak's two processes tell each other over the child's IPC channel: the server side
 * (soak/run.ts: core, web server, sampler) and the load side (soak/load.ts: the TCP proxies in
 * front of the brokers, the WebSocket clients and the publisher), so that the soak's own memory
 * and sockets are never counted as the server's.
 */

export type Broker = 'rabbitmq' | 'redis'

/** Where the load's proxies forward to, passed as its one argument. */
export type ProxyTargets = Record<Broker, { host: string; port: number }>

/** Everything the load process needs, passed as one JSON argument. */
export interface LoadConfig {
  /** ws://127.0.0.1:PORT/ws?token=… (how the web server authenticates a WebSocket). */
  wsUrl: string
  /** The server's own origin, sent as a browser would. */
  origin: string
  clients: number
  /** Messages per second into each tailed source. */
  rate: number
  rabbit: { connectionId: string; url: string; exchange: string; queue: string; copyQueue: string }
  redis: { connectionId: string; url: string; prefix: string; stream: string; copyStream: string; channel: string; list: string }
}

/** One call that came back INTERNAL, or a protocol error frame. */
export interface Finding {
  client: number
  channel: string
  code: string
  message: string
}

export interface LoadStats {
  calls: number
  /** Answers by `<channel> <ok | error code>`. */
  answers: Record<string, number>
  /** The first error message of each `<channel> <code>`. */
  errorExamples: Record<string, string>
  internal: Finding[]
  internalCount: number
  /** Calls that had no answer within the deadline while their client was reading. */
  unanswered: { channel: string; client: number }[]
  /** WebSocket closes seen by the clients, by close code (ours included). */
  closes: Record<string, number>
  reconnects: number
  pauses: number
  tailsStarted: number
  /** Why the clients' own tails ended, by reason as the server gave it. */
  tailEnds: Record<string, number>
  /** Messages in tail batches of the client's own tails, summed over clients. */
  tailMessages: number
  tailDropped: number
  /** `connection:status` events by `<broker> <state>`, summed over clients. */
  statusEvents: Record<string, number>
  /** Events by channel, summed over clients. */
  events: Record<string, number>
  bytesReceived: number
  published: number
  publishErrors: number
  /** CPU seconds of the load process (user + system). */
  cpuSeconds: number
}

export type LoadMessage =
  | { type: 'proxies'; ports: Record<Broker, number> }
  | { type: 'ready' }
  | { type: 'progress'; stats: LoadStats }
  | { type: 'done'; stats: LoadStats }
  | { type: 'failed'; error: string }

/** start: open the clients; cut: cut a proxy; stop: end the load and report; exit: close the proxies and go. */
export type ServerMessage = { type: 'start'; config: LoadConfig } | { type: 'cut'; broker: Broker } | { type: 'stop' } | { type: 'exit' }
