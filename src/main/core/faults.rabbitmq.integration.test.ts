import * as amqp from 'amqplib'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionStatus, ProfileView } from '../../shared/model'
import { createTestVhost, MANAGEMENT_URL, type TestVhost } from '../../test-support/brokers'
import { createTestCore, type TestCore } from '../../test-support/core'
import {
  allowedAfterWrite,
  FAULTS,
  LINK_CODES,
  recordStatuses,
  recordTails,
  settles,
  TEST_BACKOFF,
  TEST_TIMEOUTS,
  type Outcome,
} from '../../test-support/faults'
import { startManagementStandIn, type ManagementStandIn, type StandInMode } from '../../test-support/management-standin'
import { startTcpProxy, type TcpProxy } from '../../test-support/tcp-proxy'
import { createDispatcher, type Dispatcher } from './dispatch'

const WAIT = { timeout: 20_000, interval: 50 }

/**
 * Every front-end call that talks to RabbitMQ, under each network fault on the AMQP link (a fault
 * proxy in front of the real broker) and each failure of the management API (a stand-in in front
 * of the real one): it answers in time with a typed error (or succeeds), the status is right,
 * nothing is lost or duplicated beyond what the answers say, and everything recovers.
 */
describe('RabbitMQ calls under network faults (real broker behind a fault proxy)', () => {
  let vhost: TestVhost
  let client: amqp.ChannelModel
  let ch: amqp.ConfirmChannel
  let proxy: TcpProxy
  let standIn: ManagementStandIn
  let t: TestCore
  let local: Dispatcher
  let dir: string
  let statuses: ReturnType<typeof recordStatuses>
  let tails: ReturnType<typeof recordTails>
  const profile = (name: string, port: number, managementUrl = MANAGEMENT_URL): Promise<ProfileView> =>
    t.ok<ProfileView>('profiles:save', {
      name,
      broker: 'rabbitmq',
      url: `amqp://guest@127.0.0.1:${port}/${encodeURIComponent(vhost.name)}`,
      password: 'guest',
      managementUrl,
    })
  /** Ready messages, counted on the broker itself (past the proxy). */
  const ready = async (queue: string): Promise<number> => (await ch.checkQueue(queue)).messageCount
  /** Unacknowledged messages of a dead connection go back once the broker drops it: wait for a count allowed. */
  const settlesTo = async (queue: string, allowed: number[]): Promise<void> => {
    await expect.poll(async () => allowed.includes(await ready(queue)), WAIT).toBe(true)
  }
  const seed = async (queue: string, count: number): Promise<void> => {
    await ch.assertQueue(queue)
    for (let i = 0; i < count; i++) ch.sendToQueue(queue, Buffer.from(`${queue} ${i}`), { messageId: `${queue}-${i}` })
    await ch.waitForConfirms()
  }

  beforeAll(async () => {
    vhost = await createTestVhost('faults')
    client = await amqp.connect(vhost.url)
    ch = await client.createConfirmChannel()
    proxy = await startTcpProxy(5672)
    standIn = await startManagementStandIn()
    dir = await mkdtemp(join(tmpdir(), 'qs-faults-rabbit-'))
    t = await createTestCore('faults-rabbit', { core: { timeouts: TEST_TIMEOUTS, backoff: TEST_BACKOFF } })
    local = createDispatcher(t.core, { caller: 'local' })
    statuses = recordStatuses(t.core)
    tails = recordTails(t.core)
  })

  afterAll(async () => {
    await t?.core.close()
    await proxy?.close()
    await standIn?.close()
    await client?.close().catch(() => undefined)
    await vhost?.remove()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  describe('on the AMQP link', () => {
    let main: ProfileView
    let spare: ProfileView

    beforeAll(async () => {
      main = await profile('rabbit behind the proxy', proxy.port)
      spare = await profile('connects during the fault', proxy.port)
      expect(await t.ok<ConnectionStatus>('connection:connect', { profileId: main.id })).toMatchObject({ state: 'open' })
    })

    // A failed case must not leave its fault behind for the next one.
    afterEach(() => {
      for (const fault of FAULTS) fault.lift(proxy)
    })

    beforeEach(async () => {
      await expect.poll(() => t.core.workspace.status(main.id)?.state, WAIT).toBe('open')
    })

    describe.each(FAULTS.map((fault, i) => ({ ...fault, slug: `f${i}` })))('$name', (fault) => {
      it('each call answers in time, the status is right, nothing is lost or duplicated beyond what is said, and it recovers', async () => {
        const connectionId = main.id
        const [orders, purged, copies, fan] = ['orders', 'purged', 'copies', 'fan'].map((name) => `${fault.slug}.${name}`) as [string, string, string, string]
        await seed(orders, 4)
        await seed(purged, 3)
        await ch.assertQueue(copies)
        await ch.assertExchange(fan, 'fanout')
        await ch.bindQueue(orders, fan, '')
        const running = (await t.ok<{ tailId: string }>('tail:start', { connectionId, source: `exchange:${fan}` })).tailId
        // A publish before the fault opens the confirm channel, so the one during it waits for its confirm.
        expect(await t.ok('messages:publish', { connectionId, target: `exchange:${fan}`, body: 'before the fault' })).toEqual({ routed: true })

        statuses.clear()
        fault.apply(proxy)
        const queue = `queue:${orders}`
        const calls: Record<string, Promise<Outcome>> = {
          list: settles(t.call('sources:list', { connectionId, filter: fault.slug })),
          peek: settles(t.call('messages:peek', { connectionId, source: queue, count: 10 })),
          publish: settles(t.call('messages:publish', { connectionId, target: `exchange:${fan}`, body: 'during the fault' })),
          purge: settles(t.call('sources:purge', { connectionId, source: `queue:${purged}`, confirm: purged })),
          export: settles(local('messages:export', { connectionId, source: queue, path: join(dir, `${fault.slug}.ndjson`) })),
          replay: settles(t.call('replay:start', { connectionId, source: queue, to: { connectionId, target: `queue:${copies}` }, mode: 'copy' })),
          tail: settles(t.call('tail:start', { connectionId, source: `exchange:${fan}` })),
          connect: settles(t.call('connection:connect', { profileId: spare.id })),
        }
        const outcome: Record<string, Outcome> = {}
        for (const [name, call] of Object.entries(calls)) outcome[name] = await call

        const { connect, list, ...rest } = outcome
        if (fault.dead) {
          // Listing asks the management API only, which this fault does not touch, until the dead link shows.
          expect(list!.ok || LINK_CODES.includes(list!.code), `list: ${JSON.stringify(list)}`).toBe(true)
          for (const [name, result] of Object.entries(rest)) {
            expect(result.ok ? 'succeeded on a dead link' : result.code, `${name}: ${result.ok ? '' : result.message}`).toBeOneOf(LINK_CODES)
          }
          expect(connect).toMatchObject({ ok: true, data: { state: 'failed', reason: expect.stringMatching(/timed out|closed|stopped answering/i) } })
          await expect
            .poll(() => t.core.workspace.status(connectionId), WAIT)
            .toMatchObject({ state: 'reconnecting', attempt: expect.toSatisfy((n: number) => n >= 2, 'a second attempt') })
          expect(statuses.of(connectionId).map((s) => s.state)).not.toContain('open')
          await expect.poll(() => tails.ended(running), WAIT).toBeDefined()
        } else {
          for (const [name, result] of Object.entries(outcome)) expect(result, name).toMatchObject({ ok: true })
          expect(connect).toMatchObject({ data: { state: 'open' } })
          expect(statuses.of(connectionId)).toEqual([])
          await expect.poll(() => tails.messages(running), WAIT).toContain('during the fault')
        }

        fault.lift(proxy)
        await expect.poll(() => t.core.workspace.status(connectionId)?.state, WAIT).toBe('open')
        const after = await t.ok<{ items: { name: string }[] }>('sources:list', { connectionId, filter: fault.slug })
        expect(after.items.map((item) => item.name)).toContain(orders)
        expect((await t.ok<{ messages: unknown[] }>('messages:peek', { connectionId, source: queue, count: 1 })).messages).toHaveLength(1)

        await settlesTo(orders, allowedAfterWrite(outcome['publish']!, 5, 1))
        await settlesTo(purged, allowedAfterWrite(outcome['purge']!, 3, -3))
        const replay = outcome['replay']!
        if (replay.ok) {
          const { published, duplicates } = replay.data as { published: number; duplicates: number }
          await settlesTo(
            copies,
            Array.from({ length: duplicates + 1 }, (_, i) => published + i),
          )
        } else {
          await settlesTo(copies, [0])
        }

        if (outcome['tail']!.ok) await t.ok('tail:stop', { tailId: (outcome['tail']!.data as { tailId: string }).tailId })
        await t.ok('tail:stop', { tailId: running })
        await t.ok('connection:disconnect', { connectionId: spare.id })
      })
    })
  })

  describe('with a failing management API', () => {
    let viaStandIn: ProfileView
    let spare: ProfileView
    const queue = 'mgmt.orders'

    beforeAll(async () => {
      await seed(queue, 4)
      viaStandIn = await profile('management behind a stand-in', 5672, standIn.url)
      spare = await profile('connects while the management API fails', 5672, standIn.url)
      expect(await t.ok<ConnectionStatus>('connection:connect', { profileId: viaStandIn.id })).toMatchObject({ state: 'open' })
    })

    afterEach(() => standIn.set({ kind: 'healthy' }))

    const modes: { name: string; mode: StandInMode }[] = [
      { name: 'slow, within the deadline', mode: { kind: 'slow', delayMs: 200 } },
      { name: 'slow, past the deadline', mode: { kind: 'slow', delayMs: 2 * TEST_TIMEOUTS.requestMs } },
      { name: 'hung', mode: { kind: 'hang' } },
      { name: 'answering 500', mode: { kind: 'error' } },
      { name: 'answering garbage', mode: { kind: 'garbage' } },
      { name: 'cutting its answer short', mode: { kind: 'truncated' } },
    ]

    it.each(modes)('$name: listing, details, browsing and connecting answer in time with a typed outcome, and recover', async ({ mode }) => {
      const connectionId = viaStandIn.id
      statuses.clear()
      standIn.set(mode)
      const calls: Record<string, Promise<Outcome>> = {
        list: settles(t.call('sources:list', { connectionId, filter: 'mgmt.' })),
        details: settles(t.call('sources:details', { connectionId, source: `queue:${queue}` })),
        peek: settles(t.call('messages:peek', { connectionId, source: `queue:${queue}`, count: 10 })),
        overview: settles(t.call('broker:overview', { connectionId })),
        connect: settles(t.call('connection:connect', { profileId: spare.id })),
      }
      const outcome: Record<string, Outcome> = {}
      for (const [name, call] of Object.entries(calls)) outcome[name] = await call
      for (const [name, result] of Object.entries(outcome)) {
        // Never INTERNAL: a typed failure, or an answer (degraded answers carry warnings).
        expect(result.ok || ['TIMEOUT', 'UNREACHABLE', 'BROKER_ERROR'].includes(result.code), `${name}: ${JSON.stringify(result)}`).toBe(true)
      }
      if (mode.kind === 'slow' && mode.delayMs < TEST_TIMEOUTS.requestMs)
        for (const [name, result] of Object.entries(outcome)) expect(result, name).toMatchObject({ ok: true })
      // The AMQP link is fine: the management API's trouble never takes the connection down.
      expect(outcome['connect']).toMatchObject({ ok: true, data: { state: 'open' } })
      expect(statuses.of(connectionId)).toEqual([])

      standIn.set({ kind: 'healthy' })
      const list = await t.ok<{ items: { name: string }[]; warnings: string[] }>('sources:list', { connectionId, filter: 'mgmt.' })
      expect(list.items.map((item) => item.name)).toEqual([queue])
      await settlesTo(queue, [4])
      await t.ok('connection:disconnect', { connectionId: spare.id })
    })
  })
})
