import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { peekRequestSchema, type PeekRequest } from '../../../shared/messages'
import { streamGroupSeriesKey } from '../../../shared/streams'
import type { SourceDetails } from '../../../shared/topology'
import { createTestRedis, REDIS_URL, type TestRedis } from '../../../test-support/brokers'
import { browseStreamByPages } from '../../../test-support/stream-paging'
import { pairsToObject, streamFieldsFromMessage } from './redis-encoding'
import { RedisAdapter } from './redis.adapter'
import type { RedisPendingReader } from './redis.replay'

type StreamDetails = Extract<SourceDetails, { kind: 'stream' }>

function adapterFor(url: string): RedisAdapter {
  const { target, password } = parseConnectionUrl(url)
  if (target.broker !== 'redis') throw new Error('not redis')
  return new RedisAdapter(target, password)
}

describe('Redis streams and lists in the core, against a real Redis', () => {
  let redis: TestRedis
  let adapter: RedisAdapter
  let p: string

  beforeAll(async () => {
    redis = await createTestRedis('redis-streams')
    p = redis.prefix
    adapter = adapterFor(REDIS_URL)
    await adapter.connect()
  })

  afterAll(async () => {
    await adapter?.close()
    await redis?.remove()
  })

  const peek = (source: string, extra: Partial<PeekRequest> = {}) => adapter.peek(peekRequestSchema.parse({ connectionId: 'x', source, ...extra }))
  const xpending = async (key: string, group: string) =>
    ((await redis.client.xpending(key, group, '-', '+', 1000)) as [string, string, number, number][]).map(([id, consumer, , deliveries]) => ({
      id,
      consumer,
      deliveries,
    }))

  describe('a stream written by another client, two groups of which one is behind', () => {
    let key: string
    let ids: string[]

    beforeAll(async () => {
      key = `${p}orders`
      const c = redis.client
      ids = []
      for (let i = 0; i < 12; i++) ids.push((await c.xadd(key, '*', 'n', String(i)))!)
      await c.xgroup('CREATE', key, 'billing', '0')
      await c.xgroup('CREATE', key, 'shipping', '0')
      await c.xreadgroup('GROUP', 'billing', 'b1', 'COUNT', 12, 'STREAMS', key, '>')
      await c.xack(key, 'billing', ...ids.slice(0, 10))
      await c.xreadgroup('GROUP', 'shipping', 's1', 'COUNT', 3, 'STREAMS', key, '>')
      await c.xreadgroup('GROUP', 'shipping', 's2', 'COUNT', 2, 'STREAMS', key, '>')
      await c.xack(key, 'shipping', ids[0]!)
      // A group moved to an arbitrary id inside the stream: Redis cannot know its lag.
      await c.xgroup('CREATE', key, 'audit', '$')
      await c.xgroup('SETID', key, 'audit', ids[6]!)
    })

    it('shows lag, pending, entries read and consumers exactly as XINFO reports them', async () => {
      const details = (await adapter.details({ kind: 'stream', name: key })) as StreamDetails
      const rawStream = pairsToObject((await redis.client.xinfo('STREAM', key)) as unknown[])
      expect(details).toMatchObject({ kind: 'stream', name: key, length: 12, firstId: ids[0], lastId: ids[11], entriesAdded: rawStream['entries-added'] })

      const rawGroups = ((await redis.client.xinfo('GROUPS', key)) as unknown[][]).map((g) => pairsToObject(g))
      expect(details.groups.map(({ name, lag, pending, lastDeliveredId, entriesRead }) => ({ name, lag, pending, lastDeliveredId, entriesRead }))).toEqual(
        rawGroups.map((g) => ({
          name: g['name'],
          lag: g['lag'] ?? null,
          pending: g['pending'],
          lastDeliveredId: g['last-delivered-id'],
          entriesRead: g['entries-read'] ?? null,
        })),
      )
      for (const group of details.groups) {
        const consumers = ((await redis.client.xinfo('CONSUMERS', key, group.name)) as unknown[][]).map((c) => pairsToObject(c))
        expect(group.consumers.map((c) => ({ name: c.name, pending: c.pending }))).toEqual(consumers.map((c) => ({ name: c['name'], pending: c['pending'] })))
        for (const consumer of group.consumers) expect(consumer.idleMs).toBeGreaterThanOrEqual(0)
        const [oldest] = await xpending(key, group.name)
        expect(group.oldestPendingId).toBe(oldest?.id ?? null)
      }

      const byName = Object.fromEntries(details.groups.map((g) => [g.name, g]))
      expect(byName['billing']).toMatchObject({ lag: 0, lagReason: null, pending: 2, oldestPendingId: ids[10] })
      expect(byName['shipping']).toMatchObject({ lag: 7, lagReason: null, pending: 4, oldestPendingId: ids[1] })
      expect(byName['shipping']!.oldestPendingIdleMs).toEqual(expect.any(Number))
      expect(byName['shipping']!.consumers.map((c) => [c.name, c.pending])).toEqual([
        ['s1', 2],
        ['s2', 2],
      ])
    })

    it('shows a group moved with SETID to an arbitrary id as lag unknown, with the reason', async () => {
      const details = (await adapter.details({ kind: 'stream', name: key })) as StreamDetails
      const audit = details.groups.find((g) => g.name === 'audit')!
      expect(audit).toMatchObject({ lag: null, entriesRead: null, lastDeliveredId: ids[6], pending: 0, oldestPendingId: null, oldestPendingIdleMs: null })
      expect(audit.lagReason).toMatch(/SETID/)
    })

    it('says when entries deleted after a group position make its lag unknown', async () => {
      const c = redis.client
      const other = `${p}deleted`
      const own: string[] = []
      for (let i = 0; i < 6; i++) own.push((await c.xadd(other, '*', 'n', String(i)))!)
      await c.xgroup('CREATE', other, 'reader', '0')
      await c.xreadgroup('GROUP', 'reader', 'r1', 'COUNT', 2, 'STREAMS', other, '>')
      await c.xdel(other, own[4]!)
      const [reader] = ((await adapter.details({ kind: 'stream', name: other })) as StreamDetails).groups
      const raw = pairsToObject(((await c.xinfo('GROUPS', other)) as unknown[][])[0]!)
      expect(raw['lag']).toBeNull()
      expect(reader).toMatchObject({ lag: null, entriesRead: 2 })
      expect(reader!.lagReason).toMatch(/deleted \(XDEL, up to /)
    })

    it('samples each stream and each group (lag, pending, consumers) for the metrics history, with rates from the counters', async () => {
      await adapter.listSources({ pattern: `${p}orders` })
      const first = await adapter.sample()
      expect(first.get(`stream:${key}`)).toMatchObject({ ready: 12, unacked: 6, consumers: 3, publishRate: null })
      expect(first.get(streamGroupSeriesKey(key, 'shipping'))).toMatchObject({ lag: 7, unacked: 4, consumers: 2, ready: null })
      expect(first.get(streamGroupSeriesKey(key, 'audit'))).toMatchObject({ lag: null, unacked: 0 })

      const before = Date.now()
      while (Date.now() === before) await new Promise((resolve) => setImmediate(resolve))
      for (let i = 0; i < 5; i++) await redis.client.xadd(key, '*', 'n', `more-${i}`)
      await redis.client.xreadgroup('GROUP', 'shipping', 's1', 'COUNT', 3, 'STREAMS', key, '>')
      const second = await adapter.sample()
      expect(second.get(`stream:${key}`)).toMatchObject({ ready: 17, unacked: 9 })
      expect(second.get(`stream:${key}`)!.publishRate).toBeGreaterThan(0)
      const shipping = second.get(streamGroupSeriesKey(key, 'shipping'))!
      expect(shipping).toMatchObject({ lag: 9, unacked: 7 })
      expect(shipping.deliverRate).toBeGreaterThan(0)
      expect(second.get(streamGroupSeriesKey(key, 'billing'))!.deliverRate).toBe(0)
    })
  })

  describe('pages', () => {
    let key: string
    const idOf = (i: number) => `${1000 + i}-1`

    beforeAll(async () => {
      key = `${p}paged`
      const pipeline = redis.client.pipeline()
      for (let i = 0; i < 25; i++) pipeline.xadd(key, idOf(i), 'body', `entry ${i}`, 'kind', i % 2 ? '{"odd":true}' : 'even')
      for (let i = 0; i < 25; i++) pipeline.rpush(`${p}items`, `item ${i}`)
      await pipeline.exec()
    })

    const walk = async (source: string, first: Partial<PeekRequest>, nextOf: (next: string) => Partial<PeekRequest>) => {
      const pages: string[][] = []
      let request = first
      for (;;) {
        const page = await peek(source, { count: 10, ...request })
        pages.push(page.messages.map((m) => m.id))
        if (page.next === null || page.next === undefined) return pages
        request = { ...first, ...nextOf(page.next) }
      }
    }

    it('pages a stream forward and backward with exclusive ids, and says where the next page starts', async () => {
      const forward = await walk(`stream:${key}`, {}, (next) => ({ range: { direction: 'forward', after: next } }))
      expect(forward).toEqual([0, 10, 20].map((from) => Array.from({ length: Math.min(10, 25 - from) }, (_, i) => idOf(from + i))))
      const backward = await walk(`stream:${key}`, { range: { direction: 'backward' } }, (next) => ({ range: { direction: 'backward', after: next } }))
      expect(backward.flat()).toEqual(Array.from({ length: 25 }, (_, i) => idOf(24 - i)))
      expect(backward.map((page) => page.length)).toEqual([10, 10, 5])

      const [entry] = (await peek(`stream:${key}`, { count: 1, range: { direction: 'forward', after: idOf(2) } })).messages
      expect(entry).toMatchObject({ id: idOf(3), body: 'entry 3', encoding: 'utf8', headers: { kind: '{"odd":true}' } })
      // A last page that is exactly full has no next page.
      expect((await peek(`stream:${key}`, { count: 5, range: { direction: 'forward', after: idOf(19) } })).next).toBeNull()
    })

    it('jumps to an id or to a time (<ms> means <ms>-0) in either direction', async () => {
      const ids = async (range: PeekRequest['range']) => (await peek(`stream:${key}`, { count: 3, range })).messages.map((m) => m.id)
      expect(await ids({ direction: 'forward', at: idOf(12) })).toEqual([idOf(12), idOf(13), idOf(14)])
      expect(await ids({ direction: 'backward', at: idOf(12) })).toEqual([idOf(12), idOf(11), idOf(10)])
      expect(await ids({ direction: 'forward', at: '1012' })).toEqual([idOf(12), idOf(13), idOf(14)])
      expect(await ids({ direction: 'backward', at: '1012' })).toEqual([idOf(11), idOf(10), idOf(9)])
      expect(await ids({ direction: 'forward', at: '5000' })).toEqual([])
    })

    it('refuses ids that are not ids, and asking for a jump and a next page at once', async () => {
      await expect(peek(`stream:${key}`, { range: { direction: 'forward', at: 'yesterday' } })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining('range.at "yesterday" is not a stream entry id'),
      })
      await expect(peek(`stream:${key}`, { range: { direction: 'forward', at: idOf(1), after: idOf(2) } })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
      await expect(peek(`stream:${p}items`)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/is a list, not a stream/) })
      await expect(peek(`stream:${p}missing`)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    it('sends a page in summary form with the same ids and next as the full page, and reads the entry opened whole by id', async () => {
      for (const range of [{ direction: 'forward' }, { direction: 'backward', after: idOf(20) }, { direction: 'forward', at: '1010' }] as const) {
        const full = await peek(`stream:${key}`, { count: 7, range })
        const summary = await peek(`stream:${key}`, { count: 7, range, form: 'summary' })
        expect(summary.messages).toEqual([])
        expect(summary.entries!.map((e) => e.id)).toEqual(full.messages.map((m) => m.id))
        expect(summary.next).toBe(full.next)
      }
      const [entry] = (await peek(`stream:${key}`, { count: 1, range: { direction: 'forward', after: idOf(2) }, form: 'summary' })).entries!
      expect(entry).toEqual({
        id: idOf(3),
        time: null,
        size: 'body'.length + 'entry 3'.length + 'kind'.length + '{"odd":true}'.length,
        preview: 'entry 3  kind={"odd":true}',
        fields: ['body', 'kind'],
        fieldCount: 2,
      })
      const { message, warnings } = await adapter.streamEntry(key, idOf(3))
      expect(message).toEqual({
        id: idOf(3),
        body: 'entry 3',
        encoding: 'utf8',
        size: 7,
        properties: {},
        headers: { kind: '{"odd":true}' },
        redelivered: false,
      })
      expect(warnings).toEqual([])
      // Lists ignore the form: their pages are whole.
      expect((await peek(`list:${p}items`, { count: 2, form: 'summary' })).messages.map((m) => m.body)).toEqual(['item 0', 'item 1'])
    })

    it('reads an entry whole as the full page decodes it: typed headers, properties, a compressed body', async () => {
      const fields = streamFieldsFromMessage(gzipSync('{"order":7}'), { tenant: 'acme', attempt: 2 }, { contentEncoding: 'gzip', timestamp: 1_700_000_000 })
      const id = (await redis.client.xadd(`${p}typed`, '1700000000000-1', ...fields))!
      const { message } = await adapter.streamEntry(`${p}typed`, id)
      const [fromPage] = (await peek(`stream:${p}typed`)).messages
      expect(message).toEqual(fromPage)
      expect(message).toMatchObject({ headers: { tenant: 'acme', attempt: 2 }, properties: { timestamp: 1_700_000_000 }, decoded: { body: '{"order":7}' } })
      const [summary] = (await peek(`stream:${p}typed`, { form: 'summary' })).entries!
      expect(summary).toMatchObject({ time: 1_700_000_000_000, preview: '{"order":7}  tenant=acme  attempt=2' })
    })

    it('says when an entry is gone, or the key is missing or another type, as a page does', async () => {
      await expect(adapter.streamEntry(key, '999-0')).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringMatching(/999-0 is no longer in stream/),
      })
      await expect(adapter.streamEntry(key, 'latest')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('id "latest"') })
      await expect(adapter.streamEntry(`${p}missing`, '1-0')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/does not exist/) })
      await expect(adapter.streamEntry(`${p}items`, '1-0')).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/is a list, not a stream/),
      })
      await expect(peek(`stream:${p}items`, { form: 'summary' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/is a list/) })
      // A stream emptied by a trim is still a stream: an empty page, not an error.
      await redis.client.xadd(`${p}emptied`, '*', 'n', '1')
      await redis.client.xtrim(`${p}emptied`, 'MAXLEN', 0)
      expect(await peek(`stream:${p}emptied`, { form: 'summary' })).toMatchObject({ messages: [], entries: [], next: null })
    })

    it('pages a list from the head and from the tail without changing it', async () => {
      const bodies = async (extra: Partial<PeekRequest>) => {
        const page = await peek(`list:${p}items`, { count: 10, ...extra })
        return { items: page.messages.map((m) => [m.id, m.body]), next: page.next }
      }
      expect(await bodies({})).toEqual({ items: Array.from({ length: 10 }, (_, i) => [String(i), `item ${i}`]), next: '10' })
      expect(await bodies({ offset: 20 })).toEqual({ items: Array.from({ length: 5 }, (_, i) => [String(20 + i), `item ${20 + i}`]), next: null })
      expect(await bodies({ listFrom: 'tail' })).toEqual({ items: Array.from({ length: 10 }, (_, i) => [String(-1 - i), `item ${24 - i}`]), next: '10' })
      expect(await bodies({ listFrom: 'tail', offset: 20 })).toEqual({
        items: Array.from({ length: 5 }, (_, i) => [String(-21 - i), `item ${4 - i}`]),
        next: null,
      })
      expect(await bodies({ offset: 30 })).toEqual({ items: [], next: null })
      expect(await redis.client.llen(`${p}items`)).toBe(25)
      expect(await adapter.details({ kind: 'list', name: `${p}items` })).toEqual({ kind: 'list', name: `${p}items`, length: 25 })
    })
  })

  describe('pending entries', () => {
    let key: string
    let ids: string[]

    beforeAll(async () => {
      key = `${p}claims`
      const c = redis.client
      ids = []
      for (let i = 0; i < 8; i++) ids.push((await c.xadd(key, '*', 'body', `job ${i}`))!)
      await c.xgroup('CREATE', key, 'workers', '0')
      await c.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 5, 'STREAMS', key, '>')
      await c.xreadgroup('GROUP', 'workers', 'w2', 'COUNT', 2, 'STREAMS', key, '>')
    })

    it('lists pending entries by pages, per consumer and by idle time, as XPENDING does', async () => {
      const all = await adapter.pending({ source: `stream:${key}`, group: 'workers', count: 100 })
      expect(all.entries.map(({ id, consumer, deliveries }) => ({ id, consumer, deliveries }))).toEqual(await xpending(key, 'workers'))
      expect(all.total).toBe(7)
      expect(all.consumers).toEqual([
        { name: 'w1', pending: 5 },
        { name: 'w2', pending: 2 },
      ])

      const first = await adapter.pending({ source: `stream:${key}`, group: 'workers', count: 3 })
      const second = await adapter.pending({ source: `stream:${key}`, group: 'workers', count: 3, after: first.entries.at(-1)!.id })
      expect([...first.entries, ...second.entries].map((e) => e.id)).toEqual(ids.slice(0, 6))
      expect((await adapter.pending({ source: `stream:${key}`, group: 'workers', count: 100, consumer: 'w2' })).entries.map((e) => e.id)).toEqual(
        ids.slice(5, 7),
      )
      expect((await adapter.pending({ source: `stream:${key}`, group: 'workers', count: 100, minIdleMs: 3_600_000 })).entries).toEqual([])
      await expect(adapter.pending({ source: `stream:${key}`, group: 'nobody', count: 10 })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: `consumer group "nobody" does not exist on stream "${key}"`,
      })
    })

    it('claims and acknowledges pending entries; the PEL afterwards is what XPENDING says', async () => {
      await redis.client.xdel(key, ids[3]!)
      const claim = await adapter.claim({
        source: `stream:${key}`,
        group: 'workers',
        consumer: 'rescuer',
        minIdleMs: 0,
        ids: [ids[0]!, ids[1]!, ids[3]!, ids[7]!],
      })
      // ids[3] was pending but deleted (Redis 7 drops it from the PEL); ids[7] was never delivered.
      expect(claim).toEqual({ claimed: [ids[0], ids[1]], deleted: [ids[3]], skipped: [ids[7]] })
      expect((await adapter.claim({ source: `stream:${key}`, group: 'workers', consumer: 'late', minIdleMs: 3_600_000, ids: [ids[2]!] })).skipped).toEqual([
        ids[2],
      ])

      expect(await adapter.ack({ source: `stream:${key}`, group: 'workers', ids: [ids[0]!, ids[4]!, ids[7]!] })).toEqual({ acknowledged: 2 })
      const pel = await xpending(key, 'workers')
      expect(pel).toEqual([
        { id: ids[1], consumer: 'rescuer', deliveries: 1 },
        { id: ids[2], consumer: 'w1', deliveries: 1 },
        { id: ids[5], consumer: 'w2', deliveries: 1 },
        { id: ids[6], consumer: 'w2', deliveries: 1 },
      ])
      const after = await adapter.pending({ source: `stream:${key}`, group: 'workers', count: 100 })
      expect(after.entries.map(({ id, consumer, deliveries }) => ({ id, consumer, deliveries }))).toEqual(pel)
      expect(after.total).toBe(4)

      await expect(adapter.ack({ source: `stream:${key}`, group: 'nobody', ids: [ids[1]!] })).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await expect(adapter.ack({ source: `stream:${key}`, group: 'workers', ids: ['not-an-id'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
      await expect(adapter.claim({ source: `list:${key}`, group: 'workers', consumer: 'x', minIdleMs: 0, ids: [ids[1]!] })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      })
      expect(await xpending(key, 'workers')).toEqual(pel)
    })
  })

  describe('the pending-entries reader (replay primitive)', () => {
    let key: string
    let ids: string[]

    beforeAll(async () => {
      key = `${p}pel`
      const c = redis.client
      ids = []
      for (let i = 0; i < 10; i++) ids.push((await c.xadd(key, '*', 'body', `payload ${i}`, 'tenant', 'acme'))!)
      await c.xgroup('CREATE', key, 'g', '0')
      await c.xreadgroup('GROUP', 'g', 'a', 'COUNT', 6, 'STREAMS', key, '>')
      await c.xreadgroup('GROUP', 'g', 'b', 'COUNT', 2, 'STREAMS', key, '>')
    })

    it('reads the PEL with bodies; ack removes from the PEL, release and close leave the rest pending', async () => {
      const reader = await adapter.openReader({ kind: 'stream', name: key }, { group: 'g' })
      expect(reader.available).toBe(8)
      const batch = await reader.read(3)
      expect(batch.map((m) => [m.id, m.body.toString(), m.headers['tenant']])).toEqual(ids.slice(0, 3).map((id, i) => [id, `payload ${i}`, 'acme']))
      reader.ack(batch.slice(0, 2))
      reader.release(batch.slice(2))
      // Delivered after the reader opened: past its end, never read (a replay re-adding entries ends).
      await redis.client.xreadgroup('GROUP', 'g', 'b', 'COUNT', 2, 'STREAMS', key, '>')
      const rest = await reader.read(100)
      expect(rest.map((m) => m.id)).toEqual(ids.slice(3, 8))
      expect(await reader.read(100)).toEqual([])
      await reader.close()
      expect((await xpending(key, 'g')).map((e) => e.id)).toEqual(ids.slice(2))
    })

    it('reads one consumer, or given ids, skipping pending ids whose entries were deleted', async () => {
      const mine = await adapter.openReader({ kind: 'stream', name: key }, { group: 'g', consumer: 'b' })
      expect(mine.available).toBe(4)
      expect((await mine.read(100)).map((m) => m.id)).toEqual(ids.slice(6, 10))
      await mine.close()

      await redis.client.xdel(key, ids[4]!)
      const chosen = (await adapter.openReader({ kind: 'stream', name: key }, { group: 'g', ids: [ids[5]!, ids[0]!, ids[4]!, ids[3]!] })) as RedisPendingReader
      // ids[0] was acknowledged above: not pending any more.
      expect(chosen.available).toBe(3)
      const read = await chosen.read(100)
      expect(read.map((m) => m.id)).toEqual([ids[3], ids[5]])
      expect(chosen.deleted).toEqual([ids[4]])
      chosen.ack(read)
      await chosen.close()
      expect((await xpending(key, 'g')).map((e) => e.id)).toEqual([ids[2], ids[4], ids[6], ids[7], ids[8], ids[9]])
      await expect(adapter.openReader({ kind: 'stream', name: key }, { group: 'none' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })
  })

  describe('writes and purge', () => {
    const fill = async (key: string, entries: number) => {
      for (let i = 0; i < entries; i++) await redis.client.xadd(key, '*', 'n', String(i))
      await redis.client.xgroup('CREATE', key, 'keepme', '0')
    }

    it('deletes entries, trims keeping the groups, and deletes a key', async () => {
      const key = `${p}writes`
      await fill(key, 10)
      const [first, second] = (await redis.client.xrange(key, '-', '+', 'COUNT', 2)).map(([id]) => id)
      expect(await adapter.write({ op: 'xdel', source: `stream:${key}`, ids: [first!, second!, '1-1'] })).toEqual({ removed: 2 })
      expect(await adapter.write({ op: 'trim', source: `stream:${key}`, keep: 3, confirm: key })).toEqual({ removed: 5 })
      expect(await redis.client.xlen(key)).toBe(3)
      expect(((await redis.client.xinfo('GROUPS', key)) as unknown[][]).map((g) => pairsToObject(g)['name'])).toEqual(['keepme'])
      await expect(adapter.write({ op: 'delete', source: `list:${key}`, confirm: key })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/is a stream, not a list/),
      })
      expect(await adapter.write({ op: 'delete', source: `stream:${key}`, confirm: key })).toEqual({ removed: 3 })
      expect(await redis.client.exists(key)).toBe(0)
      await expect(adapter.write({ op: 'xdel', source: `stream:${key}`, ids: ['1-1'] })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    it('purges a stream keeping its groups, and a list of every item', async () => {
      const key = `${p}purged`
      await fill(key, 7)
      await redis.client.xreadgroup('GROUP', 'keepme', 'c', 'COUNT', 2, 'STREAMS', key, '>')
      expect(await adapter.purge({ kind: 'stream', name: key })).toEqual({ purged: 7 })
      const details = (await adapter.details({ kind: 'stream', name: key })) as StreamDetails
      expect(details.length).toBe(0)
      expect(details.groups.map((g) => g.name)).toEqual(['keepme'])

      await redis.client.rpush(`${p}purged-list`, 'a', 'b', 'c')
      expect(await adapter.purge({ kind: 'list', name: `${p}purged-list` })).toEqual({ purged: 3 })
      expect(await redis.client.llen(`${p}purged-list`)).toBe(0)
      await expect(adapter.purge({ kind: 'list', name: key })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
      await expect(adapter.purge({ kind: 'channel', name: 'news' })).rejects.toMatchObject({ code: 'UNSUPPORTED' })
    })
  })

  // The same check on 1,000,000 entries runs in the soak tier (redis.streams.soak.test.ts).
  describe('browsing 100,000 entries by pages', () => {
    it('never loads them all at once: every call returns at most a page, and the heap stays bounded', async () => {
      await browseStreamByPages({ client: redis.client, key: `${p}hundred-thousand`, entries: 100_000, page: 1000, heapBound: 64 * 2 ** 20, peek })
    }, 120_000)
  })
})
