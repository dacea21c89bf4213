import { QsError } from './errors'
import type { Broker } from './model'

/** A connection target, parsed and validated; the password is carried separately. */
export type ConnectionTarget =
  | {
      broker: 'rabbitmq'
      tls: boolean
      host: string
      port: number
      vhost: string
      username: string
      /** Base URL of the management HTTP API, e.g. http://127.0.0.1:15672 */
      managementUrl: string
    }
  | {
      broker: 'redis'
      tls: boolean
      /** Standalone: the server. Sentinel: the first sentinel. Cluster: the first seed node. */
      host: string
      port: number
      db: number
      username: string | null
      topology: RedisTopology
    }

export interface HostPort {
  host: string
  port: number
}

/**
 * How a Redis target is reached, written in the URL's query so profiles, the CLI and
 * tests share it: `?sentinelMaster=NAME[&sentinels=h:p,...][&sentinelPassword=...]` or
 * `?cluster=1[&nodes=h:p,...]`. The lists include host:port itself, first.
 */
export type RedisTopology =
  { kind: 'standalone' } | { kind: 'sentinel'; master: string; sentinels: HostPort[]; sentinelPassword: string | null } | { kind: 'cluster'; nodes: HostPort[] }

const SENTINEL_PORT = 26379
const REDIS_QUERY_KEYS = ['sentinelMaster', 'sentinels', 'sentinelPassword', 'cluster', 'nodes']

const SCHEMES: Record<string, Broker> = { 'amqp:': 'rabbitmq', 'amqps:': 'rabbitmq', 'redis:': 'redis', 'rediss:': 'redis' }

function parseUrl(text: string): URL {
  try {
    return new URL(text)
  } catch {
    throw new QsError('BAD_URL', `"${redactUrl(text)}" is not a URL: use amqp://user:pass@host:5672/vhost or redis://host:6379/0`)
  }
}

export function brokerOfUrl(text: string): Broker {
  const url = parseUrl(text.trim())
  const broker = SCHEMES[url.protocol]
  if (!broker) {
    throw new QsError('BAD_URL', `unsupported scheme "${url.protocol.replace(/:$/, '')}" in "${redactUrl(text)}": use amqp, amqps, redis or rediss`)
  }
  return broker
}

/** Parses a profile or CLI URL. Returns the password found in it (if any) apart from the target. */
export function parseConnectionUrl(text: string, options: { managementUrl?: string } = {}): { target: ConnectionTarget; password: string | null } {
  const broker = brokerOfUrl(text)
  const url = parseUrl(text.trim())
  const tls = url.protocol === 'amqps:' || url.protocol === 'rediss:'
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!host) throw new QsError('BAD_URL', `"${redactUrl(text)}" has no host`)
  const password = url.password ? safeDecode(url.password) : null
  const username = url.username ? safeDecode(url.username) : ''
  if (url.hash || (broker === 'rabbitmq' && url.search)) {
    throw new QsError('BAD_URL', `"${redactUrl(text)}" has query or fragment parts Queuescope does not understand`)
  }
  const sentinel = broker === 'redis' && url.searchParams.has('sentinelMaster')
  const port = url.port ? Number(url.port) : broker === 'rabbitmq' ? (tls ? 5671 : 5672) : sentinel ? SENTINEL_PORT : 6379

  if (broker === 'rabbitmq') {
    // amqp://host and amqp://host/ both mean the default vhost "/"; "/%2F" spells it explicitly.
    const path = url.pathname
    const vhost = path === '' || path === '/' ? '/' : safeDecode(path.slice(1))
    const managementUrl = normaliseManagementUrl(options.managementUrl, url, tls)
    return {
      target: { broker, tls, host, port, vhost, username: username || 'guest', managementUrl },
      password,
    }
  }

  const path = url.pathname.replace(/^\//, '')
  let db = 0
  if (path !== '') {
    if (!/^\d+$/.test(path)) {
      throw new QsError('BAD_URL', `"${redactUrl(text)}": the path must be a database number, e.g. redis://host:6379/0`)
    }
    db = Number(path)
  }
  const topology = redisTopology(url, { host, port }, db, text)
  return { target: { broker, tls, host, port, db, username: username || null, topology }, password }
}

function redisTopology(url: URL, first: HostPort, db: number, text: string): RedisTopology {
  const params = url.searchParams
  const unknown = [...params.keys()].filter((key) => !REDIS_QUERY_KEYS.includes(key))
  if (unknown.length > 0) {
    throw new QsError('BAD_URL', `"${redactUrl(text)}": unknown query parameter "${unknown[0]}"; Redis URLs take ${REDIS_QUERY_KEYS.join(', ')}`)
  }
  const single = (key: string): string | null => {
    const values = params.getAll(key)
    if (values.length > 1) throw new QsError('BAD_URL', `"${redactUrl(text)}": "${key}" is given ${values.length} times`)
    return values[0] ?? null
  }
  const master = single('sentinelMaster')
  const cluster = single('cluster')
  if (master !== null && cluster !== null) {
    throw new QsError('BAD_URL', `"${redactUrl(text)}": a URL is either Sentinel (sentinelMaster=) or Cluster (cluster=1), not both`)
  }
  if (cluster !== null) {
    if (!['1', 'true', 'yes'].includes(cluster))
      throw new QsError('BAD_URL', `"${redactUrl(text)}": write cluster=1 for a Redis Cluster, not cluster=${cluster}`)
    if (db !== 0) throw new QsError('BAD_URL', `"${redactUrl(text)}": a Redis Cluster has only database 0, not ${db}`)
    for (const key of ['sentinels', 'sentinelPassword']) {
      if (params.has(key)) throw new QsError('BAD_URL', `"${redactUrl(text)}": "${key}" belongs to Sentinel URLs, not to cluster=1`)
    }
    return { kind: 'cluster', nodes: withFirst(first, hostPorts(single('nodes'), 6379, 'nodes', text)) }
  }
  if (params.has('nodes')) throw new QsError('BAD_URL', `"${redactUrl(text)}": "nodes" lists more Cluster seed nodes; add cluster=1`)
  if (master === null) {
    for (const key of ['sentinels', 'sentinelPassword']) {
      if (params.has(key)) throw new QsError('BAD_URL', `"${redactUrl(text)}": "${key}" needs sentinelMaster=NAME (the master the sentinels monitor)`)
    }
    return { kind: 'standalone' }
  }
  if (master.trim() === '') throw new QsError('BAD_URL', `"${redactUrl(text)}": sentinelMaster needs the name of the master the sentinels monitor`)
  return {
    kind: 'sentinel',
    master,
    sentinels: withFirst(first, hostPorts(single('sentinels'), SENTINEL_PORT, 'sentinels', text)),
    sentinelPassword: single('sentinelPassword'),
  }
}

/** "h1:p1,h2,[::1]:p3" -> host/port pairs (the default port where none is given). */
function hostPorts(list: string | null, defaultPort: number, key: string, text: string): HostPort[] {
  if (list === null) return []
  return list.split(',').map((item) => {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(item.trim())
    const port = match?.[3] === undefined ? defaultPort : Number(match[3])
    if (!match || port < 1 || port > 65535) {
      throw new QsError('BAD_URL', `"${redactUrl(text)}": "${item}" in ${key}= is not host:port`)
    }
    return { host: (match[1] ?? match[2])!, port }
  })
}

function withFirst(first: HostPort, more: HostPort[]): HostPort[] {
  return [first, ...more.filter((node) => node.host !== first.host || node.port !== first.port)]
}

function normaliseManagementUrl(explicit: string | undefined, amqpUrl: URL, tls: boolean): string {
  if (explicit && explicit.trim() !== '') {
    const url = parseUrl(explicit.trim())
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new QsError('BAD_URL', `management URL "${redactUrl(explicit)}" must start with http:// or https://`)
    }
    // It would be stored and shown as written; the API is signed in to as the connection's user.
    if (url.username || url.password) {
      throw new QsError(
        'BAD_URL',
        `management URL "${redactUrl(explicit)}" carries a user name or password: remove them (the management API is signed in to with the connection's own user and password)`,
      )
    }
    return url.origin + url.pathname.replace(/\/+$/, '')
  }
  const host = amqpUrl.hostname
  return tls ? `https://${host}:15671` : `http://${host}:15672`
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new QsError('BAD_URL', 'the URL has a badly percent-encoded user name, password or path')
  }
}

/** A Sentinel password in the query is a secret too (edited as text so the rest stays as written). */
const SENTINEL_PASSWORD = /([?&])sentinelPassword=[^&#]*/

/**
 * Removes the passwords from a URL (for storage and display), the sentinel one included: a saved
 * profile keeps only the data nodes' password (in the secret store). Leaves unparsable text unchanged.
 */
export function stripPassword(text: string): string {
  try {
    const url = new URL(text.trim())
    url.password = ''
    url.search = url.search.replace(SENTINEL_PASSWORD, '$1').replace(/&&+/g, '&').replace(/[?&]$/, '').replace(/^\?&/, '?')
    return url.toString()
  } catch {
    return text
  }
}

/** For messages and logs: user:***@host (and sentinelPassword=***). Never throws. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text.trim())
    if (url.password) url.password = '***'
    url.search = url.search.replace(SENTINEL_PASSWORD, '$1sentinelPassword=***')
    return url.toString()
  } catch {
    return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@').replace(SENTINEL_PASSWORD, '$1sentinelPassword=***')
  }
}

/** A short human label: "amqp 127.0.0.1:5672 vhost /", "redis 127.0.0.1:6379 db 0", "redis cluster h:7000". */
export function describeTarget(target: ConnectionTarget): string {
  if (target.broker === 'rabbitmq') return `${target.tls ? 'amqps' : 'amqp'} ${target.host}:${target.port} vhost ${target.vhost}`
  const scheme = target.tls ? 'rediss' : 'redis'
  const where = `${target.host}:${target.port}`
  switch (target.topology.kind) {
    case 'standalone':
      return `${scheme} ${where} db ${target.db}`
    case 'sentinel':
      return `${scheme} master "${target.topology.master}" via sentinel ${where} db ${target.db}`
    case 'cluster':
      return `${scheme} cluster ${where}`
  }
}

/** The vhost (RabbitMQ) or database number (Redis) a target opens. */
export function scopeOf(target: ConnectionTarget): string {
  return target.broker === 'rabbitmq' ? target.vhost : String(target.db)
}

/** The same target with another vhost or database (the vhost / database picker). */
export function withScope(target: ConnectionTarget, scope: string): ConnectionTarget {
  if (target.broker === 'rabbitmq') {
    if (scope === '') throw new QsError('BAD_REQUEST', 'a vhost name cannot be empty (the default vhost is "/")')
    return { ...target, vhost: scope }
  }
  if (!/^\d{1,5}$/.test(scope)) throw new QsError('BAD_REQUEST', `"${scope}" is not a Redis database number (0, 1, 2, ...)`)
  if (target.topology.kind === 'cluster' && Number(scope) !== 0) throw new QsError('BAD_REQUEST', `a Redis Cluster has only database 0, not ${scope}`)
  return { ...target, db: Number(scope) }
}
