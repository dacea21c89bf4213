/**
 * Real-broker fixtures for integration tests (docs/coding.md "Tests"): each test file
 * gets its own RabbitMQ vhost and Redis key prefix, and removes them afterwards.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

export const RABBITMQ_HOST = process.env['QS_TEST_RABBITMQ_HOST'] ?? '127.0.0.1'
export const MANAGEMENT_URL = process.env['QS_RABBITMQ_MANAGEMENT_URL'] ?? `http://${RABBITMQ_HOST}:15672`
export const REDIS_URL = process.env['QS_REDIS_URL'] ?? 'redis://127.0.0.1:6379'
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`

export function uniqueName(label: string): string {
  return `qs-test-${label}-${randomBytes(4).toString('hex')}`
}

async function management(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${MANAGEMENT_URL}/api${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok && !(method === 'DELETE' && response.status === 404)) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  }
  return response
}

export interface TestVhost {
  name: string
  /** amqp URL with guest:guest for this vhost */
  url: string
  remove(): Promise<void>
}

/** A fresh vhost with full permissions for guest. */
export async function createTestVhost(label: string): Promise<TestVhost> {
  const name = uniqueName(label)
  const path = encodeURIComponent(name)
  await management('PUT', `/vhosts/${path}`, {})
  await management('PUT', `/permissions/${path}/guest`, { configure: '.*', write: '.*', read: '.*' })
  return {
    name,
    url: `amqp://guest:guest@${RABBITMQ_HOST}:5672/${path}`,
    remove: async () => {
      await management('DELETE', `/vhosts/${path}`)
    },
  }
}

export interface TestRedis {
  prefix: string
  client: Redis
  /** Deletes every key under the prefix (SCAN, never KEYS) and closes the client. */
  remove(): Promise<void>
}

export async function createTestRedis(label: string): Promise<TestRedis> {
  const prefix = `${uniqueName(label)}:`
  const client = new Redis(REDIS_URL, { lazyConnect: true })
  await client.connect()
  return {
    prefix,
    client,
    remove: async () => {
      let cursor = '0'
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
        cursor = next
        if (keys.length > 0) await client.del(...keys)
      } while (cursor !== '0')
      await client.quit()
    },
  }
}
