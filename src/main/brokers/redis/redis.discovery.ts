/**
 * Redis discovery: streams, lists, BullMQ queues and pub/sub channels, found
 * with SCAN (never KEYS) on every master, incrementally, cancellable and with progress.
 *
 * Each master gets three SCAN ... TYPE passes at once (stream, list, and hash keys ending in
 * `:meta` for BullMQ), so the server filters by type and only the keys that matter cross the
 * network; bench/redis-discovery.bench.ts measures this against a plain SCAN loop.
 */
import type { Redis } from 'ioredis'
import { streamCapabilities } from './redis.capabilities'
import type { ListOptions } from '../adapter'
import type { ChannelSource, SourceItem, SourceList, StreamGroup } from '../../../shared/model'
import { bullmqSourcesFromMeta } from './redis.bullmq'
import { isCluster, masters, type RedisClient } from './redis.connection'
import { globEscape, pairsToObject } from './redis-encoding'
import { messageOf } from '../errors'

/** Found sources of each kind kept at most (memory stays bounded on huge key spaces); a warning says so. */
export const MAX_LISTED_KEYS = 10_000
/** Keys the server looks at per SCAN call: larger means fewer round trips, each a little longer. */
export const SCAN_COUNT = 2000
const PROGRESS_INTERVAL_MS = 250
/** Commands per pipeline when reading the found keys' details. */
const DETAIL_BATCH = 1000

type Progress = NonNullable<ListOptions['onProgress']>

/** Keys found, each with the master that holds it (details are read from that node). */
type Found = Map<string, Redis>

interface Pass {
  /** SCAN calls made; each looked at about SCAN_COUNT keys. */
  calls: number
  done: boolean
}

interface NodeState {
  node: Redis
  total: number
  passes: Pass[]
}

const n = (value: number): string => value.toLocaleString('en-US')

/** Everything `listSources` returns for a Redis connection. `scope` labels it (e.g. "db 0"). */
export async function discoverSources(client: RedisClient, options: ListOptions, scope: string): Promise<SourceList> {
  const match = options.pattern ?? (options.filter ? `*${globEscape(options.filter)}*` : '*')
  const keep = keyFilter(options)
  const nodes = masters(client)
  const totals = await Promise.all(nodes.map((node) => node.dbsize()))
  const states: NodeState[] = nodes.map((node, i) => ({ node, total: totals[i]!, passes: [] }))
  const streams: Found = new Map()
  const lists: Found = new Map()
  const metas: Found = new Map()
  const capped = new Set<string>()
  const signal = options.signal

  const progress = throttledProgress(options.onProgress, () => ({
    scanned: scannedSoFar(states),
    total: totals.reduce((a, b) => a + b, 0),
    found: streams.size + lists.size + metas.size,
    nodesDone: states.filter((s) => s.passes.every((p) => p.done)).length,
    nodes: nodes.length,
  }))

  const scan = async (state: NodeState, type: string, pattern: string, into: Found, accept: (key: string) => boolean): Promise<void> => {
    const pass: Pass = { calls: 0, done: false }
    state.passes.push(pass)
    let cursor = '0'
    do {
      if (signal?.aborted) return
      if (into.size >= MAX_LISTED_KEYS) {
        capped.add(type)
        return
      }
      const [next, keys] = await state.node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT, 'TYPE', type)
      cursor = next
      pass.calls++
      for (const key of keys) if (accept(key) && into.size < MAX_LISTED_KEYS) into.set(key, state.node)
      progress.tick()
    } while (cursor !== '0')
    pass.done = true
  }

  await Promise.all(
    states.map((state) => {
      // Registered before any await so progress counts every pass from the start.
      const work = [
        scan(state, 'stream', match, streams, () => true),
        scan(state, 'list', match, lists, () => true),
        // BullMQ's meta hash is `<prefix>:<queue>:meta`; the pattern applies to the queue's keys.
        scan(state, 'hash', '*:meta', metas, keep),
      ]
      return Promise.all(work)
    }),
  )

  const warnings: string[] = []
  const cancelled = signal?.aborted === true
  if (cancelled) {
    const { scanned, total } = progress.current()
    warnings.push(`discovery was cancelled after about ${n(scanned)} of ${n(total)} keys: this listing is partial`)
  }
  if (capped.size > 0) {
    warnings.push(`showing the first ${n(MAX_LISTED_KEYS)} keys of each kind; narrow the filter or pattern to see others`)
  }

  const bullmq = await bullmqSourcesFromMeta(client, [...metas.keys()]).catch((err: unknown) => {
    warnings.push(`BullMQ queues could not be counted: ${messageOf(err)}`)
    return []
  })
  const bullmqBases = new Set(bullmq.map((queue) => `${queue.prefix}:${queue.queue}`))
  const ownedByBullmq = (key: string): boolean => {
    for (let i = key.indexOf(':'); i >= 0; i = key.indexOf(':', i + 1)) if (bullmqBases.has(key.slice(0, i))) return true
    return false
  }
  for (const found of [streams, lists]) for (const key of found.keys()) if (ownedByBullmq(key)) found.delete(key)

  const [streamItems, listItems, channels] = await Promise.all([
    streamSources(streams),
    listSources(lists),
    channelSources(nodes, match, isCluster(client), warnings),
  ])
  const items: SourceItem[] = [...streamItems, ...listItems, ...bullmq.sort(byName), ...channels]
  progress.finish(items.length)
  return { items, warnings, scope, listedAt: Date.now() }
}

/** For BullMQ meta keys: the queue is listed when its meta key or its base name matches. */
function keyFilter(options: ListOptions): (metaKey: string) => boolean {
  const base = (metaKey: string): string => metaKey.slice(0, -':meta'.length)
  if (options.pattern !== undefined) {
    const glob = redisGlob(options.pattern)
    return (key) => glob.test(key) || glob.test(base(key))
  }
  const filter = options.filter
  return filter ? (key) => base(key).includes(filter) : () => true
}

function scannedSoFar(states: NodeState[]): number {
  let scanned = 0
  for (const state of states) {
    if (state.passes.length > 0 && state.passes.every((p) => p.done)) scanned += state.total
    // The slowest pass says how far this node is; COUNT is a hint, so this is an estimate.
    else scanned += Math.min(state.total, Math.min(...state.passes.map((p) => (p.done ? Infinity : p.calls * SCAN_COUNT)), state.total))
  }
  return scanned
}

interface Snapshot {
  scanned: number
  total: number
  found: number
  nodesDone: number
  nodes: number
}

function throttledProgress(onProgress: Progress | undefined, snapshot: () => Snapshot) {
  let last = 0
  return {
    current: snapshot,
    tick(): void {
      if (!onProgress || Date.now() - last < PROGRESS_INTERVAL_MS) return
      last = Date.now()
      onProgress({ ...snapshot(), done: false })
    },
    finish(found: number): void {
      onProgress?.({ ...snapshot(), found, done: true })
    },
  }
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** Found keys grouped by node and cut into pipelines of `perKey` commands per key. */
function batches(found: Found, perKey: number): [Redis, string[]][] {
  const byNode = new Map<Redis, string[]>()
  for (const [key, node] of [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const keys = byNode.get(node) ?? []
    keys.push(key)
    byNode.set(node, keys)
  }
  const out: [Redis, string[]][] = []
  const size = Math.max(1, Math.floor(DETAIL_BATCH / perKey))
  for (const [node, keys] of byNode) for (let i = 0; i < keys.length; i += size) out.push([node, keys.slice(i, i + size)])
  return out
}

async function streamSources(found: Found): Promise<SourceItem[]> {
  const items: SourceItem[] = []
  for (const [node, keys] of batches(found, 2)) {
    const pipeline = node.pipeline()
    for (const key of keys) pipeline.xinfo('STREAM', key).xinfo('GROUPS', key)
    const results = (await pipeline.exec()) ?? []
    keys.forEach((key, i) => {
      const [streamErr, streamInfo] = results[2 * i] ?? [null, null]
      const [groupsErr, groupsInfo] = results[2 * i + 1] ?? [null, null]
      // A key deleted or retyped between SCAN and XINFO is simply gone; skip it.
      if (streamErr || groupsErr) return
      items.push(toStreamItem(key, streamInfo as unknown[], groupsInfo as unknown[][]))
    })
  }
  return items.sort(byName)
}

async function listSources(found: Found): Promise<SourceItem[]> {
  const items: SourceItem[] = []
  for (const [node, keys] of batches(found, 1)) {
    const pipeline = node.pipeline()
    for (const key of keys) pipeline.llen(key)
    const results = (await pipeline.exec()) ?? []
    keys.forEach((key, i) => {
      const [err, length] = results[i] ?? [null, null]
      if (!err) items.push({ kind: 'list', name: key, messages: Number(length), consumers: null })
    })
  }
  return items.sort(byName)
}

/**
 * Channels with subscribers (PUBSUB CHANNELS + NUMSUB) and pattern subscriptions (NUMPAT) on
 * every master. Each node answers for its own clients only, so in a Cluster the counts are summed.
 */
async function channelSources(nodes: Redis[], pattern: string, cluster: boolean, warnings: string[]): Promise<ChannelSource[]> {
  const subscribers = new Map<string, number>()
  let patterns = 0
  for (const node of nodes) {
    const [channels, numpat] = await Promise.all([node.pubsub('CHANNELS', pattern), node.pubsub('NUMPAT')])
    patterns += Number(numpat)
    const names = (channels as unknown[]).map(String)
    for (let i = 0; i < names.length; i += DETAIL_BATCH) {
      const counts = (await node.pubsub('NUMSUB', ...names.slice(i, i + DETAIL_BATCH))) as unknown[]
      for (let j = 0; j + 1 < counts.length; j += 2) {
        const name = String(counts[j])
        subscribers.set(name, (subscribers.get(name) ?? 0) + Number(counts[j + 1]))
      }
    }
  }
  const names = [...subscribers.keys()].sort()
  if (names.length > MAX_LISTED_KEYS)
    warnings.push(`showing the first ${n(MAX_LISTED_KEYS)} of ${n(names.length)} pub/sub channels; narrow the filter or pattern to see others`)
  if (patterns > 0) {
    warnings.push(
      `${n(patterns)} pattern subscription${patterns === 1 ? '' : 's'} (PSUBSCRIBE) also receive${patterns === 1 ? 's' : ''} what is published; Redis does not say which patterns, so their subscribers are not in the channel counts`,
    )
  }
  if (cluster && (names.length > 0 || patterns > 0)) {
    warnings.push(
      `pub/sub counts are per node in a Cluster: subscribers are summed over the ${n(nodes.length)} masters (clients subscribed on replicas are not counted)`,
    )
  }
  return names.slice(0, MAX_LISTED_KEYS).map((name) => ({ kind: 'channel', name, messages: null, consumers: subscribers.get(name)!, pattern: false }))
}

export function toStreamItem(name: string, streamInfo: unknown[], groupsInfo: unknown[][]): SourceItem {
  const info = pairsToObject(streamInfo)
  const firstEntry = info['first-entry'] as [string, unknown] | null | undefined
  const lastEntry = info['last-entry'] as [string, unknown] | null | undefined
  const groups: StreamGroup[] = groupsInfo.map((raw) => {
    const g = pairsToObject(raw)
    const lag = g['lag']
    const entriesRead = g['entries-read']
    return {
      name: String(g['name']),
      lag: lag === null || lag === undefined ? null : Number(lag),
      pending: Number(g['pending'] ?? 0),
      consumers: Number(g['consumers'] ?? 0),
      lastDeliveredId: String(g['last-delivered-id'] ?? '0-0'),
      entriesRead: entriesRead === null || entriesRead === undefined ? null : Number(entriesRead),
    }
  })
  const capabilities = streamCapabilities(groups.length)
  return {
    kind: 'stream',
    ...(capabilities === undefined ? {} : { capabilities }),
    name,
    messages: Number(info['length'] ?? 0),
    consumers: groups.reduce((sum, g) => sum + g.consumers, 0),
    firstId: firstEntry ? String(firstEntry[0]) : null,
    lastId: lastEntry ? String(lastEntry[0]) : null,
    groups,
  }
}

/**
 * A Redis glob (the syntax of SCAN MATCH and PUBSUB CHANNELS: `*`, `?`, `[abc]`, `[^a-z]`, `\x`)
 * as a RegExp, for the checks made on this side (BullMQ queues by their base name).
 */
export function redisGlob(glob: string): RegExp {
  const escape = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '\\' && i + 1 < glob.length) out += escape(glob[++i]!)
    else if (c === '*') out += '[\\s\\S]*'
    else if (c === '?') out += '[\\s\\S]'
    else if (c === '[' && glob.indexOf(']', i + 1) > i + 1) {
      let j = i + 1
      let cls = ''
      if (glob[j] === '^') {
        cls += '^'
        j++
      }
      for (; j < glob.length && glob[j] !== ']'; j++) {
        if (glob[j] === '\\' && j + 1 < glob.length) cls += escape(glob[++j]!)
        else if (glob[j + 1] === '-' && j + 2 < glob.length && glob[j + 2] !== ']') {
          // Redis accepts a range either way round ([z-a]); a RegExp wants it in order.
          const [from, to] = [glob[j]!, glob[j + 2]!].sort()
          cls += `${escape(from!)}-${escape(to!)}`
          j += 2
        } else cls += escape(glob[j]!)
      }
      out += `[${cls}]`
      i = j
    } else out += escape(c)
  }
  return new RegExp(`^${out}$`)
}
