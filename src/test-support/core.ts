import type * as amqp from 'amqplib'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProfileView } from '../shared/model'
import { createDispatcher, type Caller } from '../main/core/dispatch'
import { createCore, type Core, type CoreOptions } from '../main/core/core'
import { MANAGEMENT_URL, REDIS_URL, type TestVhost } from './brokers'

/** A real core (fresh config folder) driven through the contract, as every front end drives it. */
export interface TestCore {
  core: Core
  call: ReturnType<typeof createDispatcher>
  configDir: string
  /** The call's data; throws with the error's code and message when it failed. */
  ok<T>(channel: string, payload: unknown): Promise<T>
  /** The call's error; throws when it succeeded. */
  failure(channel: string, payload: unknown): Promise<{ code: string; message: string; detail?: unknown }>
  /** Saves a profile for the test vhost (password in the secret store) and opens it; `extra` e.g. `{ readOnly: true }`. */
  connectRabbit(vhost: TestVhost, name?: string, extra?: object): Promise<ProfileView>
  /** Saves a profile for the local Redis and opens it. */
  connectRedis(name?: string): Promise<ProfileView>
}

/**
 * `caller` is who the calls come from: `remote` (a renderer or web page, the default) or `local`
 * (the CLI, which alone may name files for export and import). `core`: options such as short
 * broker deadlines or a fast reconnect backoff.
 */
export async function createTestCore(label: string, options: { caller?: Caller; core?: Partial<CoreOptions> } = {}): Promise<TestCore> {
  const configDir = await mkdtemp(join(tmpdir(), `qs-${label}-`))
  const core = await createCore({ configDir, mode: 'web', version: 'test', ...options.core })
  const call = createDispatcher(core, { caller: options.caller ?? 'remote' })
  const ok = async <T>(channel: string, payload: unknown): Promise<T> => {
    const envelope = await call(channel, payload)
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`)
    return envelope.data as T
  }
  const connect = async (profile: object): Promise<ProfileView> => {
    const saved = await ok<ProfileView>('profiles:save', profile)
    await ok('connection:connect', { profileId: saved.id })
    return saved
  }
  return {
    core,
    call,
    configDir,
    ok,
    async failure(channel, payload) {
      const envelope = await call(channel, payload)
      if (envelope.ok) throw new Error(`${channel} succeeded but should have failed`)
      return envelope.error
    },
    connectRabbit: (vhost, name = 'rabbit', extra = {}) =>
      connect({ name, broker: 'rabbitmq', url: vhost.url.replace('guest:guest@', 'guest@'), password: 'guest', managementUrl: MANAGEMENT_URL, ...extra }),
    connectRedis: (name = 'redis') => connect({ name, broker: 'redis', url: `${REDIS_URL}/0` }),
  }
}

/** Takes every ready message off a queue (noAck), in order. */
export async function drainQueue(channel: amqp.Channel, queue: string): Promise<amqp.GetMessage[]> {
  const out: amqp.GetMessage[] = []
  for (;;) {
    const message = await channel.get(queue, { noAck: true })
    if (message === false) return out
    out.push(message)
  }
}
