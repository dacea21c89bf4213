/**
 * The server side of the soak: a real core (fresh config folder, no OS keyring) and the real web
 * server, with a RabbitMQ profile on a vhost of its own and a Redis profile whose sources live under
 * a key prefix of its own, each reached through a loopback TCP proxy of the load process (which
 * cuts them). close() removes all of it: vhost, keys, folder, sockets.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../src/main/core/core'
import { createDispatcher } from '../src/main/core/dispatch'
import { startWebServer, type WebServer, type WebServerStats } from '../src/main/web/server'
import type { ConnectionStatus, ProfileView } from '../src/shared/model'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, RABBITMQ_HOST, REDIS_URL, type TestRedis, type TestVhost } from '../src/test-support/brokers'
import type { Broker, LoadConfig, ProxyTargets } from './protocol'
import type { ServerFigures } from './sampler'

export interface Fixture {
  core: Core
  server: WebServer
  ids: Record<Broker, string>
  /** What the server logged (clients it dropped, protocol problems): the first lines and how many. */
  serverLog: { count: number; first: string[] }
  figures(): ServerFigures
  serverStats(): WebServerStats
  loadConfig(clients: number, rate: number): LoadConfig
  /** Removes everything; returns what did not close in time or failed to. */
  close(): Promise<string[]>
}

/** A step of close() that has not finished by then is reported as hanging, and the rest still runs. */
const CLOSE_STEP_MS = 20_000

async function step(what: string, work: () => Promise<unknown>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_STEP_MS)))
  try {
    return (await Promise.race([work(), late])) === 'late' ? `${what} did not finish within ${CLOSE_STEP_MS / 1000} s` : null
  } catch (err) {
    return `${what} failed: ${(err as Error).message}`
  } finally {
    clearTimeout(timer)
  }
}

/** Where the load's proxies forward to: the brokers the test fixtures use. */
export function brokerTargets(): ProxyTargets {
  const redis = new URL(REDIS_URL)
  return { rabbitmq: { host: RABBITMQ_HOST, port: 5672 }, redis: { host: redis.hostname, port: Number(redis.port || 6379) } }
}

export async function openFixture(proxyPorts: Record<Broker, number>): Promise<Fixture> {
  const undo: [string, () => Promise<unknown>][] = []
  try {
    const configDir = await mkdtemp(join(tmpdir(), 'qs-soak-'))
    undo.push(['removing the config folder', () => rm(configDir, { recursive: true, force: true })])
    const vhost: TestVhost = await createTestVhost('soak')
    undo.push(['removing the vhost', () => vhost.remove()])
    const redis: TestRedis = await createTestRedis('soak')
    undo.push(['removing the Redis keys', () => redis.remove()])
    const core = await createCore({ configDir, mode: 'web', version: 'soak', keyring: null })
    undo.push(['closing the core', () => core.close()])
    const serverLog = { count: 0, first: [] as string[] }
    const log = (message: string): void => {
      if (serverLog.count++ < 20) serverLog.first.push(message.slice(0, 300))
    }
    // The folder has no renderer build: the soak speaks only the WebSocket.
    const server = await startWebServer({ core, rendererDir: configDir, log })
    undo.push(['closing the web server', () => server.close()])

    const call = createDispatcher(core)
    const ok = async <T>(channel: string, payload: unknown): Promise<T> => {
      const envelope = await call(channel, payload)
      if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code} ${envelope.error.message}`)
      return envelope.data as T
    }
    const connect = async (profile: object): Promise<string> => {
      const saved = await ok<ProfileView>('profiles:save', profile)
      const status = await ok<ConnectionStatus>('connection:connect', { profileId: saved.id })
      if (status.state !== 'open') throw new Error(`${saved.name}: ${status.state} ${status.reason ?? ''}`)
      return saved.id
    }
    const ids = {
      rabbitmq: await connect({
        name: 'soak-rabbitmq',
        broker: 'rabbitmq',
        url: `amqp://guest@127.0.0.1:${proxyPorts.rabbitmq}/${encodeURIComponent(vhost.name)}`,
        password: 'guest',
        managementUrl: MANAGEMENT_URL,
      }),
      redis: await connect({ name: 'soak-redis', broker: 'redis', url: `redis://127.0.0.1:${proxyPorts.redis}/0` }),
    }
    const p = redis.prefix
    return {
      core,
      server,
      ids,
      serverLog,
      figures: () => {
        const stats = server.stats()
        return { tails: core.tails.running().length, webClients: stats.clients, backlogBytes: stats.backlogBytes }
      },
      serverStats: () => server.stats(),
      loadConfig: (clients, rate) => ({
        // The server takes the token on the WebSocket URL; the origin is the one a browser on the page sends.
        wsUrl: `ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(server.token)}`,
        origin: server.origin,
        clients,
        rate,
        rabbit: { connectionId: ids.rabbitmq, url: vhost.url, exchange: 'soak.events', queue: 'soak.orders', copyQueue: 'soak.copy' },
        redis: {
          connectionId: ids.redis,
          url: REDIS_URL,
          prefix: p,
          stream: `${p}events`,
          copyStream: `${p}events-copy`,
          channel: `${p}channel`,
          list: `${p}jobs`,
        },
      }),
      close: async () => {
        const problems: string[] = []
        for (const [what, work] of undo.reverse()) {
          const problem = await step(what, work)
          if (problem) problems.push(problem)
        }
        return problems
      },
    }
  } catch (err) {
    for (const [, work] of undo.reverse()) await work().catch(() => undefined)
    throw err
  }
}
