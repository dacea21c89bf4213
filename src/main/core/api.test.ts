import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { homedir } from 'node:os'
import { beforeEach, describe, expect, it } from 'vitest'
import { QsError } from '../../shared/errors'
import { scriptedFactory } from '../../test-support/fake-adapter'
import { createCore, type Core } from './core'
import type { AdapterConfig } from '../brokers/adapter'
import { createDispatcher } from './dispatch'

describe('dispatch', () => {
  let core: Core
  let call: ReturnType<typeof createDispatcher>
  let factory: ReturnType<typeof scriptedFactory>

  beforeEach(async () => {
    factory = scriptedFactory([{ server: 'Fake', warnings: ['heads up'] }])
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-api-')), mode: 'web', version: '0.0.0', adapterFactory: factory })
    call = createDispatcher(core)
  })

  it('refuses unknown channels and malformed payloads with typed errors', async () => {
    expect(await call('queues:nuke', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: 'unknown call "queues:nuke"' } })
    const bad = await call('profiles:save', { name: '', broker: 'kafka', url: 'x' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(bad.ok === false && bad.error.message).toMatch(/invalid profiles:save request at (name|broker)/)
    expect(await call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
  })

  it('connects a saved profile and carries adapter warnings into sources:list', async () => {
    const saved = await call('profiles:save', { name: 'x', broker: 'rabbitmq', url: 'amqp://u:p@h/' })
    if (!saved.ok) throw new Error(saved.error.message)
    const id = (saved.data as { id: string }).id
    expect(await call('connection:connect', { profileId: id })).toMatchObject({ ok: true, data: { state: 'open', connectionId: id } })
    expect(await call('sources:list', { connectionId: id })).toMatchObject({ ok: true, data: { warnings: ['heads up'], broker: 'rabbitmq' } })
    expect(await call('connection:list', {})).toMatchObject({ ok: true, data: { connections: [{ connectionId: id, state: 'open' }] } })
  })

  it('the read-only guard refuses writes in the core, before the adapter sees them', async () => {
    const saved = await call('profiles:save', { name: 'prod', broker: 'rabbitmq', url: 'amqp://u:p@h/', readOnly: true })
    const id = saved.ok ? (saved.data as { id: string }).id : ''
    await call('connection:connect', { profileId: id })
    const result = await call('messages:publish', { connectionId: id, target: 'queue:orders', body: 'x' })
    expect(result).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } })
    expect(factory.adapters[0]!.published).toEqual([])
    // reads still work on a read-only profile
    expect(await call('sources:list', { connectionId: id })).toMatchObject({ ok: true })
  })

  it('purge: refused unless the typed confirmation equals the queue name, and by the read-only guard', async () => {
    const saved = await call('profiles:save', { name: 'x', broker: 'rabbitmq', url: 'amqp://u:p@h/' })
    const id = saved.ok ? (saved.data as { id: string }).id : ''
    await call('connection:connect', { profileId: id })
    expect(await call('sources:purge', { connectionId: id, source: 'queue:orders', confirm: 'order' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/type the queue name "orders" exactly/) },
    })
    expect(factory.adapters[0]!.purged).toEqual([])
    expect(await call('sources:purge', { connectionId: id, source: 'queue:orders', confirm: 'orders' })).toEqual({ ok: true, data: { purged: 0 } })
    expect(factory.adapters[0]!.purged).toEqual([{ kind: 'queue', name: 'orders' }])

    const ro = await call('profiles:save', { name: 'prod', broker: 'rabbitmq', url: 'amqp://u:p@h/', readOnly: true })
    const roId = ro.ok ? (ro.data as { id: string }).id : ''
    await call('connection:connect', { profileId: roId })
    expect(await call('sources:purge', { connectionId: roId, source: 'queue:orders', confirm: 'orders' })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    })
    expect(factory.adapters[1]!.purged).toEqual([])
    expect(await call('messages:peek', { connectionId: roId, source: 'queue:orders' })).toEqual({ ok: true, data: { messages: [], warnings: [] } })
  })

  it('profiles:test reports a failure as a result, not a thrown error', async () => {
    const failing = scriptedFactory([new QsError('AUTH_FAILED', 'refused')])
    const c = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-api-')), mode: 'web', version: '0', adapterFactory: failing })
    const result = await createDispatcher(c)('profiles:test', { profile: { name: 'x', broker: 'redis', url: 'redis://h' } })
    expect(result).toEqual({ ok: true, data: { ok: false, warnings: [], error: { code: 'AUTH_FAILED', message: 'refused' } } })
    expect(failing.adapters[0]!.closed).toBe(true)
  })

  it('export and import name files on this machine: refused to a renderer or web page, whatever the path', async () => {
    const saved = await call('profiles:save', { name: 'x', broker: 'rabbitmq', url: 'amqp://u:p@h/' })
    const id = saved.ok ? (saved.data as { id: string }).id : ''
    await call('connection:connect', { profileId: id })
    for (const path of [join(homedir(), '.bash_profile'), 'relative.ndjson', '/dev/zero', '/etc/passwd']) {
      expect(await call('messages:export', { connectionId: id, source: 'queue:orders', path })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      expect(await call('messages:import', { connectionId: id, target: 'queue:orders', path })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    // Refused before the payload is even parsed: a malformed request gets the same answer, so it
    // cannot be used to probe which files exist.
    expect(await call('messages:import', { bogus: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it('profiles:test never sends a saved password to an address it was not saved for', async () => {
    const seen: AdapterConfig[] = []
    const capturing = scriptedFactory([{ server: 'Fake', warnings: [] }])
    const c = await createCore({
      configDir: await mkdtemp(join(tmpdir(), 'qs-api-')),
      mode: 'web',
      version: '0',
      adapterFactory: (config) => (seen.push(config), capturing(config)),
    })
    const test = createDispatcher(c)
    const saved = await test('profiles:save', { name: 'prod', broker: 'rabbitmq', url: 'amqp://app@mq:5672/prod', password: 'saved-secret' })
    const id = saved.ok ? (saved.data as { id: string }).id : ''
    const redis = await test('profiles:save', { name: 'cache', broker: 'redis', url: 'redis://cache:6379/0', password: 'redis-secret' })
    const redisId = redis.ok ? (redis.data as { id: string }).id : ''
    const attempts = [
      { id, name: 'prod', broker: 'rabbitmq', url: 'amqp://app@mq:5672/prod', managementUrl: 'http://listener:8080' },
      { id, name: 'prod', broker: 'rabbitmq', url: 'amqp://app@listener:5672/prod' },
      { id, name: 'prod', broker: 'rabbitmq', url: 'amqp://root@mq:5672/prod' },
      { id: redisId, name: 'cache', broker: 'redis', url: 'redis://listener:6379/0' },
    ]
    for (const profile of attempts) {
      const result = await test('profiles:test', { profile })
      expect(result).toMatchObject({ ok: true, data: { warnings: [expect.stringContaining('the saved password was not sent')] } })
      expect(seen.at(-1)!.password).toBeNull()
    }
    // The same server under another vhost is the audience it was saved for.
    await test('profiles:test', { profile: { id, name: 'prod', broker: 'rabbitmq', url: 'amqp://app@mq:5672/other' } })
    expect(seen.at(-1)).toMatchObject({ password: 'saved-secret', target: { vhost: 'other' } })
  })

  it('profile views never carry the password', async () => {
    await call('profiles:save', { name: 'x', broker: 'redis', url: 'redis://:pw123@h:6379' })
    const list = await call('profiles:list', {})
    expect(JSON.stringify(list)).not.toContain('pw123')
    expect(list).toMatchObject({ ok: true })
  })
})
