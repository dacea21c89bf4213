/**
 * BullMQ queues on a Redis connection. The bullmq package is the authority:
 * jobs are read, retried and cleaned through its Queue and Job classes, so a retry or a clean does
 * exactly what BullMQ itself would. Only the per-state counts are read straight from BullMQ's key
 * layout (docs/broker-facts.md "BullMQ"), many queues per call, because discovery counts hundreds of
 * queues at once and bullmq's getJobCounts runs a Lua script per queue that may also RPOP a legacy
 * marker — a write, where browsing must stay read-only. The integration test keeps the two equal.
 */
import { ErrorCode, Job, Queue, type JobType } from 'bullmq'
import { QsError } from '../../../shared/errors'
import type { BullmqSource } from '../../../shared/model'
import { BULLMQ_STATES, bullmqSourceName, parseBullmqName, type BullmqCounts, type BullmqJob, type BullmqState } from '../../../shared/bullmq'
import { parseSourceRef } from '../../../shared/source-ref'
import { messageOf } from '../errors'
import { isCluster, masters, type RedisClient } from './redis.connection'

/** Job data longer than this (UTF-8 bytes) is cut in job lists; `dataTruncated` says so. */
export const JOB_DATA_LIMIT = 64 * 1024

/** Retried concurrently when the user picks many failed jobs (each is one Lua call). */
const RETRY_CONCURRENCY = 50

interface QueueRef {
  prefix: string
  queue: string
}

/** `<prefix>:<queue>:meta` → prefix and queue (BullMQ forbids ":" in queue names). */
function parseMetaKey(key: string): QueueRef | null {
  if (!key.endsWith(':meta')) return null
  const base = key.slice(0, -':meta'.length)
  const colon = base.lastIndexOf(':')
  if (colon <= 0 || colon === base.length - 1) return null
  return { prefix: base.slice(0, colon), queue: base.slice(colon + 1) }
}

function keyOf(ref: QueueRef, type: string): string {
  return `${ref.prefix}:${ref.queue}:${type}`
}

/**
 * A meta hash is BullMQ's when its `version` names bullmq (or BullMQ Pro), or, for versions that
 * wrote no version, when it holds BullMQ's `opts.maxLenEvents`.
 */
function isBullmqMeta(version: string | null, maxLenEvents: string | null): boolean {
  return version !== null ? version.startsWith('bullmq') : maxLenEvents !== null
}

/** The keys one queue's counts are read from, in this order. */
const COUNT_KEYS = ['meta', 'wait', 'active', 'paused', 'delayed', 'prioritized', 'completed', 'failed']

/** The reads, as [command, index into COUNT_KEYS, ...arguments], in the order `countsFrom` takes them. */
const COUNT_READS: [string, number, ...(string | number)[]][] = [
  ['HMGET', 0, 'version', 'opts.maxLenEvents', 'paused'],
  ['LLEN', 1],
  ['LINDEX', 1, -1],
  ['LLEN', 2],
  ['LLEN', 3],
  ['LINDEX', 3, -1],
  ['ZCARD', 4],
  ['ZCARD', 5],
  ['ZCARD', 6],
  ['ZCARD', 7],
]

/**
 * The same reads run server-side for many queues in one call: with 10 commands a queue, ioredis's
 * own per-command cost (not Redis) dominates a pipeline (bench "bullmq"). Read-only; a queue whose
 * keys have other types gives 0 instead of its replies.
 */
const COUNTS_SCRIPT = `local out = {}
for i = 1, #KEYS, ${COUNT_KEYS.length} do
  local ok, replies = pcall(function() return {
    ${COUNT_READS.map(([command, key, ...args]) => `redis.call('${command}', KEYS[i + ${key}]${args.map((a) => `, '${a}'`).join('')})`).join(',\n    ')}
  } end)
  out[#out + 1] = ok and replies or 0
end
return out`

/** Queues per script call on one server, so that Redis is never blocked for long. */
const QUEUES_PER_CALL = 500

interface QueueCounts {
  counts: BullmqCounts
  paused: boolean
  version: string | null
}

/**
 * One queue's replies (COUNT_READS order) as counts, the way bullmq's getCounts script makes them:
 * a wait or paused list whose last item is a legacy marker ("0:…", BullMQ < 5) has one job less
 * than its length. null: not a BullMQ queue (or its keys are of other types).
 */
function countsFrom(replies: unknown): QueueCounts | null {
  if (!Array.isArray(replies)) return null
  const [meta, waitLength, waitLast, active, pausedLength, pausedLast, delayed, prioritized, completed, failed] = replies as unknown[]
  const [version, maxLenEvents, paused] = meta as (string | null)[]
  if (!isBullmqMeta(version ?? null, maxLenEvents ?? null)) return null
  const listCount = (length: unknown, last: unknown): number => {
    const n = Number(length)
    return typeof last === 'string' && last.startsWith('0:') ? Math.max(0, n - 1) : n
  }
  return {
    counts: {
      waiting: listCount(waitLength, waitLast),
      active: Number(active),
      paused: listCount(pausedLength, pausedLast),
      delayed: Number(delayed),
      prioritized: Number(prioritized),
      completed: Number(completed),
      failed: Number(failed),
    },
    paused: paused === '1',
    version: version ?? null,
  }
}

async function readGroup(client: RedisClient, group: QueueRef[]): Promise<(QueueCounts | null)[]> {
  const keys = group.flatMap((ref) => COUNT_KEYS.map((type) => keyOf(ref, type)))
  const scripted = (await client.eval(COUNTS_SCRIPT, keys.length, ...keys).catch(() => null)) as unknown[] | null
  if (scripted) return scripted.map(countsFrom)
  // Scripting refused (e.g. an ACL user without @scripting): the same reads as a pipeline.
  const commands = group.flatMap((_, q) =>
    COUNT_READS.map(([command, key, ...args]): [string, ...(string | number)[]] => [command.toLowerCase(), keys[q * COUNT_KEYS.length + key]!, ...args]),
  )
  const replies = await client
    .pipeline(commands)
    .exec()
    .catch(() => null)
  return group.map((_, q) => {
    const own = replies?.slice(q * COUNT_READS.length, (q + 1) * COUNT_READS.length)
    return own && own.every(([err]) => err === null) ? countsFrom(own.map(([, value]) => value)) : null
  })
}

/**
 * Counts of many queues in as few calls as the topology allows: chunks of QUEUES_PER_CALL on one
 * server; on a Cluster one call per queue, since a script or pipeline must stay on one slot (BullMQ
 * keeps a queue's keys on one slot only with a hash-tagged prefix, which it needs there itself).
 * null: not a BullMQ queue (or gone).
 */
async function readCounts(client: RedisClient, refs: QueueRef[]): Promise<(QueueCounts | null)[]> {
  const groups: QueueRef[][] = []
  const size = isCluster(client) ? 1 : QUEUES_PER_CALL
  for (let i = 0; i < refs.length; i += size) groups.push(refs.slice(i, i + size))
  return (await Promise.all(groups.map((group) => readGroup(client, group)))).flat()
}

/**
 * Workers per queue, counted the way Queue.getWorkersCount does (client names `<prefix>:<base64
 * queue>` or `…:w:<worker name>`), from one CLIENT LIST per master instead of one per queue (workers
 * block on masters). On a Cluster, like bullmq, the node with the most workers of that queue. null
 * when CLIENT LIST is not allowed (ACL) or not offered (some managed services).
 */
async function workerCounts(client: RedisClient, refs: QueueRef[]): Promise<Map<string, number> | null> {
  const lists = await Promise.all(masters(client).map((node) => node.client('LIST') as Promise<string>)).catch(() => null)
  if (!lists) return null
  const byClientName = new Map(refs.map((ref) => [`${ref.prefix}:${Buffer.from(ref.queue).toString('base64')}`, bullmqSourceName(ref.prefix, ref.queue)]))
  const counts = new Map<string, number>()
  for (const list of lists) {
    const onNode = new Map<string, number>()
    for (const line of list.split(/\r?\n/)) {
      const name = /(?:^| )name=(\S+)/.exec(line)?.[1]
      if (!name) continue
      const source = workerQueue(name, byClientName)
      if (source) onNode.set(source, (onNode.get(source) ?? 0) + 1)
    }
    for (const [source, n] of onNode) counts.set(source, Math.max(n, counts.get(source) ?? 0))
  }
  return counts
}

function workerQueue(clientName: string, byClientName: Map<string, string>): string | undefined {
  const exact = byClientName.get(clientName)
  if (exact) return exact
  // A prefix may itself contain ":w:", so try every place a worker-name suffix could start.
  for (let at = clientName.indexOf(':w:'); at >= 0; at = clientName.indexOf(':w:', at + 1)) {
    const source = byClientName.get(clientName.slice(0, at))
    if (source) return source
  }
  return undefined
}

/**
 * Turns the `<prefix>:<queue>:meta` hashes discovery found into BullMQ sources, ignoring hashes
 * that are not BullMQ's. On one server, two calls for up to 500 queues: the counts script and
 * CLIENT LIST.
 */
export async function bullmqSourcesFromMeta(client: RedisClient, metaKeys: string[]): Promise<BullmqSource[]> {
  const refs = metaKeys.map(parseMetaKey).filter((ref): ref is QueueRef => ref !== null)
  if (refs.length === 0) return []
  const [counts, workers] = await Promise.all([readCounts(client, refs), workerCounts(client, refs)])
  const sources: BullmqSource[] = []
  refs.forEach((ref, i) => {
    const queue = counts[i]
    if (!queue) return
    const name = bullmqSourceName(ref.prefix, ref.queue)
    const c = queue.counts
    sources.push({
      kind: 'bullmq',
      name,
      prefix: ref.prefix,
      queue: ref.queue,
      messages: c.waiting + c.prioritized + c.delayed + c.paused,
      consumers: workers ? (workers.get(name) ?? 0) : null,
      counts: c,
      paused: queue.paused,
      version: queue.version,
    })
  })
  return sources
}

/** The first `limit` UTF-8 bytes of a text, never splitting a character. */
function cutText(text: string, limit: number): { text: string; truncated: boolean } {
  if (text.length * 3 <= limit || Buffer.byteLength(text) <= limit) return { text, truncated: false }
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(limit))
  return { text: text.slice(0, read), truncated: true }
}

function jsonText(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value)
}

function toBullmqJob(job: Job, state: BullmqState): BullmqJob {
  const data = cutText(JSON.stringify(job.data ?? null), JOB_DATA_LIMIT)
  return {
    id: String(job.id),
    name: job.name,
    state,
    data: data.text,
    dataTruncated: data.truncated,
    opts: { ...job.opts },
    attemptsMade: job.attemptsMade,
    // bullmq stores attempts 0 when not set, and runs such a job once.
    attempts: Math.max(1, job.opts.attempts ?? 1),
    failedReason: job.failedReason || null,
    stacktrace: job.stacktrace ?? [],
    returnValue: jsonText(job.returnvalue),
    progress: job.progress ?? null,
    timestamp: job.timestamp ?? null,
    processedOn: job.processedOn ?? null,
    finishedOn: job.finishedOn ?? null,
    delay: job.delay ?? null,
    priority: job.priority ?? null,
  }
}

function brokerError(err: unknown): QsError {
  return err instanceof QsError ? err : new QsError('BROKER_ERROR', `BullMQ: ${messageOf(err)}`)
}

/**
 * The Queue objects of one Redis connection, one per BullMQ queue, kept until the connection
 * closes. They share the connection's own client: bullmq uses a caller's client as it is for a
 * Queue (no blocking commands, so no maxRetriesPerRequest demand) and leaves it open on close.
 */
export class BullmqQueues {
  private readonly queues = new Map<string, Queue>()

  constructor(
    private readonly client: RedisClient,
    /** Where the queues live, for error messages (e.g. "db 0"). */
    private readonly scope: string,
  ) {}

  /** Resolves `bullmq:<name>` to its Queue, after checking BullMQ's meta hash is there. */
  private async queueOf(source: string): Promise<{ queue: Queue; ref: QueueRef }> {
    const sourceRef = parseSourceRef(source)
    if (sourceRef.kind !== 'bullmq') {
      throw new QsError('BAD_REQUEST', `"${source}" is not a BullMQ queue: write bullmq:<queue> or bullmq:<prefix>:<queue>`)
    }
    const ref = parseBullmqName(sourceRef.name)
    if (!ref.queue || !ref.prefix) {
      throw new QsError('BAD_REQUEST', `"${source}" names no queue: write bullmq:<queue> or bullmq:<prefix>:<queue>`)
    }
    const metaKey = keyOf(ref, 'meta')
    const [version, maxLenEvents] = await this.client.hmget(metaKey, 'version', 'opts.maxLenEvents').catch((err: unknown) => {
      if (/WRONGTYPE/.test(messageOf(err))) return [null, null]
      throw brokerError(err)
    })
    if (!isBullmqMeta(version ?? null, maxLenEvents ?? null)) {
      throw new QsError(
        'NOT_FOUND',
        `BullMQ queue "${ref.queue}" with prefix "${ref.prefix}" not found in ${this.scope}: there is no BullMQ meta hash "${metaKey}"`,
      )
    }
    const cacheKey = `${ref.prefix}\u0000${ref.queue}`
    let queue = this.queues.get(cacheKey)
    if (!queue) {
      // skipMetasUpdate: a Queue would otherwise write its own version into the meta hash.
      queue = new Queue(ref.queue, { connection: this.client, prefix: ref.prefix, skipMetasUpdate: true })
      // Connection errors reach the adapter through the client itself; calls reject on their own.
      queue.on('error', () => undefined)
      this.queues.set(cacheKey, queue)
    }
    return { queue, ref }
  }

  private async counts(ref: QueueRef): Promise<BullmqCounts> {
    const [counts] = await readCounts(this.client, [ref])
    if (!counts) throw new QsError('NOT_FOUND', `BullMQ queue "${ref.queue}" with prefix "${ref.prefix}" disappeared from ${this.scope}`)
    return counts.counts
  }

  /** One page of a state's jobs, newest first (Queue.getJobs), with the queue's counts. */
  async jobs(request: { source: string; state: string; start: number; count: number }): Promise<{ jobs: BullmqJob[]; counts: BullmqCounts; total: number }> {
    if (!(BULLMQ_STATES as readonly string[]).includes(request.state)) {
      throw new QsError('BAD_REQUEST', `BullMQ has no job state "${request.state}" (states: ${BULLMQ_STATES.join(', ')})`)
    }
    const state = request.state as BullmqState
    const { queue, ref } = await this.queueOf(request.source)
    try {
      // "paused" is the list older BullMQ moved waiting jobs to on pause: bullmq 6 no longer names
      // it in its types, but its getJobs script still reads it like "wait".
      const types = [state as JobType]
      const [jobs, counts] = await Promise.all([queue.getJobs(types, request.start, request.start + request.count - 1, false), this.counts(ref)])
      return { jobs: jobs.map((job) => toBullmqJob(job, state)), counts, total: counts[state] }
    } catch (err) {
      throw brokerError(err)
    }
  }

  /**
   * Retries failed jobs as BullMQ does: the given ids one by one with Job.retry('failed'), saying
   * why any was not retried; without ids, every job failed so far with Queue.retryJobs, counted
   * from the failed set before and after (jobs failing meanwhile are newer and stay).
   */
  async retry(request: { source: string; jobIds?: string[] }): Promise<{ retried: number; notRetried: { id: string; reason: string }[] }> {
    const { queue, ref } = await this.queueOf(request.source)
    try {
      if (!request.jobIds) {
        const failedKey = keyOf(ref, 'failed')
        const now = Date.now()
        const before = await this.client.zcount(failedKey, 0, now)
        await queue.retryJobs({ state: 'failed', timestamp: now })
        const after = await this.client.zcount(failedKey, 0, now)
        return { retried: Math.max(0, before - after), notRetried: [] }
      }
      const notRetried: { id: string; reason: string }[] = []
      let retried = 0
      const ids = [...new Set(request.jobIds)]
      for (let i = 0; i < ids.length; i += RETRY_CONCURRENCY) {
        const chunk = ids.slice(i, i + RETRY_CONCURRENCY)
        const reasons = await Promise.all(chunk.map((id) => this.retryOne(queue, id)))
        reasons.forEach((reason, j) => {
          if (reason === null) retried++
          else notRetried.push({ id: chunk[j]!, reason })
        })
      }
      return { retried, notRetried }
    } catch (err) {
      throw brokerError(err)
    }
  }

  /** null when retried, else why not in words. */
  private async retryOne(queue: Queue, id: string): Promise<string | null> {
    const job = await Job.fromId(queue, id)
    if (!job) return 'no such job (it was removed or never existed)'
    try {
      await job.retry('failed')
      return null
    } catch (err) {
      const code = (err as { code?: unknown }).code
      if (code === ErrorCode.JobNotExist) return 'no such job (it was removed meanwhile)'
      if (code === ErrorCode.JobNotInState) return `not failed: the job is ${await queue.getJobState(id)}`
      return messageOf(err)
    }
  }

  /** Queue.clean: removes finished jobs older than the grace period, up to `limit`. */
  async clean(request: { source: string; state: 'completed' | 'failed'; graceMs: number; limit: number }): Promise<{ removed: number }> {
    const { queue } = await this.queueOf(request.source)
    try {
      const removed = await queue.clean(request.graceMs, request.limit, request.state)
      return { removed: removed.length }
    } catch (err) {
      throw brokerError(err)
    }
  }

  /** Closes the Queue objects; the shared client stays open for its owner to close. */
  async close(): Promise<void> {
    const queues = [...this.queues.values()]
    this.queues.clear()
    await Promise.all(queues.map((queue) => queue.close().catch(() => undefined)))
  }
}
