/**
 * Topologies against real servers this file starts: a 3-master Redis Cluster
 * and a Sentinel in front of a redis-server, on free loopback ports (src/test-support/redis-topologies.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cluster, Redis } from 'ioredis'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { QsError } from '../../../shared/errors'
import type { ChannelSource } from '../../../shared/model'
import {
  redisTopologiesUnavailable,
  startRedisCluster,
  startRedisSentinel,
  type RedisClusterFixture,
  type RedisSentinelFixture,
} from '../../../test-support/redis-topologies'
import { REDIS_URL } from '../../../test-support/brokers'
import { RedisAdapter } from './redis.adapter'

function adapterFor(url: string): RedisAdapter {
  const { target, password } = parseConnectionUrl(url)
  if (target.broker !== 'redis') throw new Error('not redis')
  return new RedisAdapter(target, password)
}

async function connectError(url: string): Promise<QsError> {
  const adapter = adapterFor(url)
  try {
    await adapter.connect()
  } catch (err) {
    return err as QsError
  } finally {
    await adapter.close()
  }
  throw new Error(`${url} connected`)
}

const unavailable = redisTopologiesUnavailable()

describe.skipIf(unavailable !== null)(`Redis topologies${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let cluster: RedisClusterFixture
  let sentinel: RedisSentinelFixture

  beforeAll(async () => {
    ;[cluster, sentinel] = await Promise.all([startRedisCluster(3), startRedisSentinel('qs-orders')])
  }, 60_000)

  afterAll(async () => {
    await Promise.all([cluster?.stop(), sentinel?.stop()])
  })

  describe('Cluster', () => {
    let writer: Cluster
    let nodes: Redis[]
    const streams = Array.from({ length: 12 }, (_, i) => `orders:${i}:events`)
    const lists = Array.from({ length: 12 }, (_, i) => `jobs:${i}`)

    beforeAll(async () => {
      writer = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })))
      for (const key of streams) await writer.xadd(key, '*', 'n', '1')
      for (const key of lists) await writer.rpush(key, 'a', 'b')
      await writer.set('plain', 'x')
      nodes = cluster.ports.map((port) => new Redis({ host: '127.0.0.1', port }))
      // Only meaningful when every master holds some of them.
      for (const node of nodes) expect(await node.dbsize()).toBeGreaterThan(0)
      for (const node of nodes) await node.config('RESETSTAT')
    })

    afterAll(async () => {
      writer?.disconnect()
      for (const node of nodes ?? []) node.disconnect()
    })

    it('finds the keys of every master with SCAN on each (never KEYS), and reports progress per node', async () => {
      const adapter = adapterFor(cluster.url)
      const info = await adapter.connect()
      try {
        expect(info.server).toMatch(/\(Cluster, 3 masters\)/)
        const events: { nodes: number; nodesDone: number; done: boolean; scanned: number; total: number | null }[] = []
        const { items } = await adapter.listSources({ onProgress: (e) => events.push(e) })
        expect(
          items
            .filter((i) => i.kind === 'stream')
            .map((i) => i.name)
            .sort(),
        ).toEqual([...streams].sort())
        expect(items.filter((i) => i.kind === 'list').map((i) => [i.name, i.messages])).toEqual([...lists].sort().map((name) => [name, 2]))
        expect(events.at(-1)).toMatchObject({
          nodes: 3,
          nodesDone: 3,
          done: true,
          scanned: 1 + streams.length + lists.length,
          total: 1 + streams.length + lists.length,
        })
        for (const node of nodes) {
          const stats = await node.info('commandstats')
          expect(stats).toMatch(/^cmdstat_scan:calls=[1-9]/m)
          expect(stats).not.toMatch(/^cmdstat_keys:/m)
        }
      } finally {
        await adapter.close()
      }
    })

    it('sums channel subscribers over the masters and says the counts are per node', async () => {
      // Connected before they subscribe: a SUBSCRIBE queued while connecting could go out before
      // ioredis's ready check (INFO), which the server then refuses in subscriber mode, and that
      // client reconnected without its subscription (seen once in CI: 2 subscribers, not 3).
      const subscribers = nodes.map((node) => node.duplicate({ lazyConnect: true }))
      try {
        // Each client subscribes on its own master: PUBSUB on one node would see only one of them.
        for (const s of subscribers) {
          await s.connect()
          await s.subscribe('alerts')
        }
        const adapter = adapterFor(cluster.url)
        await adapter.connect()
        try {
          const { items, warnings } = await adapter.listSources({ pattern: 'alert*' })
          expect(items.filter((i): i is ChannelSource => i.kind === 'channel')).toEqual([
            { kind: 'channel', name: 'alerts', messages: null, consumers: 3, pattern: false },
          ])
          expect(warnings.join('\n')).toMatch(/per node in a Cluster: subscribers are summed over the 3 masters/)
        } finally {
          await adapter.close()
        }
      } finally {
        for (const s of subscribers) s.disconnect()
      }
    })

    it('overview: database 0 only, keys and clients summed over the masters', async () => {
      const adapter = adapterFor(cluster.url)
      await adapter.connect()
      try {
        const overview = await adapter.overview()
        expect(overview.scopes).toEqual([{ name: '0', items: 1 + streams.length + lists.length }])
        expect(overview.counts.scope).toBe('3 Cluster masters')
        expect(overview.counts.connections).toBeGreaterThanOrEqual(3)
      } finally {
        await adapter.close()
      }
    })

    it('replays a list through a holding list in the same slot: release puts items back, ack removes them', async () => {
      const adapter = adapterFor(cluster.url)
      await adapter.connect()
      try {
        await writer.rpush('replay:list', 'a', 'b', 'c')
        const copy = await adapter.openReader({ kind: 'list', name: 'replay:list' })
        expect((await copy.read(10)).map((m) => m.body.toString())).toEqual(['c', 'b', 'a'])
        await copy.close()
        expect(await writer.lrange('replay:list', 0, -1)).toEqual(['a', 'b', 'c'])
        const move = await adapter.openReader({ kind: 'list', name: 'replay:list' })
        const taken = await move.read(2)
        move.ack(taken)
        await move.close()
        expect(await writer.lrange('replay:list', 0, -1)).toEqual(['a'])
      } finally {
        await adapter.close()
      }
    })

    it('says so when the URL and the server disagree about being a Cluster', async () => {
      const notCluster = await connectError(`${REDIS_URL.replace(/\/\d*$/, '')}?cluster=1`)
      expect(notCluster).toMatchObject({ code: 'UNSUPPORTED' })
      expect(notCluster.message).toMatch(/not part of a Cluster .*remove cluster=1/)
      const standalone = adapterFor(`redis://127.0.0.1:${cluster.ports[0]}`)
      try {
        expect((await standalone.connect()).warnings.join('\n')).toMatch(/is a Cluster node: only its own keys are listed; add \?cluster=1/)
      } finally {
        await standalone.close()
      }
    })
  })

  describe('Sentinel', () => {
    it('resolves the master through the sentinel and lists its keys', async () => {
      const master = new Redis({ host: '127.0.0.1', port: sentinel.masterPort })
      try {
        await master.rpush('sentinel:jobs', 'a', 'b', 'c')
        const adapter = adapterFor(sentinel.url)
        try {
          expect((await adapter.connect()).server).toMatch(/\(master "qs-orders" via Sentinel\)/)
          const { items } = await adapter.listSources()
          // The sentinel itself subscribes to the master's hello channel: further proof it is the master.
          expect(items).toEqual([
            { kind: 'list', name: 'sentinel:jobs', messages: 3, consumers: null },
            { kind: 'channel', name: '__sentinel__:hello', messages: null, consumers: 1, pattern: false },
          ])
        } finally {
          await adapter.close()
        }
      } finally {
        master.disconnect()
      }
    })

    it('a wrong master name, no reachable sentinel, or a sentinel used as a server are clear errors', async () => {
      const wrongName = await connectError(sentinel.url.replace('qs-orders', 'nope'))
      expect(wrongName).toMatchObject({ code: 'NOT_FOUND' })
      expect(wrongName.message).toMatch(/sentinels at 127\.0\.0\.1:\d+ know no master named "nope": check sentinelMaster=/)
      const unreachable = await connectError('redis://127.0.0.1:1?sentinelMaster=qs-orders')
      expect(unreachable).toMatchObject({ code: 'UNREACHABLE' })
      expect(unreachable.message).toMatch(/cannot reach any sentinel at 127\.0\.0\.1:1/)
      const plain = await connectError(`redis://127.0.0.1:${sentinel.sentinelPort}`)
      expect(plain.message).toMatch(/is a Sentinel, not a data node: add \?sentinelMaster=NAME/)
    })
  })
})
