import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AdapterConfig } from '../brokers/adapter'
import { FakeAdapter } from '../../test-support/fake-adapter'
import { createCore, type Core } from './core'
import { createDispatcher, type Dispatcher } from './dispatch'

describe('connection:open (by URL or profile name, the CLI’s)', () => {
  let core: Core
  let local: Dispatcher
  const opened: AdapterConfig[] = []

  beforeEach(async () => {
    opened.length = 0
    const adapterFactory = (config: AdapterConfig) => {
      opened.push(config)
      return new FakeAdapter(() => ({ server: 'Fake', warnings: [] }))
    }
    core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-open-')), mode: 'web', version: '0', adapterFactory })
    local = createDispatcher(core, { caller: 'local' })
  })
  afterEach(async () => {
    await core.close()
  })

  it('opens a URL under the id the caller picks, with the password from the URL', async () => {
    expect(await local('connection:open', { connectionId: 'cli', url: 'amqp://app:s3cret@mq.internal:5672/prod' })).toMatchObject({
      ok: true,
      data: { connectionId: 'cli', state: 'open', readOnly: false },
    })
    expect(opened[0]).toMatchObject({ password: 's3cret', target: { broker: 'rabbitmq', host: 'mq.internal', vhost: 'prod' } })
    expect(core.workspace.status('cli')?.state).toBe('open')
    // Not in place of a connection that is open: it stays as it was.
    expect(await local('connection:open', { connectionId: 'cli', url: 'redis://elsewhere:6379/0' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/is in use/) },
    })
    expect(opened).toHaveLength(1)
  })

  it('opens a saved profile by name, read-only as saved, and will not send its password to another management API', async () => {
    await local('profiles:save', {
      name: 'Prod',
      broker: 'rabbitmq',
      url: 'amqp://app@mq:5672/',
      password: 'saved',
      readOnly: true,
      managementUrl: 'http://mq:15672',
    })
    expect(await local('connection:open', { connectionId: 'cli', profile: 'prod' })).toMatchObject({ ok: true, data: { readOnly: true } })
    expect(opened.at(-1)).toMatchObject({ password: 'saved' })
    const refused = await local('connection:open', { connectionId: 'cli-2', profile: 'Prod', managementUrl: 'http://listener:8080' })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/sends its password to the management API at http:\/\/mq:15672 only/) },
    })
    expect(opened).toHaveLength(1)
  })

  it('is for the user’s own process only, and takes a URL or a profile, not both or neither', async () => {
    const remote = createDispatcher(core)
    expect(await remote('connection:open', { connectionId: 'x', url: 'redis://h:6379' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    for (const request of [{ connectionId: 'x' }, { connectionId: 'x', url: 'redis://h', profile: 'p' }]) {
      expect(await local('connection:open', request)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    }
    expect(await local('connection:open', { connectionId: 'x', url: 'ftp://h' })).toMatchObject({ ok: false, error: { code: 'BAD_URL' } })
    expect(await local('connection:open', { connectionId: 'x', profile: 'nobody' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(opened).toEqual([])
  })
})
