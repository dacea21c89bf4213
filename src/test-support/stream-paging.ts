/**
 * Browsing a long Redis stream page by page, the same check at two sizes: the integration suite
 * runs it on a stream big enough that holding it whole would break the heap bound (100,000
 * entries, about 90 MiB as a raw XRANGE reply), the soak tier on 1,000,000 entries.
 */
import type { Redis } from 'ioredis'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect } from 'vitest'
import type { PeekRequest, PeekResult } from '../shared/messages'

export interface StreamPaging {
  client: Redis
  key: string
  entries: number
  page: number
  /** Heap growth over the run, measured after each call and before any collection. */
  heapBound: number
  peek(source: string, extra: Partial<PeekRequest>): Promise<PeekResult>
}

/** Fills `key` with `entries` entries (ids 1-0, 2-0, …), reads it all by pages, checks and deletes it. */
export async function browseStreamByPages({ client, key, entries, page, heapBound, peek }: StreamPaging): Promise<void> {
  const body = '{"sku":"SKU-0000","qty":1,"note":"a small order line"}'
  for (let sent = 0; sent < entries; sent += 10_000) {
    const pipeline = client.pipeline()
    for (let i = 1; i <= Math.min(10_000, entries - sent); i++) pipeline.xadd(key, `${sent + i}-0`, 'body', body, 'n', String(sent + i))
    await pipeline.exec()
  }
  expect(await client.xlen(key)).toBe(entries)

  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  gc()
  const baseline = process.memoryUsage().heapUsed
  let seen = 0
  let largest = 0
  let peak = 0
  let last = 0
  let after: string | undefined
  for (let call = 0; ; call++) {
    const result = await peek(`stream:${key}`, { count: page, range: { direction: 'forward', after } })
    // Measured before any collection: a call that fetched the whole stream leaves it on the heap.
    peak = Math.max(peak, process.memoryUsage().heapUsed - baseline)
    largest = Math.max(largest, result.messages.length)
    for (const message of result.messages) {
      const n = Number(message.id.split('-')[0])
      if (n !== last + 1) throw new Error(`entry ${message.id} after ${last}`)
      last = n
    }
    seen += result.messages.length
    if (!result.next) break
    after = result.next
    if (call % 10 === 9) gc()
  }
  expect(seen).toBe(entries)
  expect(largest).toBe(page)
  // The stream decoded at once would be far above the bound; ten pages of garbage are a few MB.
  expect(peak).toBeLessThan(heapBound)
  await client.del(key)
}
