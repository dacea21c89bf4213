import { describe, expect, it } from 'vitest'
import type { TailBatch, TailMessage } from '../../../shared/tail'
import type { TailSink } from '../../brokers/adapter'
import { FakeAdapter } from '../../../test-support/fake-adapter'
import { Workspace } from '../workspace'
import { BATCH_CHARS, HEADER_VALUE_CHARS, TAIL_BUFFER_CHARS } from '../display-limits'
import { TailService } from './tail'

/** An adapter whose tail the test feeds by hand. */
class TailingAdapter extends FakeAdapter {
  sink: TailSink | null = null
  constructor() {
    super(() => ({ server: 'Fake', warnings: [] }))
  }
  async openTail(_source: unknown, _options: unknown, sink: TailSink) {
    this.sink = sink
    return { stop: async () => undefined }
  }
}

const MiB = 1024 * 1024
const message = (id: number, bodyChars: number, headers: Record<string, unknown> = {}): TailMessage => ({
  id: String(id),
  at: id,
  body: 'x'.repeat(bodyChars),
  encoding: 'utf8',
  size: bodyChars,
  headers,
})

async function startTail(buffer = 1000) {
  const adapter = new TailingAdapter()
  const workspace = new Workspace(() => adapter)
  await workspace.open('c', { target: { broker: 'redis' } as never, password: null }, { readOnly: false })
  const batches: TailBatch[] = []
  const service = new TailService(workspace, (batch) => batches.push(batch), { flushMs: 5, maxPerConnection: 4 })
  const { tailId } = await service.start({ connectionId: 'c', source: 'channel:x', pattern: false, buffer })
  return { adapter, service, batches, tailId }
}

describe('tail batches stay within their byte budget', () => {
  it('a burst of large messages goes out in batches of at most BATCH_CHARS (one message always fits)', async () => {
    const { adapter, service, batches, tailId } = await startTail()
    for (let i = 0; i < 10; i++) adapter.sink!.message(message(i, 3 * MiB)) // 30 MiB: all fit the buffer
    await expect.poll(() => batches.reduce((n, b) => n + b.messages.length, 0)).toBe(10)
    for (const batch of batches) {
      const chars = batch.messages.reduce((n, m) => n + m.body.length, 0)
      expect(batch.messages.length === 1 || chars <= BATCH_CHARS).toBe(true)
    }
    expect(batches.map((b) => b.messages.map((m) => m.id)).flat()).toEqual(Array.from({ length: 10 }, (_, i) => String(i)))
    await service.stop(tailId)
  })

  it('the buffer is bounded by characters too: the oldest are dropped and counted', async () => {
    const { adapter, service, batches, tailId } = await startTail()
    const each = 4 * MiB
    const count = TAIL_BUFFER_CHARS / each + 5
    // All at once, before any flush: only what fits the buffer stays.
    for (let i = 0; i < count; i++) adapter.sink!.message(message(i, each))
    await service.stop(tailId)
    const delivered = batches.flatMap((b) => b.messages)
    const dropped = batches.reduce((n, b) => n + b.dropped, 0)
    expect(delivered.length).toBe(TAIL_BUFFER_CHARS / each)
    expect(dropped).toBe(5)
    expect(delivered[0]!.id).toBe('5')
    expect(batches.at(-1)!.ended).toBe('stopped')
  })

  it('cuts header values over HEADER_VALUE_CHARS (a Redis stream field can hold anything)', async () => {
    const { adapter, service, batches, tailId } = await startTail()
    adapter.sink!.message(message(1, 10, { huge: 'y'.repeat(10 * MiB), nested: { list: ['z'.repeat(HEADER_VALUE_CHARS + 1)] }, small: 'ok' }))
    await service.stop(tailId)
    const headers = batches.flatMap((b) => b.messages)[0]!.headers as { huge: string; nested: { list: string[] }; small: string }
    expect(headers.huge.length).toBeLessThan(HEADER_VALUE_CHARS + 100)
    expect(headers.huge).toMatch(/cut for display: 10,485,760 characters\)$/)
    expect(headers.nested.list[0]).toMatch(/cut for display/)
    expect(headers.small).toBe('ok')
  })
})
