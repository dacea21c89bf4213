/**
 * Real Redis Cluster and Sentinel setups for the topology tests: redis-server processes
 * on free loopback ports, in a temporary folder, always killed and removed by stop(). Nothing here
 * touches the shared Redis on 6379.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { pollUntil } from './wait'

const HOST = '127.0.0.1'

/** Why the topology tests cannot run here (redis-server or redis-cli missing), or null. */
export function redisTopologiesUnavailable(): string | null {
  for (const binary of ['redis-server', 'redis-cli']) {
    if (spawnSync(binary, ['--version']).status !== 0) return `${binary} is not installed, so no Cluster or Sentinel can be started`
  }
  return null
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Polls `check` until it returns a value (not undefined), failing after `ms` with `what`. */
function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  return pollUntil(what, check, { timeoutMs: ms, everyMs: 100 })
}

/** One command on a throw-away connection that never retries. */
async function once<T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: HOST, port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false })
  redis.on('error', () => {})
  try {
    await redis.connect()
    return await command(redis)
  } finally {
    redis.disconnect()
  }
}

class Processes {
  private readonly children: ChildProcess[] = []
  private readonly killAll = (): void => {
    for (const child of this.children) child.kill('SIGKILL')
  }

  constructor(readonly dir: string) {
    // A test runner that dies must not leave servers behind.
    process.once('exit', this.killAll)
  }

  async start(name: string, config: string, args: string[] = []): Promise<void> {
    const file = join(this.dir, `${name}.conf`)
    await writeFile(file, config)
    const child = spawn('redis-server', [file, ...args], { cwd: this.dir, stdio: 'ignore' })
    this.children.push(child)
  }

  async stop(): Promise<void> {
    process.removeListener('exit', this.killAll)
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            child.once('exit', () => resolve())
            child.kill('SIGKILL')
          }),
      ),
    )
    await rm(this.dir, { recursive: true, force: true })
  }
}

function serverConfig(dir: string, port: number, extra: string[] = []): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    'protected-mode no',
    `dir ${dir}`,
    'save ""',
    'appendonly no',
    `logfile ${join(dir, `redis-${port}.log`)}`,
    ...extra,
    '',
  ].join('\n')
}

export interface RedisClusterFixture {
  /** Master ports (each serves a third of the slots). */
  ports: number[]
  /** Queuescope URL for it: the first node as seed and `cluster=1`. */
  url: string
  stop(): Promise<void>
}

/** A 3-master Redis Cluster without replicas, made with `redis-cli --cluster create`. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterFixture> {
  const processes = new Processes(await mkdtemp(join(tmpdir(), 'qs-cluster-')))
  try {
    const ports: number[] = []
    for (let i = 0; i < masters; i++) {
      const port = await freePort()
      const busPort = await freePort()
      ports.push(port)
      const dir = join(processes.dir, String(port))
      await mkdir(dir)
      await processes.start(
        `node-${port}`,
        serverConfig(dir, port, [
          'cluster-enabled yes',
          `cluster-port ${busPort}`,
          `cluster-config-file ${join(dir, 'nodes.conf')}`,
          'cluster-node-timeout 5000',
        ]),
      )
    }
    for (const port of ports) await waitFor(`redis-server on port ${port}`, () => once(port, (r) => r.ping()))
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `${HOST}:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 30_000,
    })
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`)
    // Every node must agree the cluster is up, and know every other master.
    for (const port of ports) {
      await waitFor(`cluster_state:ok on port ${port}`, () =>
        once(port, async (r) => {
          const info = await r.cluster('INFO')
          return /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${masters}\\b`).test(info) ? true : undefined
        }),
      )
    }
    return { ports, url: `redis://${HOST}:${ports[0]}?cluster=1`, stop: () => processes.stop() }
  } catch (err) {
    await processes.stop()
    throw err
  }
}

export interface RedisSentinelFixture {
  masterName: string
  masterPort: number
  sentinelPort: number
  /** Queuescope URL: the sentinel as host:port and `sentinelMaster=`. */
  url: string
  stop(): Promise<void>
}

/** A redis-server and one sentinel (quorum 1) monitoring it under `masterName`. */
export async function startRedisSentinel(masterName = 'qs-master'): Promise<RedisSentinelFixture> {
  const processes = new Processes(await mkdtemp(join(tmpdir(), 'qs-sentinel-')))
  try {
    const masterPort = await freePort()
    const sentinelPort = await freePort()
    await processes.start('master', serverConfig(processes.dir, masterPort))
    await waitFor(`redis-server on port ${masterPort}`, () => once(masterPort, (r) => r.ping()))
    await processes.start(
      'sentinel',
      serverConfig(processes.dir, sentinelPort, [
        `sentinel monitor ${masterName} ${HOST} ${masterPort} 1`,
        `sentinel down-after-milliseconds ${masterName} 5000`,
      ]),
      ['--sentinel'],
    )
    await waitFor(`the sentinel on port ${sentinelPort} to know ${masterName}`, () =>
      once(sentinelPort, async (r) => ((await r.call('SENTINEL', 'get-master-addr-by-name', masterName)) ? true : undefined)),
    )
    return {
      masterName,
      masterPort,
      sentinelPort,
      url: `redis://${HOST}:${sentinelPort}?sentinelMaster=${encodeURIComponent(masterName)}`,
      stop: () => processes.stop(),
    }
  } catch (err) {
    await processes.stop()
    throw err
  }
}
