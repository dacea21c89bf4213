import * as amqp from 'amqplib'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionStatus, ProfileView, SourceList } from '../../shared/model'
import type { BrokerOverview } from '../../shared/broker-overview'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, type TestRedis, type TestVhost } from '../../test-support/brokers'
import { startTcpProxy, type TcpProxy } from '../../test-support/tcp-proxy'
import { createCore, type Core } from './core'
import { createDispatcher } from './dispatch'

/** The whole core through the contract, as every front end uses it, against real brokers. */
describe('core through the contract (real brokers)', () => {
  let vhost: TestVhost
  let redis: TestRedis
  let core: Core
  let call: ReturnType<typeof createDispatcher>
  const statuses: ConnectionStatus[] = []

  const ok = async <T>(channel: string, payload: unknown): Promise<T> => {
    const envelope = await call(channel, payload)
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`)
    return envelope.data as T
  }

  beforeAll(async () => {
    vhost = await createTestVhost('core')
    redis = await createTestRedis('core')
    core = await createCore({
      configDir: await mkdtemp(join(tmpdir(), 'qs-core-')),
      mode: 'web',
      version: 'test',
      backoff: { baseMs: 100, maxMs: 500, jitter: 0 },
      metrics: { intervalMs: 500, budget: 10_000, retentionMs: 60_000 },
    })
    core.workspace.onStatus((s) => statuses.push(s))
    call = createDispatcher(core)
  })

  afterAll(async () => {
    await core?.close()
    await vhost?.remove()
    await redis?.remove()
  })

  async function saveRabbit(name: string, extra: object = {}, url = vhost.url.replace('guest:guest@', 'guest@')): Promise<ProfileView> {
    return ok<ProfileView>('profiles:save', { name, broker: 'rabbitmq', url, password: 'guest', managementUrl: MANAGEMENT_URL, ...extra })
  }

  it('tests, connects and lists a profile', async () => {
    const profile = await saveRabbit('rabbit')
    expect(profile.hasPassword).toBe(true)
    expect(await ok('profiles:test', { id: profile.id })).toMatchObject({ ok: true, server: expect.stringMatching(/^RabbitMQ/) })
    expect(await ok('connection:connect', { profileId: profile.id })).toMatchObject({ state: 'open', readOnly: false })
    const list = await ok<SourceList>('sources:list', { connectionId: profile.id })
    expect(list.items.some((i) => i.kind === 'exchange' && i.name === 'amq.topic')).toBe(true)
  })

  it('samples an open connection into metrics:history', async () => {
    const client = await amqp.connect(vhost.url)
    const ch = await client.createConfirmChannel()
    await ch.assertQueue('sampled')
    ch.sendToQueue('sampled', Buffer.from('x'))
    await ch.waitForConfirms()
    await client.close()
    const profile = await saveRabbit('sampled')
    await ok('connection:connect', { profileId: profile.id })
    await expect
      .poll(
        async () =>
          (await ok<{ series: Record<string, { ready: number | null }[]> }>('metrics:history', { connectionId: profile.id, source: 'queue:sampled' })).series[
            'queue:sampled'
          ]?.at(-1)?.ready,
        { timeout: 20_000 },
      )
      .toBe(1)
  })

  it('reports a wrong password as failed with the broker reason, in status and in profiles:test', async () => {
    const profile = await saveRabbit('bad', { password: 'nope' })
    expect(await ok('profiles:test', { id: profile.id })).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } })
    expect(await ok('connection:connect', { profileId: profile.id })).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/wrong user name or password/),
    })
    expect(await call('sources:list', { connectionId: profile.id })).toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } })
  })

  it('the read-only guard refuses a publish to a real queue, which stays untouched', async () => {
    const client = await amqp.connect(vhost.url)
    const ch = await client.createChannel()
    await ch.assertQueue('guarded')
    await ch.close()
    const ro = await saveRabbit('prod', { readOnly: true, color: 'red' })
    await ok('connection:connect', { profileId: ro.id })
    const refused = await call('messages:publish', { connectionId: ro.id, target: 'queue:guarded', body: 'must not arrive' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } })

    const rw = await saveRabbit('rw')
    await ok('connection:connect', { profileId: rw.id })
    expect(await ok('messages:publish', { connectionId: rw.id, target: 'queue:guarded', body: 'allowed' })).toEqual({ routed: true })
    const check = await client.createChannel()
    expect((await check.checkQueue('guarded')).messageCount).toBe(1)
    const message = await check.get('guarded', { noAck: true })
    expect(message && message.content.toString()).toBe('allowed')
    await client.close()
  })

  it('reconnects through a broker outage, counting attempts, and works again after', async () => {
    const proxy: TcpProxy = await startTcpProxy(6379)
    try {
      const profile = await ok<ProfileView>('profiles:save', { name: 'flaky redis', broker: 'redis', url: `redis://127.0.0.1:${proxy.port}` })
      expect(await ok('connection:connect', { profileId: profile.id })).toMatchObject({ state: 'open' })
      proxy.refuse(true)
      proxy.cut()
      await expect
        .poll(() => statuses.filter((s) => s.connectionId === profile.id && s.state === 'reconnecting' && (s.attempt ?? 0) >= 2).length, { timeout: 10_000 })
        .toBeGreaterThan(0)
      expect(await call('sources:list', { connectionId: profile.id })).toMatchObject({
        ok: false,
        error: { code: 'NOT_CONNECTED', message: expect.stringMatching(/reconnecting \(attempt \d+/) },
      })
      proxy.refuse(false)
      await expect.poll(() => core.workspace.status(profile.id)?.state, { timeout: 10_000 }).toBe('open')
      await redis.client.xadd(`${redis.prefix}after`, '*', 'k', 'v')
      const list = await ok<SourceList>('sources:list', { connectionId: profile.id, filter: redis.prefix })
      expect(list.items.map((i) => i.name)).toEqual([`${redis.prefix}after`])
    } finally {
      await proxy.close()
    }
  })

  it('lists vhosts with connection counts, and re-opens the connection on another vhost', async () => {
    const other = await createTestVhost('core-other')
    const client = await amqp.connect(other.url)
    try {
      const ch = await client.createChannel()
      await ch.assertQueue('only-in-other')
      const profile = await saveRabbit('picker')
      expect(await ok('connection:connect', { profileId: profile.id })).toMatchObject({ state: 'open', scope: vhost.name })
      const overview = await ok<BrokerOverview>('broker:overview', { connectionId: profile.id })
      expect(overview).toMatchObject({ scope: vhost.name, scopeKind: 'vhost' })
      expect(overview.scopes.map((s) => s.name)).toEqual(expect.arrayContaining([vhost.name, other.name]))

      expect(await ok('connection:connect', { profileId: profile.id, scope: other.name })).toMatchObject({ state: 'open', scope: other.name })
      const switched = await ok<BrokerOverview>('broker:overview', { connectionId: profile.id })
      expect(switched.scope).toBe(other.name)
      // The management API lists a connection once its first stats arrive (every 5 s by default).
      await expect
        .poll(async () => (await ok<BrokerOverview>('broker:overview', { connectionId: profile.id })).counts, { timeout: 15_000, interval: 500 })
        .toMatchObject({ connections: 2, channels: 1, consumers: 0 })
      const list = await ok<SourceList>('sources:list', { connectionId: profile.id, filter: 'only-in' })
      expect(list.items.map((i) => i.name)).toEqual(['only-in-other'])

      const missing = await call('connection:connect', { profileId: profile.id, scope: 'qs-test-no-such-vhost' })
      expect(missing.ok).toBe(true)
      expect((missing as { data: ConnectionStatus }).data).toMatchObject({
        state: 'failed',
        reason: expect.stringContaining('vhost "qs-test-no-such-vhost" does not exist'),
      })
      await ok('connection:disconnect', { connectionId: profile.id })
    } finally {
      await client.close().catch(() => undefined)
      await other.remove()
    }
  })

  it('lists Redis databases with their key counts and opens another database', async () => {
    const profile = await ok<ProfileView>('profiles:save', { name: 'redis-dbs', broker: 'redis', url: 'redis://127.0.0.1:6379/0' })
    await ok('connection:connect', { profileId: profile.id })
    const overview = await ok<BrokerOverview>('broker:overview', { connectionId: profile.id })
    expect(overview).toMatchObject({ scope: '0', scopeKind: 'database', counts: { scope: 'server', channels: null } })
    expect(overview.scopes.length).toBeGreaterThanOrEqual(16)
    expect(overview.counts.connections).toBeGreaterThanOrEqual(1)
    expect(await ok('connection:connect', { profileId: profile.id, scope: '3' })).toMatchObject({ state: 'open', scope: '3' })
    const bad = await call('connection:connect', { profileId: profile.id, scope: 'three' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('not a Redis database number') } })
    await ok('connection:disconnect', { connectionId: profile.id })
  })
})
