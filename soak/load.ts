/**
 * The soak's load, in a process of its own (started by soak/run.ts with an IPC channel): the TCP
 * proxies the server reaches the brokers through (cut on request), the publisher and the WebSocket
 * clients. Reports progress every 30 s and everything it counted when told to stop. Its own
 * failures (not the server's) end it with `failed`.
 */
import { startTcpProxy, type TcpProxy } from '../src/test-support/tcp-proxy'
import { SoakClient, type Role } from './client'
import { startPublisher, type Publisher } from './publisher'
import type { Broker, LoadConfig, LoadMessage, LoadStats, ProxyTargets, ServerMessage } from './protocol'

const PROGRESS_MS = 30_000

/** Resolves once the message is handed to the channel, so a disconnect after it cannot lose it. */
function send(message: LoadMessage): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(message, undefined, undefined, () => resolve()) : resolve()))
}

/** Of every five clients, one is slow and one flaky: with 20, 12 steady, 4 slow, 4 flaky. */
function roleOf(index: number): Role {
  return index % 5 === 1 ? 'slow' : index % 5 === 3 ? 'flaky' : 'steady'
}

function emptyStats(): LoadStats {
  return {
    calls: 0,
    answers: {},
    errorExamples: {},
    internal: [],
    internalCount: 0,
    unanswered: [],
    closes: {},
    reconnects: 0,
    pauses: 0,
    tailsStarted: 0,
    tailEnds: {},
    tailMessages: 0,
    tailDropped: 0,
    statusEvents: {},
    events: {},
    bytesReceived: 0,
    published: 0,
    publishErrors: 0,
    cpuSeconds: 0,
  }
}

function withCpu(stats: LoadStats): LoadStats {
  const cpu = process.cpuUsage()
  return { ...stats, cpuSeconds: (cpu.user + cpu.system) / 1e6 }
}

interface Running {
  clients: SoakClient[]
  publisher: Publisher
  progress: NodeJS.Timeout
}

async function startLoad(config: LoadConfig, stats: LoadStats): Promise<Running> {
  const publisher = await startPublisher(config, stats)
  const clients: SoakClient[] = []
  const ofRole: Record<Role, number> = { steady: 0, slow: 0, flaky: 0 }
  for (let i = 0; i < config.clients; i++) {
    const role = roleOf(i)
    const client = new SoakClient(i, role, ofRole[role]++, config, stats)
    clients.push(client)
    client.start()
    // Pages opened one after another, not in one burst.
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const progress = setInterval(() => void send({ type: 'progress', stats: withCpu(stats) }), PROGRESS_MS)
  return { clients, publisher, progress }
}

async function main(): Promise<void> {
  const targets = JSON.parse(process.argv[2] ?? '') as ProxyTargets
  const proxies: Record<Broker, TcpProxy> = {
    rabbitmq: await startTcpProxy(targets.rabbitmq.port, targets.rabbitmq.host),
    redis: await startTcpProxy(targets.redis.port, targets.redis.host),
  }
  const stats = emptyStats()
  let running: Running | null = null
  process.on('message', (message: ServerMessage) => {
    if (message.type === 'start') {
      startLoad(message.config, stats).then((load) => {
        running = load
        return send({ type: 'ready' })
      }, fail)
    } else if (message.type === 'cut') {
      proxies[message.broker].cut()
    } else if (message.type === 'stop') {
      const load = running
      running = null
      if (load) clearInterval(load.progress)
      void Promise.all((load?.clients ?? []).map((client) => client.stop()))
        .then(() => load?.publisher.stop())
        .then(() => send({ type: 'done', stats: withCpu(stats) }), fail)
    } else if (message.type === 'exit') {
      void Promise.all([proxies.rabbitmq.close(), proxies.redis.close()]).finally(() => process.disconnect())
    }
  })
  await send({ type: 'proxies', ports: { rabbitmq: proxies.rabbitmq.port, redis: proxies.redis.port } })
}

function fail(err: unknown): void {
  process.exitCode = 1
  void send({ type: 'failed', error: (err as Error)?.stack ?? String(err) }).then(() => process.disconnect?.())
}
process.on('unhandledRejection', fail)
process.on('uncaughtException', fail)
// The server side went away (or let it go): nothing left to report to.
process.on('disconnect', () => process.exit(process.exitCode ?? 0))
main().catch(fail)
