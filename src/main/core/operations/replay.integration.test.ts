import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReplayReport } from '../../../shared/replay'
import { cutMidMove, moveDeadLettersToOrigin, openReplayFixture, type ReplayFixture } from '../../../test-support/replay-at-scale'

/**
 * The replay engine through the contract, against a real RabbitMQ, in a vhost of this file's own.
 * The two checks at scale run here at a moderate size; the soak tier runs them with 10,000 and
 * 50,000 messages (replay.soak.test.ts).
 */
describe('replay (real RabbitMQ)', () => {
  let fx: ReplayFixture
  const ok = <T>(channel: string, payload: unknown): Promise<T> => fx.ok<T>(channel, payload)
  const call = (channel: string, payload: unknown) => fx.call(channel, payload)
  const count = (queue: string) => fx.count(queue)
  const drain = (queue: string) => fx.drain(queue)
  const fill: ReplayFixture['fill'] = (queue, n, options) => fx.fill(queue, n, options)

  beforeAll(async () => {
    fx = await openReplayFixture('replay')
  })

  afterAll(async () => {
    await fx?.close()
  })

  it('moves 2,000 dead-lettered messages back to their origin: each id once, the DLQ empty, properties and headers intact', async () => {
    await moveDeadLettersToOrigin(fx, 2_000)
  })

  it('a replay into its own source with "all that are there now" stops after the initial count', async () => {
    await fill('loop', 500)
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: fx.rabbit.id,
      source: 'queue:loop',
      to: { connectionId: fx.rabbit.id, target: 'queue:loop' },
      mode: 'move',
      confirm: 'loop',
    })
    expect(report).toMatchObject({ total: 500, scanned: 500, published: 500, acknowledged: 500, left: 0 })
    const after = await drain('loop')
    expect(after).toHaveLength(500)
    expect(after.every((m) => m.properties.headers?.['qs-replay-count'] === 1)).toBe(true)
    expect(after.map((m) => m.properties.messageId)).toEqual(Array.from({ length: 500 }, (_, i) => `m-${i}`))
  })

  it('a dry run lists what would go and changes nothing', async () => {
    await fill('dry', 40)
    await fx.ch.assertQueue('dry.target')
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: fx.rabbit.id,
      source: 'queue:dry',
      to: { connectionId: fx.rabbit.id, target: 'queue:dry.target' },
      mode: 'move',
      dryRun: true,
      filters: [{ field: 'body', name: 'tenant', op: 'equals', value: 'acme' }],
    })
    expect(report).toMatchObject({ dryRun: true, total: 40, scanned: 40, published: 20, skipped: 20, acknowledged: 0, left: 40 })
    expect(report.preview.map((p) => p.id)).toEqual(Array.from({ length: 20 }, (_, i) => `m-${2 * i + 1}`))
    expect(report.preview[0]).toMatchObject({ exchange: '', routingKeys: ['dry.target'] })
    await expect.poll(() => count('dry'), { timeout: 3000 }).toBe(40)
    expect(await count('dry.target')).toBe(0)
    expect((await drain('dry')).map((m) => m.properties.messageId)).toEqual(Array.from({ length: 40 }, (_, i) => `m-${i}`))
  })

  it('copies with filters on headers and properties, leaving the source as it was', async () => {
    await fill('copy.src', 30, (i) => ({ messageId: `m-${i}`, type: i < 10 ? 'order.created' : 'order.paid', headers: { region: i % 3 === 0 ? 'eu' : 'us' } }))
    await fx.ch.assertQueue('copy.dst')
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: fx.rabbit.id,
      source: 'queue:copy.src',
      to: { connectionId: fx.rabbit.id, target: 'queue:copy.dst' },
      mode: 'copy',
      filters: [
        { field: 'property', name: 'type', op: 'contains', value: 'created' },
        { field: 'header', name: 'region', op: 'equals', value: 'eu' },
      ],
    })
    expect(report).toMatchObject({ mode: 'copy', scanned: 30, published: 4, skipped: 26, acknowledged: 0, left: 30 })
    expect((await drain('copy.dst')).map((m) => m.properties.messageId)).toEqual(['m-0', 'm-3', 'm-6', 'm-9'])
    await expect.poll(() => count('copy.src'), { timeout: 3000 }).toBe(30)

    // A selection from the message browser, by message id: only those, and it stops once found.
    const selected = await ok<ReplayReport>('replay:start', {
      connectionId: fx.rabbit.id,
      source: 'queue:copy.src',
      to: { connectionId: fx.rabbit.id, target: 'queue:copy.dst' },
      mode: 'move',
      confirm: 'copy.src',
      messageIds: ['m-2', 'm-5'],
    })
    expect(selected).toMatchObject({ published: 2, acknowledged: 2, scanned: 6 })
    expect((await drain('copy.dst')).map((m) => m.properties.messageId)).toEqual(['m-2', 'm-5'])
    await expect.poll(() => count('copy.src'), { timeout: 3000 }).toBe(28)
  })

  it('unroutable targets fail without losing the source messages; a move needs the typed confirmation', async () => {
    await fill('stuck', 25)
    await fx.ch.assertExchange('nowhere', 'topic')
    const refused = await call('replay:start', {
      connectionId: fx.rabbit.id,
      source: 'queue:stuck',
      to: { connectionId: fx.rabbit.id, target: 'exchange:nowhere', routingKey: 'x' },
      mode: 'move',
    })
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('type the source name "stuck"') } })
    const report = await ok<ReplayReport>('replay:start', {
      connectionId: fx.rabbit.id,
      source: 'queue:stuck',
      to: { connectionId: fx.rabbit.id, target: 'exchange:nowhere', routingKey: 'x' },
      mode: 'move',
      confirm: 'stuck',
    })
    expect(report).toMatchObject({ scanned: 25, published: 0, failed: 25, acknowledged: 0, left: 25 })
    expect(report.failures[0]).toMatchObject({
      id: 'm-0',
      exchange: 'nowhere',
      routingKeys: ['x'],
      reason: expect.stringContaining('unroutable at the target (NO_ROUTE)'),
    })
    await expect.poll(() => count('stuck'), { timeout: 3000 }).toBe(25)

    const missing = await ok<ReplayReport>('replay:start', {
      connectionId: fx.rabbit.id,
      source: 'queue:stuck',
      to: { connectionId: fx.rabbit.id, target: 'exchange:no-such-exchange' },
      mode: 'move',
      confirm: 'stuck',
    })
    expect(missing).toMatchObject({ published: 0, acknowledged: 0, error: expect.stringContaining('exchange "no-such-exchange" does not exist') })
    await expect.poll(() => count('stuck'), { timeout: 3000 }).toBe(25)
    const noQueue = await call('replay:start', { connectionId: fx.rabbit.id, source: 'queue:no-such-queue', to: { toOrigin: true }, mode: 'copy' })
    expect(noQueue).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('queue "no-such-queue" does not exist') } })
  })

  it('cancel mid-way stops cleanly with a report that matches both queues', async () => {
    await fill('slow', 2000)
    await fx.ch.assertQueue('slow.dst')
    let published = 0
    const off = fx.core.replays.onProgress((p) => {
      if (p.id === 'cancel-me') published = p.published
    })
    const running = ok<ReplayReport>('replay:start', {
      id: 'cancel-me',
      connectionId: fx.rabbit.id,
      source: 'queue:slow',
      to: { connectionId: fx.rabbit.id, target: 'queue:slow.dst' },
      mode: 'move',
      confirm: 'slow',
      rate: 400,
    })
    // Mid-way: once some have gone (at 400/s the whole move takes 5 s), not after a fixed time.
    await expect.poll(() => published, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0)
    off()
    expect(await ok('replay:cancel', { id: 'cancel-me' })).toEqual({ cancelled: true })
    const report = await running
    expect(report.cancelled).toBe(true)
    expect(report.published).toBeGreaterThan(0)
    expect(report.published).toBeLessThan(2000)
    expect(report.acknowledged).toBe(report.published)
    expect(report.left).toBe(2000 - report.published)
    await expect.poll(() => count('slow'), { timeout: 3000 }).toBe(report.left)
    expect(await count('slow.dst')).toBe(report.published)
  })

  it('when the broker connection is cut in the middle of a 10,000-message move, no message is lost and duplicates stay within the window', async () => {
    await cutMidMove(fx, 10_000)
  }, 120_000)
})
