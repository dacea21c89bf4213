import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { ProfileStore } from './profiles.store'
import { PLAIN_FILE_WARNING, SecretStore, type Cipher, type Keyring } from './secrets'

const reversing: Cipher = {
  encrypt: (plain) => Buffer.from([...plain].reverse().join('')).toString('base64'),
  decrypt: (data) => [...Buffer.from(data, 'base64').toString()].reverse().join(''),
}

function memoryKeyring(): Keyring & { entries: Map<string, string> } {
  const entries = new Map<string, string>()
  return {
    entries,
    set: async (a, p) => void entries.set(a, p),
    get: async (a) => entries.get(a) ?? null,
    delete: async (a) => void entries.delete(a),
  }
}

const brokenKeyring: Keyring = {
  set: async () => {
    throw new Error('Couldn\u2019t access platform storage')
  },
  get: async () => null,
  delete: async () => undefined,
}

describe('ProfileStore + SecretStore', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qs-profiles-'))
  })

  it('seeds local RabbitMQ and Redis profiles on first run, once', async () => {
    const store = new ProfileStore(dir, await SecretStore.open(dir))
    const first = await store.list()
    expect(first.map((p) => p.name)).toEqual(['Local RabbitMQ', 'Local Redis'])
    expect(await store.list()).toEqual(first)
    await store.delete(first[0]!.id)
    expect((await store.list()).map((p) => p.name)).toEqual(['Local Redis'])
  })

  it('moves a password out of the URL and never shows it in a view', async () => {
    const secrets = await SecretStore.open(dir)
    const store = new ProfileStore(dir, secrets)
    const saved = await store.save({ name: 'prod', broker: 'rabbitmq', url: 'amqp://app:s3cret@mq:5672/prod', readOnly: true, color: 'red' })
    expect(saved.url).toBe('amqp://app@mq:5672/prod')
    const view = await store.view(saved)
    expect(view).toMatchObject({ hasPassword: true, readOnly: true, color: 'red' })
    expect(JSON.stringify(view)).not.toContain('s3cret')
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).not.toContain('s3cret')
    expect(await store.password(saved.id)).toBe('s3cret')
  })

  it('an edit that points the profile at another server or user drops the saved passwords; another vhost keeps them', async () => {
    const store = new ProfileStore(dir, await SecretStore.open(dir))
    const saved = await store.save({ name: 'r', broker: 'rabbitmq', url: 'amqp://app@mq:5672/prod', password: 'pw' })
    await store.save({ id: saved.id, name: 'r', broker: 'rabbitmq', url: 'amqp://app@mq:5672/staging' })
    expect(await store.password(saved.id)).toBe('pw')
    await store.save({ id: saved.id, name: 'r', broker: 'rabbitmq', url: 'amqp://app@evil:5672/staging' })
    expect(await store.password(saved.id)).toBeNull()
    await store.save({ id: saved.id, name: 'r', broker: 'rabbitmq', url: 'amqp://app@evil:5672/staging', password: 'new' })
    expect(await store.password(saved.id)).toBe('new')
    await store.save({ id: saved.id, name: 'r', broker: 'rabbitmq', url: 'amqp://app@evil:5672/staging', managementUrl: 'http://elsewhere:15672' })
    expect(await store.password(saved.id)).toBeNull()
    const sentinel = await store.save({ name: 's', broker: 'redis', url: 'redis://s1:26379/0?sentinelMaster=m&sentinelPassword=spw', password: 'mpw' })
    expect(await store.sentinelPassword(sentinel.id)).toBe('spw')
    await store.save({ id: sentinel.id, name: 's', broker: 'redis', url: 'redis://evil:26379/0?sentinelMaster=m' })
    expect([await store.password(sentinel.id), await store.sentinelPassword(sentinel.id)]).toEqual([null, null])
  })

  it('a management URL with a user name or password is refused, and never stored or echoed', async () => {
    const store = new ProfileStore(dir, await SecretStore.open(dir))
    const attempt = store.save({ name: 'm', broker: 'rabbitmq', url: 'amqp://app@mq/', managementUrl: 'http://admin:hunter2@mq:15672' })
    await expect(attempt).rejects.toMatchObject({ code: 'BAD_URL' })
    await expect(attempt).rejects.not.toThrow(/hunter2/)
    expect(await store.list()).not.toContainEqual(expect.objectContaining({ name: 'm' }))
  })

  it('keeps the stored password when an edit leaves it empty, removes it on ""', async () => {
    const store = new ProfileStore(dir, await SecretStore.open(dir))
    const saved = await store.save({ name: 'r', broker: 'redis', url: 'redis://h:6379', password: 'pw' })
    await store.save({ id: saved.id, name: 'renamed', broker: 'redis', url: 'redis://h:6379' })
    expect(await store.password(saved.id)).toBe('pw')
    await store.save({ id: saved.id, name: 'renamed', broker: 'redis', url: 'redis://h:6379', password: '' })
    expect(await store.password(saved.id)).toBeNull()
  })

  it("keeps a Sentinel profile's sentinel password as a second secret, out of the URL, removed with the profile", async () => {
    const store = new ProfileStore(dir, await SecretStore.open(dir))
    const saved = await store.save({ name: 's', broker: 'redis', url: 'redis://app:pw@s1:26379/0?sentinelMaster=m&sentinelPassword=sp%40ss' })
    expect(saved.url).toBe('redis://app@s1:26379/0?sentinelMaster=m')
    expect(await readFile(join(dir, 'profiles.json'), 'utf8')).not.toContain('sp@ss')
    expect(await store.password(saved.id)).toBe('pw')
    expect(await store.sentinelPassword(saved.id)).toBe('sp@ss')
    await store.save({ id: saved.id, name: 'renamed', broker: 'redis', url: saved.url })
    expect(await store.sentinelPassword(saved.id)).toBe('sp@ss')
    await store.delete(saved.id)
    expect(await store.sentinelPassword(saved.id)).toBeNull()
  })

  it('keeps watched queue names, without repeats', async () => {
    const store = new ProfileStore(dir, await SecretStore.open(dir))
    const saved = await store.save({ name: 'no mgmt', broker: 'rabbitmq', url: 'amqp://h/', watchQueues: ['orders', 'dlq', 'orders'] })
    expect(saved.watchQueues).toEqual(['orders', 'dlq'])
    expect((await store.view(saved)).watchQueues).toEqual(['orders', 'dlq'])
  })

  it('rejects a URL for the other broker and an unknown id', async () => {
    const store = new ProfileStore(dir, await SecretStore.open(dir))
    await expect(store.save({ name: 'x', broker: 'redis', url: 'amqp://h/' })).rejects.toThrow(/URL is for rabbitmq/)
    await expect(store.save({ id: 'nope', name: 'x', broker: 'redis', url: 'redis://h' })).rejects.toThrow(/no profile/)
  })

  it('without keyring or cipher, writes a 0600 file and says so', async () => {
    const secrets = await SecretStore.open(dir, { keyring: brokenKeyring })
    expect(secrets.info()).toEqual({ kind: 'plain-file', warning: PLAIN_FILE_WARNING })
    await secrets.set('p1', 'pw')
    const mode = (await stat(join(dir, 'secrets.json'))).mode & 0o777
    expect(mode).toBe(0o600)
    expect((await stat(join(dir))).mode & 0o077).toBe(0)
  })

  it('prefers a working keyring, and the file then holds no secret', async () => {
    const keyring = memoryKeyring()
    const secrets = await SecretStore.open(dir, { keyring, cipher: reversing })
    expect(secrets.info().kind).toBe('keyring')
    await secrets.set('p1', 'pw')
    expect(keyring.entries.get('p1')).toBe('pw')
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain('pw"')
    expect(await secrets.get('p1')).toBe('pw')
    await secrets.delete('p1')
    expect(keyring.entries.has('p1')).toBe(false)
  })

  it('encrypts with the injected cipher, and another front end says why it cannot decrypt', async () => {
    const app = await SecretStore.open(dir, { cipher: reversing })
    expect(app.info().kind).toBe('safe-storage')
    await app.set('p1', 'hunter2')
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain('hunter2')
    expect(await app.get('p1')).toBe('hunter2')
    const cli = await SecretStore.open(dir)
    await expect(cli.get('p1')).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' })
  })
})
