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
      host: string
      port: number
      db: number
      username: string | null
    }

const SCHEMES: Record<string, Broker> = { 'amqp:': 'rabbitmq', 'amqps:': 'rabbitmq', 'redis:': 'redis', 'rediss:': 'redis' }

function parseUrl(text: string): URL {
  try {
    return new URL(text)
  } catch {
    throw new QsError(
      'BAD_URL',
      `"${redactUrl(text)}" is not a URL: use amqp://user:pass@host:5672/vhost or redis://host:6379/0`,
    )
  }
}

export function brokerOfUrl(text: string): Broker {
  const url = parseUrl(text.trim())
  const broker = SCHEMES[url.protocol]
  if (!broker) {
    throw new QsError(
      'BAD_URL',
      `unsupported scheme "${url.protocol.replace(/:$/, '')}" in "${redactUrl(text)}": use amqp, amqps, redis or rediss`,
    )
  }
  return broker
}

/** Parses a profile or CLI URL. Returns the password found in it (if any) apart from the target. */
export function parseConnectionUrl(
  text: string,
  options: { managementUrl?: string } = {},
): { target: ConnectionTarget; password: string | null } {
  const broker = brokerOfUrl(text)
  const url = parseUrl(text.trim())
  const tls = url.protocol === 'amqps:' || url.protocol === 'rediss:'
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!host) throw new QsError('BAD_URL', `"${redactUrl(text)}" has no host`)
  const password = url.password ? safeDecode(url.password) : null
  const username = url.username ? safeDecode(url.username) : ''
  const port = url.port ? Number(url.port) : broker === 'rabbitmq' ? (tls ? 5671 : 5672) : 6379
  if (url.search || url.hash) {
    throw new QsError('BAD_URL', `"${redactUrl(text)}" has query or fragment parts Queuescope does not understand`)
  }

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
  return { target: { broker, tls, host, port, db, username: username || null }, password }
}

function normaliseManagementUrl(explicit: string | undefined, amqpUrl: URL, tls: boolean): string {
  if (explicit && explicit.trim() !== '') {
    const url = parseUrl(explicit.trim())
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new QsError('BAD_URL', `management URL "${explicit}" must start with http:// or https://`)
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

/** Removes the password from a URL (for storage and display). Leaves unparsable text unchanged but masked. */
export function stripPassword(text: string): string {
  try {
    const url = new URL(text.trim())
    url.password = ''
    return url.toString()
  } catch {
    return text
  }
}

/** For messages and logs: user:***@host. Never throws. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text.trim())
    if (url.password) url.password = '***'
    return url.toString()
  } catch {
    return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@')
  }
}

/** A short human label: "amqp 127.0.0.1:5672 vhost /" or "redis 127.0.0.1:6379 db 0". */
export function describeTarget(target: ConnectionTarget): string {
  return target.broker === 'rabbitmq'
    ? `${target.tls ? 'amqps' : 'amqp'} ${target.host}:${target.port} vhost ${target.vhost}`
    : `${target.tls ? 'rediss' : 'redis'} ${target.host}:${target.port} db ${target.db}`
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
  return { ...target, db: Number(scope) }
}
