import * as amqp from 'amqplib'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestVhost, type TestVhost } from '../../../test-support/brokers'
import { createTestCore, type TestCore } from '../../../test-support/core'
import { suspendQueue, type StuckQueue } from '../../../test-support/stuck-queue'

/**
 * A queue that stops answering while its connection stays alive (heartbeats flow, so no dead link
 * is seen): every call on it answers within the request deadline with TIMEOUT, the connection stays
 * open for everything else, and when the queue answers again nothing was lost.
 */
describe('a RabbitMQ queue that stops answering (real broker)', () => {
  const REQUEST_MS = 1500
  let vhost: TestVhost
  let t: TestCore
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let rabbit: string
  const stuck: StuckQueue[] = []

  beforeAll(async () => {
    vhost = await createTestVhost('stuck')
    t = await createTestCore('stuck', { caller: 'local', core: { timeouts: { requestMs: REQUEST_MS } } })
    client = await amqp.connect(vhost.url)
    client.on('error', () => undefined)
    ch = await client.createConfirmChannel()
    await ch.assertQueue('stuck')
    await ch.assertQueue('healthy')
    await ch.assertQueue('stuck-purge')
    for (let i = 0; i < 3; i++) ch.sendToQueue('stuck', Buffer.from(`m${i}`))
    ch.sendToQueue('stuck-purge', Buffer.from('p'))
    await ch.waitForConfirms()
    rabbit = (await t.connectRabbit(vhost)).id
  })

  afterAll(async () => {
    for (const queue of stuck) await queue.resume()
    await t?.core.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
  })

  it('browse, export, purge and replay answer TIMEOUT in time; the rest of the connection works; nothing is lost', async () => {
    stuck.push(await suspendQueue(vhost.name, 'stuck'), await suspendQueue(vhost.name, 'stuck-purge'))
    const dir = await mkdtemp(join(tmpdir(), 'qs-stuck-'))
    const settle = async (channel: string, payload: object) => {
      const started = Date.now()
      const answer = await t.call(channel, payload)
      return { answer, ms: Date.now() - started }
    }
    const outcomes = await Promise.all([
      settle('messages:peek', { connectionId: rabbit, source: 'queue:stuck' }),
      settle('messages:export', { connectionId: rabbit, source: 'queue:stuck', path: join(dir, 'stuck.ndjson'), count: 3 }),
      settle('sources:purge', { connectionId: rabbit, source: 'queue:stuck-purge', confirm: 'stuck-purge' }),
      settle('replay:start', { connectionId: rabbit, source: 'queue:stuck', to: { connectionId: rabbit, target: 'queue:healthy' }, mode: 'copy', limit: 3 }),
    ])
    for (const { answer, ms } of outcomes) {
      expect(answer).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } })
      // The promise is the deadline: a few steps of it at most, never an open-ended wait.
      expect(ms).toBeLessThan(REQUEST_MS * 4)
    }
    expect((outcomes[2]!.answer as { ok: false; error: { message: string } }).error.message).toMatch(/in doubt/)
    // The connection itself is fine: other queues answer, and the status never left "open".
    expect(await t.ok('messages:publish', { connectionId: rabbit, target: 'queue:healthy', body: 'still here' })).toEqual({ routed: true })
    expect(t.core.workspace.status(rabbit)).toMatchObject({ state: 'open' })

    for (const queue of stuck) await queue.resume()
    // The reads lost nothing: every message is back, in order. (The purge was in doubt: the queue
    // did it once it answered again, as the error said it might.)
    await expect.poll(async () => (await ch.checkQueue('stuck')).messageCount, { timeout: 15_000 }).toBe(3)
    const page = await t.ok<{ messages: { body: string }[] }>('messages:peek', { connectionId: rabbit, source: 'queue:stuck' })
    expect(page.messages.map((m) => m.body)).toEqual(['m0', 'm1', 'm2'])
  })
})
