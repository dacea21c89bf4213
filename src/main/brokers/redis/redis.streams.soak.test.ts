/**
 * Soak tier (`npm run test:soak`): browsing a 1,000,000-entry stream by pages. `npm test` runs the
 * same check on 100,000 entries (redis.streams.integration.test.ts).
 */
import { afterAll, beforeAll, describe, it } from 'vitest'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { peekRequestSchema, type PeekRequest } from '../../../shared/messages'
import { createTestRedis, REDIS_URL, type TestRedis } from '../../../test-support/brokers'
import { browseStreamByPages } from '../../../test-support/stream-paging'
import { RedisAdapter } from './redis.adapter'

describe('Redis streams at scale, against a real Redis', () => {
  let redis: TestRedis
  let adapter: RedisAdapter

  beforeAll(async () => {
    redis = await createTestRedis('redis-streams-soak')
    const { target, password } = parseConnectionUrl(REDIS_URL)
    if (target.broker !== 'redis') throw new Error('not redis')
    adapter = new RedisAdapter(target, password)
    await adapter.connect()
  })

  afterAll(async () => {
    await adapter?.close()
    await redis?.remove()
  })

  const peek = (source: string, extra: Partial<PeekRequest> = {}) => adapter.peek(peekRequestSchema.parse({ connectionId: 'x', source, ...extra }))

  describe('browsing 1,000,000 entries by pages', () => {
    it('never loads them all at once: every call returns at most a page, and the heap stays bounded', async () => {
      await browseStreamByPages({ client: redis.client, key: `${redis.prefix}million`, entries: 1_000_000, page: 1000, heapBound: 64 * 2 ** 20, peek })
    }, 600_000)
  })
})
