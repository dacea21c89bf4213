import { QsError } from '../../../shared/errors'
import { messageOf, networkError } from '../errors'

/** Largest page the management API serves (docs/broker-facts.md). */
export const MAX_PAGE_SIZE = 500

export interface Page<T> {
  total_count: number
  filtered_count: number
  page_count: number
  page: number
  items: T[]
}

export interface ManagementQueue {
  name: string
  type?: string
  messages?: number
  messages_ready?: number
  messages_unacknowledged?: number
  /** Sum of the message bodies (ready and unacknowledged). */
  message_bytes?: number
  consumers?: number
  /** 0..1, only while the queue has consumers. */
  consumer_capacity?: number
  state?: string
  durable?: boolean
  arguments?: Record<string, unknown>
  /** Single-queue detail: the policy and operator policy that apply, merged. */
  effective_policy_definition?: Record<string, unknown> | unknown[]
  /** RabbitMQ 4.x, quorum queues: the delivery limit the broker applies. */
  delivery_limit?: number
}

export interface ManagementExchange {
  name: string
  type: string
  durable?: boolean
  internal?: boolean
}

export const ENABLE_MANAGEMENT_HINT = 'enable it with: rabbitmq-plugins enable rabbitmq_management'

/**
 * A small client for the RabbitMQ management HTTP API. Every failure becomes a QsError that says
 * which URL failed and why, with the fix when we know it.
 */
export class ManagementClient {
  private readonly authorization: string

  constructor(
    readonly baseUrl: string,
    username: string,
    password: string,
    private readonly timeoutMs = 10_000,
  ) {
    this.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  }

  async get<T>(path: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
    const url = new URL(`${this.baseUrl}/api${path}`)
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value))
    }
    // One deadline for the answer and its body: a server that sends headers and then trickles or
    // stalls the body must not hold the call either.
    const signal = AbortSignal.timeout(this.timeoutMs)
    let response: Response
    try {
      response = await fetch(url, { headers: { authorization: this.authorization, accept: 'application/json' }, signal })
    } catch (err) {
      throw this.transportError(err)
    }
    let body: string
    try {
      body = await response.text()
    } catch (err) {
      throw this.transportError(err, 'while sending its answer')
    }
    if (response.status === 401) {
      throw new QsError('AUTH_FAILED', `management API at ${this.baseUrl} refused the credentials (the user needs the "management" or "monitoring" tag)`)
    }
    if (response.status === 404) {
      throw new QsError('NOT_FOUND', `management API ${url.pathname}: ${extractReason(body) ?? 'not found'}`)
    }
    if (!response.ok) {
      throw new QsError('BROKER_ERROR', `management API ${url.pathname} answered ${response.status}: ${extractReason(body) ?? response.statusText}`)
    }
    try {
      return JSON.parse(body) as T
    } catch {
      // A proxy's error page, a truncated answer: say so rather than fail on a parse error.
      throw new QsError(
        'BROKER_ERROR',
        `management API ${url.pathname} answered something that is not JSON (${body.length} bytes${body.length > 0 ? `, starting "${body.slice(0, 40)}"` : ''}): is ${this.baseUrl} the management API?`,
      )
    }
  }

  /** A failed exchange with the API (no answer in time, refused, reset) in words. */
  private transportError(err: unknown, when = ''): QsError {
    const cause = (err as { cause?: unknown }).cause ?? err
    const name = (err as Error).name
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new QsError('TIMEOUT', `management API at ${this.baseUrl} did not answer within ${this.timeoutMs / 1000} s${when ? ` (it stalled ${when})` : ''}`)
    }
    return (
      networkError(cause, `the management API at ${this.baseUrl}`, ENABLE_MANAGEMENT_HINT) ??
      new QsError('UNREACHABLE', `management API at ${this.baseUrl}${when ? ` failed ${when}` : ''}: ${messageOf(cause)}`)
    )
  }

  /** Fetches every page of a paged collection (page_size 500), in order. */
  async getAllPages<T>(path: string, query: Record<string, string | number | boolean | undefined>): Promise<T[]> {
    const items: T[] = []
    for (let page = 1; ; page++) {
      const result = await this.get<Page<T>>(path, { ...query, page, page_size: MAX_PAGE_SIZE })
      if (!Array.isArray(result?.items))
        throw new QsError('BROKER_ERROR', `management API ${path} answered without a page of items: is ${this.baseUrl} the management API?`)
      items.push(...result.items)
      if (page >= result.page_count || result.items.length === 0) return items
    }
  }
}

function extractReason(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { reason?: unknown; error?: unknown }
    if (typeof parsed.reason === 'string') return parsed.reason
    if (typeof parsed.error === 'string') return parsed.error
  } catch {
    // not JSON: fall through
  }
  return body.trim() ? body.trim().slice(0, 200) : null
}

export function vhostPath(vhost: string): string {
  return encodeURIComponent(vhost)
}
