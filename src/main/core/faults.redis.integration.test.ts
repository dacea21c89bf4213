import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionStatus, ProfileView } from '../../shared/model'
import { createTestRedis, type TestRedis } from '../../test-support/brokers'
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
import { startTcpProxy, type TcpProxy } from '../../test-support/tcp-proxy'
import { createDispatcher, type Dispatcher } from './dispatch'

const WAIT = { timeout: 15_000, interval: 50 }

/**
 * Every front-end call that talks to Redis, under each network fault between the core and a real
 * Redis (a fault proxy in between): it answers in time with a typed error (or, under latency and
 * throttling, succeeds), the status is right while the fault lasts, nothing is lost or duplicated
 * beyond what the answers say, and the connection recovers when the fault ends.
 */
describe('Redis calls under network faults (real broker behind a fault proxy)', () => {
  let redis: TestRedis
  let proxy: TcpProxy
  let t: TestCore
  let local: Dispatcher
  let dir: string
  let main: ProfileView
  let spare: ProfileView
  let statuses: ReturnType<typeof recordStatuses>
  let tails: ReturnType<typeof recordTails>

  beforeAll(async () => {
    redis = await createTestRedis('faults')
    proxy = await startTcpProxy(6379)
    dir = await mkdtemp(join(tmpdir(), 'qs-faults-redis-'))
    t = await createTestCore('faults-redis', { core: { timeouts: TEST_TIMEOUTS, backoff: TEST_BACKOFF } })
    // Export names a file: only the user's own process (the CLI) may call it.
    local = createDispatcher(t.core, { caller: 'local' })
    statuses = recordStatuses(t.core)
    tails = recordTails(t.core)
    const url = `redis://127.0.0.1:${proxy.port}/0`
    main = await t.ok<ProfileView>('profiles:save', { name: 'redis behind the proxy', broker: 'redis', url })
    spare = await t.ok<ProfileView>('profiles:save', { name: 'connects during the fault', broker: 'redis', url })
    expect(await t.ok<ConnectionStatus>('connection:connect', { profileId: main.id })).toMatchObject({ state: 'open' })
  })

  // A failed case must not leave its fault behind for the next one.
  afterEach(() => {
    for (const fault of FAULTS) fault.lift(proxy)
  })

  beforeEach(async () => {
    await expect.poll(() => t.core.workspace.status(main.id)?.state, WAIT).toBe('open')
  })

  afterAll(async () => {
    await t?.core.close()
    await proxy?.close()
    await redis?.remove()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  describe.each(FAULTS.map((fault, i) => ({ ...fault, slug: `f${i}` })))('$name', (fault) => {
    it('each call answers in time, the status is right, nothing is lost or duplicated beyond what is said, and it recovers', async () => {
      const connectionId = main.id
      const p = `${redis.prefix}${fault.slug}:`
      const [events, jobs, copy] = [`${p}events`, `${p}jobs`, `${p}copy`]
      const ids: string[] = []
      for (let i = 0; i < 5; i++) ids.push((await redis.client.xadd(events, '*', 'n', String(i)))!)
      await redis.client.xgroup('CREATE', events, 'g', '0')
      await redis.client.xreadgroup('GROUP', 'g', 'c', 'COUNT', 3, 'STREAMS', events, '>')
      await redis.client.rpush(jobs, 'a', 'b', 'c')
      const running = (await t.ok<{ tailId: string }>('tail:start', { connectionId, source: `stream:${events}` })).tailId

      statuses.clear()
      fault.apply(proxy)
      const stream = `stream:${events}`
      const calls: Record<string, Promise<Outcome>> = {
        list: settles(t.call('sources:list', { connectionId, pattern: `${p}*` })),
        peek: settles(t.call('messages:peek', { connectionId, source: stream, count: 10 })),
        publish: settles(t.call('messages:publish', { connectionId, target: stream, body: 'during the fault' })),
        purge: settles(t.call('sources:purge', { connectionId, source: `list:${jobs}`, confirm: jobs })),
        export: settles(local('messages:export', { connectionId, source: stream, path: join(dir, `${fault.slug}.ndjson`) })),
        replay: settles(t.call('replay:start', { connectionId, source: stream, to: { connectionId, target: `stream:${copy}` }, mode: 'copy' })),
        tail: settles(t.call('tail:start', { connectionId, source: stream })),
        claim: settles(t.call('streams:claim', { connectionId, source: stream, group: 'g', consumer: 'c2', ids: [ids[0]] })),
        ack: settles(t.call('streams:ack', { connectionId, source: stream, group: 'g', ids: [ids[1]] })),
        connect: settles(t.call('connection:connect', { profileId: spare.id })),
      }
      const outcome: Record<string, Outcome> = {}
      for (const [name, call] of Object.entries(calls)) outcome[name] = await call

      const { connect, ...rest } = outcome
      if (fault.dead) {
        for (const [name, result] of Object.entries(rest)) {
          expect(result.ok ? 'succeeded on a dead link' : result.code, `${name}: ${result.ok ? '' : result.message}`).toBeOneOf(LINK_CODES)
        }
        // A new connection cannot complete while the fault lasts: it fails in time, saying so.
        expect(connect).toMatchObject({ ok: true, data: { state: 'failed', reason: expect.stringMatching(/timed out|stopped answering|closed/) } })
        // The dead link is reported, and reconnecting never takes the still-dead link for an open one.
        await expect
          .poll(() => t.core.workspace.status(connectionId), WAIT)
          .toMatchObject({ state: 'reconnecting', attempt: expect.toSatisfy((n: number) => n >= 2, 'a second attempt') })
        expect(statuses.of(connectionId).map((s) => s.state)).not.toContain('open')
        await expect.poll(() => tails.ended(running), WAIT).toMatch(/connection lost|stopped answering|closed/)
      } else {
        for (const [name, result] of Object.entries(outcome)) expect(result, name).toMatchObject({ ok: true })
        expect(connect).toMatchObject({ data: { state: 'open' } })
        expect(statuses.of(connectionId)).toEqual([])
        await expect.poll(() => tails.messages(running), WAIT).toContain('during the fault')
      }

      fault.lift(proxy)
      await expect.poll(() => t.core.workspace.status(connectionId)?.state, WAIT).toBe('open')
      const list = await t.ok<{ items: { name: string }[] }>('sources:list', { connectionId, pattern: `${p}*` })
      expect(list.items.map((item) => item.name)).toContain(events)

      // Counted on the real server, past the proxy: reads changed nothing, writes did what they said.
      expect(allowedAfterWrite(outcome['publish']!, 5, 1)).toContain(await redis.client.xlen(events))
      expect(allowedAfterWrite(outcome['purge']!, 3, -3)).toContain(await redis.client.llen(jobs))
      const pending = (await redis.client.xpending(events, 'g', '-', '+', 10)) as [string, string][]
      expect(allowedAfterWrite(outcome['ack']!, 3, -1)).toContain(pending.length)
      const owner = pending.find(([id]) => id === ids[0])?.[1]
      expect(outcome['claim']!.ok ? ['c2'] : /nothing was sent/.test((outcome['claim'] as { message: string }).message) ? ['c'] : ['c', 'c2']).toContain(owner)
      const replay = outcome['replay']!
      const copied = await redis.client.xlen(copy)
      if (replay.ok) {
        const report = replay.data as { published: number; duplicates: number }
        expect(copied).toBeGreaterThanOrEqual(report.published)
        expect(copied).toBeLessThanOrEqual(report.published + report.duplicates)
      } else {
        expect(copied).toBe(0)
      }

      for (const result of [outcome['tail']!]) if (result.ok) await t.ok('tail:stop', { tailId: (result.data as { tailId: string }).tailId })
      await t.ok('tail:stop', { tailId: running })
      await t.ok('connection:disconnect', { connectionId: spare.id })
    })
  })
})
