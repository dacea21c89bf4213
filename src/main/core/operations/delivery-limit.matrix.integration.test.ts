import * as amqp from 'amqplib'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope } from '../../../shared/api'
import { createTestVhost, type TestVhost } from '../../../test-support/brokers'
import { createTestCore, type TestCore } from '../../../test-support/core'
import { pollUntil } from '../../../test-support/wait'

/**
 * The delivery-limit promise, every read path × queue type × profile: a read that does not consume
 * (browse, export, dry run, copy, a filtered move that takes nothing) never drops or dead-letters a
 * message, on a quorum queue with a delivery limit only with the user's say, and never on a
 * read-only profile. Each case reads its own fresh queue three times (once without accepting the
 * risk, twice accepting it, as a user clicking "anyway" would), then the broker's own count and
 * delivery counts are checked by draining the queue with a plain client.
 */
type QueueType = 'classic' | 'quorum' | 'quorum-limit-1' | 'stream'
type ReadPath = 'browse' | 'export' | 'dry run' | 'copy' | 'filtered move'
type Profile = 'normal' | 'read-only'

const MESSAGES = 3
/** Written to a stream after its reads: where draining it ends. */
const END_MARKER = 'end of the test'
const QUEUE_TYPES: QueueType[] = ['classic', 'quorum', 'quorum-limit-1', 'stream']
const READ_PATHS: ReadPath[] = ['browse', 'export', 'dry run', 'copy', 'filtered move']
const PROFILES: Profile[] = ['normal', 'read-only']

const queueArguments: Record<QueueType, Record<string, unknown>> = {
  classic: {},
  quorum: { 'x-queue-type': 'quorum' },
  'quorum-limit-1': { 'x-queue-type': 'quorum', 'x-delivery-limit': 1 },
  stream: { 'x-queue-type': 'stream' },
}

describe('delivery limits on every read path (real RabbitMQ)', () => {
  let vhost: TestVhost
  let t: TestCore
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  const connection: Record<Profile, string> = { normal: '', 'read-only': '' }
  let dir: string
  let n = 0

  beforeAll(async () => {
    vhost = await createTestVhost('dlimit')
    // Export names a file: a local caller (the CLI) may, and reads go through the same rule either way.
    t = await createTestCore('dlimit', { caller: 'local' })
    dir = await mkdtemp(join(tmpdir(), 'qs-dlimit-'))
    client = await amqp.connect(vhost.url)
    client.on('error', () => undefined)
    ch = await client.createConfirmChannel()
    await ch.assertQueue('sink')
    connection.normal = (await t.connectRabbit(vhost, 'normal')).id
    connection['read-only'] = (await t.connectRabbit(vhost, 'read-only', { readOnly: true })).id
  })

  afterAll(async () => {
    await t?.core.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
  })

  function read(path: ReadPath, connectionId: string, queue: string, accept: boolean): Promise<Envelope<unknown>> {
    const source = `queue:${queue}`
    const acceptDeliveryLimitRisk = accept
    // A fresh stream's length reaches the management API with its next statistics: say how many.
    const limit = MESSAGES
    const to = { connectionId, target: 'queue:sink' }
    switch (path) {
      case 'browse':
        return t.call('messages:peek', { connectionId, source, count: 50, acceptDeliveryLimitRisk })
      case 'export':
        return t.call('messages:export', { connectionId, source, path: join(dir, `${queue}-${++n}.ndjson`), count: limit, acceptDeliveryLimitRisk })
      case 'dry run':
        return t.call('replay:start', { connectionId, source, to, mode: 'copy', dryRun: true, limit, acceptDeliveryLimitRisk })
      case 'copy':
        return t.call('replay:start', { connectionId, source, to, mode: 'copy', limit, acceptDeliveryLimitRisk })
      case 'filtered move':
        return t.call('replay:start', {
          connectionId,
          source,
          to,
          mode: 'move',
          confirm: queue,
          filters: [{ field: 'header', name: 'never-set', op: 'exists' }],
          limit,
          acceptDeliveryLimitRisk,
        })
    }
  }

  /** Every message left, with its delivery count, taken off the queue (or read from a stream). */
  async function remaining(queue: string, type: QueueType): Promise<{ bodies: string[]; deliveryCounts: number[] }> {
    const reader = await client.createChannel()
    const bodies: string[] = []
    const deliveryCounts: number[] = []
    try {
      if (type === 'stream') {
        // A stream never shrinks, and its length over AMQP comes from sampled statistics: so an end
        // marker goes in after every read, and everything before it is read once it arrives.
        ch.sendToQueue(queue, Buffer.from(END_MARKER))
        await ch.waitForConfirms()
        await reader.prefetch(100)
        let reachedEnd = false
        void reader.consume(
          queue,
          (m) => {
            if (!m || reachedEnd) return
            reader.ack(m)
            if (m.content.toString() === END_MARKER) reachedEnd = true
            else bodies.push(m.content.toString())
          },
          { arguments: { 'x-stream-offset': 'first' } },
        )
        await pollUntil(`the end of stream "${queue}"`, () => (reachedEnd ? true : undefined), { timeoutMs: 10_000 })
      } else {
        for (let m = await reader.get(queue, { noAck: true }); m; m = await reader.get(queue, { noAck: true })) {
          bodies.push(m.content.toString())
          const count = (m.properties.headers as Record<string, unknown> | undefined)?.['x-delivery-count']
          deliveryCounts.push(typeof count === 'number' ? count : 0)
        }
      }
    } finally {
      await reader.close().catch(() => undefined)
    }
    return { bodies: bodies.sort(), deliveryCounts }
  }

  /** What each of the three reads must answer: ok, or refused with this code. */
  function expected(type: QueueType, path: ReadPath, profile: Profile): { code: string | null; requiresAcceptance?: boolean }[] {
    const writes = path === 'copy' || path === 'filtered move'
    if (profile === 'read-only' && writes) return Array(3).fill({ code: 'READ_ONLY' })
    if (type === 'stream' && path === 'filtered move') return Array(3).fill({ code: 'UNSUPPORTED' })
    if (type !== 'quorum-limit-1') return Array(3).fill({ code: null })
    // A read-only profile never spends a delivery attempt, whatever the request says.
    if (profile === 'read-only') return Array(3).fill({ code: 'READ_ONLY', requiresAcceptance: false })
    // Asked first; accepted, the read stops at the first message one attempt from the limit (with
    // limit 1 that is the first message: it goes back with count 1); then the queue is latched.
    return [{ code: 'UNSUPPORTED', requiresAcceptance: true }, { code: 'STOPPED' }, { code: 'LATCHED' }]
  }

  const cases = QUEUE_TYPES.flatMap((type) => READ_PATHS.flatMap((path) => PROFILES.map((profile) => ({ type, path, profile }))))

  it.each(cases)('$path of a $type queue on a $profile profile loses nothing', async ({ type, path, profile }) => {
    const queue = `${type}-${path.replace(' ', '-')}-${profile}`
    await ch.assertQueue(queue, { durable: true, arguments: queueArguments[type] })
    for (let i = 0; i < MESSAGES; i++) ch.sendToQueue(queue, Buffer.from(`message ${i}`), { messageId: `m-${i}`, persistent: true })
    await ch.waitForConfirms()

    const outcomes: Envelope<unknown>[] = []
    for (const accept of [false, true, true]) outcomes.push(await read(path, connection[profile], queue, accept))

    for (const [i, want] of expected(type, path, profile).entries()) {
      const outcome = outcomes[i]!
      // A replay that started and then stopped at the limit reports it in its report's error.
      const stopped =
        outcome.ok && typeof (outcome.data as { error?: unknown }).error === 'string' && /delivery count/.test((outcome.data as { error: string }).error)
      const detail = outcome.ok ? {} : ((outcome.error.detail ?? {}) as { latched?: boolean; deliveryCount?: number })
      const code = outcome.ok ? (stopped ? 'STOPPED' : null) : detail.latched ? 'LATCHED' : detail.deliveryCount !== undefined ? 'STOPPED' : outcome.error.code
      expect({ read: i + 1, code }).toEqual({ read: i + 1, code: want.code })
      if (want.requiresAcceptance !== undefined && !outcome.ok) {
        expect(outcome.error.detail).toMatchObject({ reason: 'delivery-limit', requiresAcceptance: want.requiresAcceptance })
      }
    }

    // Classic and quorum queues give browsed messages back as their channel closes: wait for all.
    if (type !== 'stream') {
      await expect.poll(async () => (await ch.checkQueue(queue)).messageCount, { timeout: 10_000 }).toBe(MESSAGES)
    }
    const left = await remaining(queue, type)
    expect(left.bodies).toEqual(Array.from({ length: MESSAGES }, (_, i) => `message ${i}`))
    if (type === 'quorum-limit-1') {
      // Never past the limit; on a read-only profile not one attempt was spent.
      expect(Math.max(...left.deliveryCounts)).toBeLessThanOrEqual(1)
      if (profile === 'read-only') expect(left.deliveryCounts).toEqual([0, 0, 0])
    }
    await ch.deleteQueue(queue)
  })
})
