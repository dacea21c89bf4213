/**
 * Benchmark: discovery of 1,000,000 keys (mostly plain strings, some streams and lists).
 * Queuescope's listSources against a raw ioredis loop that finds the same things the plain way in
 * the same run: SCAN ... TYPE stream / list / hash (for BullMQ meta hashes) with COUNT 1000, the
 * three loops at once, then the same XINFO and LLEN pipelines for what they found.
 *
 * The keys go in a database of their own (checked empty first) under a prefix, and are removed
 * afterwards, so other work on database 0 never scans them.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { parseConnectionUrl } from '../src/shared/connection-url'
import { RedisAdapter } from '../src/main/brokers/redis/redis.adapter'
import { SCAN_COUNT } from '../src/main/brokers/redis/redis.discovery'
import { measure, type ComparisonRow } from './support'

const KEYS = Number(process.env['QS_BENCH_DISCOVERY_KEYS'] ?? 1_000_000)
/** One key in this many is a stream, and as many again are lists. */
const QUEUE_EVERY = 200
const DB = Number(process.env['QS_BENCH_DISCOVERY_DB'] ?? 13)
const REFERENCE_COUNT = 1000

async function fill(redis: Redis, prefix: string): Promise<void> {
  const BATCH = 10_000
  for (let start = 0; start < KEYS; start += BATCH) {
    const pipeline = redis.pipeline()
    const strings: string[] = []
    for (let i = start; i < Math.min(KEYS, start + BATCH); i++) {
      if (i % QUEUE_EVERY === 0) pipeline.xadd(`${prefix}stream:${i}`, '*', 'n', String(i))
      else if (i % QUEUE_EVERY === 1) pipeline.rpush(`${prefix}list:${i}`, 'a', 'b')
      else strings.push(`${prefix}key:${i}`, 'x')
    }
    for (let i = 0; i < strings.length; i += 1000) pipeline.mset(...strings.slice(i, i + 1000))
    await pipeline.exec()
  }
}

async function removeAll(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000)
    cursor = next
    if (keys.length > 0) await redis.unlink(...keys)
  } while (cursor !== '0')
}

/** The plain way: a SCAN loop per type, all three at once, then the same pipelined details. */
async function rawDiscovery(redis: Redis): Promise<number> {
  const scanAll = async (type: string, match: string): Promise<Set<string>> => {
    const found = new Set<string>()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', REFERENCE_COUNT, 'TYPE', type)
      cursor = next
      for (const key of keys) found.add(key)
    } while (cursor !== '0')
    return found
  }
  const [streams, lists, metas] = await Promise.all([scanAll('stream', '*'), scanAll('list', '*'), scanAll('hash', '*:meta')])
  const pipeline = redis.pipeline()
  for (const key of streams) pipeline.xinfo('STREAM', key).xinfo('GROUPS', key)
  for (const key of lists) pipeline.llen(key)
  await pipeline.exec()
  return streams.size + lists.size + metas.size
}

export async function benchRedisDiscovery(log: (line: string) => void): Promise<ComparisonRow[]> {
  const url = `redis://127.0.0.1:6379/${DB}`
  const redis = new Redis(url)
  const prefix = `qs-bench-discovery-${randomBytes(4).toString('hex')}:`
  try {
    const before = await redis.dbsize()
    if (before !== 0) throw new Error(`database ${DB} holds ${before} keys; the benchmark needs it empty (QS_BENCH_DISCOVERY_DB=N picks another)`)
    log(`writing ${KEYS.toLocaleString('en-US')} keys into db ${DB}…`)
    await fill(redis, prefix)
    const expected = 2 * Math.ceil(KEYS / QUEUE_EVERY)

    const { target, password } = parseConnectionUrl(url)
    if (target.broker !== 'redis') throw new Error('expected Redis')
    const adapter = new RedisAdapter(target, password)
    await adapter.connect()
    try {
      const listed = (await adapter.listSources()).items.length
      if (listed !== expected) throw new Error(`Queuescope found ${listed} streams and lists, expected ${expected}`)
      const rawFound = await rawDiscovery(redis)
      if (rawFound !== expected) throw new Error(`the raw loop found ${rawFound}, expected ${expected}`)
      const reference = await measure(`raw SCAN … TYPE loops, COUNT ${REFERENCE_COUNT}`, 5, () => rawDiscovery(redis))
      const queuescope = await measure('Queuescope sources:list', 5, () => adapter.listSources())
      return [
        {
          benchmark: `discovery of ${KEYS.toLocaleString('en-US')} keys (${expected.toLocaleString('en-US')} streams and lists among them; SCAN COUNT ${SCAN_COUNT})`,
          queuescope,
          reference,
          target: '≤ 1.0×',
        },
      ]
    } finally {
      await adapter.close()
    }
  } finally {
    log('removing the benchmark keys…')
    await removeAll(redis, prefix)
    redis.disconnect()
  }
}
