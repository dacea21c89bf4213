import * as amqp from 'amqplib'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PeekedMessage, PeekResult } from '../../shared/messages'
import { createTestRedis, createTestVhost, type TestRedis, type TestVhost } from '../../test-support/brokers'
import { createTestCore, type TestCore } from '../../test-support/core'
import { MESSAGE_DISPLAY_BYTES, PAGE_DISPLAY_BYTES } from '../brokers/message-body'

/**
 * Anyone who can publish to a broker can put anything in a page: a page must always serialise and
 * stay bounded. 40 bodies of ~16 KB that each decode to 16 MiB once made JSON.stringify throw
 * "Invalid string length" in the web server and ended it.
 */
describe('a page of hostile messages stays within its byte budget (real brokers)', () => {
  let vhost: TestVhost
  let redis: TestRedis
  let t: TestCore
  let client: amqp.ChannelModel
  let rabbit: string
  let red: string
  const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x61))

  beforeAll(async () => {
    vhost = await createTestVhost('budget')
    redis = await createTestRedis('budget')
    t = await createTestCore('budget')
    client = await amqp.connect(vhost.url)
    rabbit = (await t.connectRabbit(vhost)).id
    red = (await t.connectRedis()).id
  })

  afterAll(async () => {
    await t?.core.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
    await redis?.remove()
  })

  function expectBounded(envelope: Awaited<ReturnType<TestCore['call']>>): PeekResult {
    if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`)
    const wire = JSON.stringify(envelope) // what a transport sends: it must not throw
    expect(wire.length).toBeLessThan(PAGE_DISPLAY_BYTES * 2)
    return envelope.data as PeekResult
  }

  it('RabbitMQ: 40 gzip bombs and a 20 MiB body are browsed, cut for display, and nothing is lost', async () => {
    const ch = await client.createConfirmChannel()
    await ch.assertQueue('bombs')
    for (let i = 0; i < 40; i++) ch.sendToQueue('bombs', bomb, { contentEncoding: 'gzip', messageId: `bomb-${i}` })
    ch.sendToQueue('bombs', Buffer.alloc(20 * 1024 * 1024, 0x62), { messageId: 'large' })
    await ch.waitForConfirms()
    const page = expectBounded(await t.call('messages:peek', { connectionId: rabbit, source: 'queue:bombs', count: 50 }))
    expect(page.messages).toHaveLength(41)
    expect(page.messages[0]!.decoded).toMatchObject({ shownBytes: MESSAGE_DISPLAY_BYTES, size: 16 * 1024 * 1024 })
    expect(page.messages.at(-1)).toMatchObject({ size: 20 * 1024 * 1024 })
    expect(page.warnings.join(' ')).toMatch(/cut for display/)
    await expect.poll(async () => (await ch.checkQueue('bombs')).messageCount, { timeout: 10_000 }).toBe(41)
    await ch.close()
  })

  it('Redis: a list of large items and a stream entry with a huge field', async () => {
    const list = `${redis.prefix}big-list`
    const stream = `${redis.prefix}big-stream`
    for (let i = 0; i < 8; i++) await redis.client.rpush(list, Buffer.alloc(6 * 1024 * 1024, 0x63))
    await redis.client.xadd(stream, '*', 'body', 'small', 'note', 'n'.repeat(30 * 1024 * 1024))
    const listPage = expectBounded(await t.call('messages:peek', { connectionId: red, source: `list:${list}`, count: 50 }))
    expect(listPage.messages.map((m) => m.body.length).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(PAGE_DISPLAY_BYTES)
    expect(listPage.messages.every((m) => m.shownBytes !== undefined)).toBe(true)
    const streamPage = expectBounded(await t.call('messages:peek', { connectionId: red, source: `stream:${stream}`, count: 10 }))
    expect(String(streamPage.messages[0]!.headers['note'])).toMatch(/cut for display: 31,457,280 characters/)
    expect(streamPage.warnings.join(' ')).toMatch(/header value is cut/)
    expect(await redis.client.llen(list)).toBe(8)
  })

  it('Redis: a stream page in summary form stays small, and the entry opened from it has the budget of a page', async () => {
    const stream = `${redis.prefix}big-entries`
    for (let i = 0; i < 8; i++) await redis.client.xadd(stream, `${i + 1}-0`, 'body', Buffer.alloc(6 * 1024 * 1024, 0x64), 'note', 'n'.repeat(1024 * 1024))
    const bomb = (await redis.client.xadd(
      stream,
      '9-0',
      'body',
      gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x61)),
      'qs-properties',
      '{"contentEncoding":"gzip"}',
    ))!
    const envelope = await t.call('messages:peek', { connectionId: red, source: `stream:${stream}`, count: 50, form: 'summary' })
    if (!envelope.ok) throw new Error(envelope.error.message)
    // 8 entries of 7 MiB each and a bomb: what goes to the front end is their previews.
    expect(JSON.stringify(envelope).length).toBeLessThan(16 * 1024)
    expect((envelope.data as PeekResult).entries).toHaveLength(9)
    const entry = await t.call('streams:entry', { connectionId: red, source: `stream:${stream}`, id: '1-0' })
    if (!entry.ok) throw new Error(entry.error.message)
    expect(JSON.stringify(entry).length).toBeLessThan(PAGE_DISPLAY_BYTES * 2)
    const { message, warnings } = entry.data as { message: PeekedMessage; warnings: string[] }
    expect(message).toMatchObject({ size: 6 * 1024 * 1024, shownBytes: MESSAGE_DISPLAY_BYTES })
    expect(String(message.headers['note'])).toMatch(/cut for display: 1,048,576 characters/)
    expect(warnings.join(' ')).toMatch(/body is cut for display.*header value is cut/)
    const opened = await t.call('streams:entry', { connectionId: red, source: `stream:${stream}`, id: bomb })
    if (!opened.ok) throw new Error(opened.error.message)
    expect((opened.data as { message: PeekedMessage }).message.decoded).toMatchObject({ contentEncoding: 'gzip', shownBytes: MESSAGE_DISPLAY_BYTES })
    expect(await t.call('streams:entry', { connectionId: red, source: `list:${stream}`, id: '1-0' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    })
  })
})
