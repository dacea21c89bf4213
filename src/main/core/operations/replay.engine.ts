import { QsError, toQsErrorShape } from '../../../shared/errors'
import { ORIGIN_HEADER, type ReplayFilter, type ReplayItem, type ReplayProgress, type ReplayReport } from '../../../shared/replay'
import { formatSourceRef, parseSourceRef, type SourceRef } from '../../../shared/source-ref'
import type { BatchReader, ReadMessage, ReplayMessage, Route, TargetWriter, WriteResult } from '../../brokers/replay'
import { compileFilters } from './replay.filter'

/**
 * Messages in flight at once (read, not yet settled): bounds possible duplicates, and with
 * DEFAULT_REPLAY_WINDOW_BYTES memory. RabbitMQ confirms persistent messages in batches (when the
 * queue syncs to disk, mostly once its mailbox runs empty), so the more in flight the fewer stalls
 * per message: on the queue -> queue benchmark (docs/performance.md) 4000 moved about a fifth
 * faster than 1000 (the shovel's prefetch) and ~5% faster than 2000. 8000 moved another 3-7%
 * faster (about level with the shovel), but a 1,000,000-message move then peaked at 326 MB
 * resident, over the 300 MB budget, even with the in-flight messages trimmed to ~1.7 KB of heap
 * each (in-flight messages outlive V8's young generation, and the old generation grows with
 * them); with 4000 it peaks at ~260 MB (`npm run bench -- replay`, in a process of its own).
 */
export const DEFAULT_REPLAY_WINDOW = 4000
/** Message bytes in flight at once: large messages get a smaller window (64 MiB / their average size). */
export const DEFAULT_REPLAY_WINDOW_BYTES = 64 * 1024 * 1024
/** The first read, before any message size is known: small, so a source of huge messages cannot overshoot. */
const FIRST_READ = 10
const MAX_FAILURES = 100
const MAX_PREVIEW = 1000
/** Progress at most this often; a timer also sends it this often while the run waits (a slow, rate-limited batch). */
const PROGRESS_EVERY_MS = 250

export const REPLAYED_FROM_HEADER = 'qs-replayed-from'
export const REPLAY_COUNT_HEADER = 'qs-replay-count'

/**
 * Where messages go: one fixed route (a Redis target names its stream, list or channel in
 * `target`), or each message's own origin (originRoutes), on a connection of this broker.
 */
export type RouteChoice = { kind: 'fixed'; exchange: string; routingKey: string | null; target?: SourceRef } | { kind: 'origin'; broker: 'rabbitmq' | 'redis' }

export interface ReplayPlan {
  id: string
  mode: 'move' | 'copy'
  dryRun: boolean
  /** `<kind>:<name>` of the source, written into qs-replayed-from. */
  source: string
  /** For the report: "queue:orders", "origin (each message’s x-death)". */
  target: string
  /** The connection the target is on, for the report. */
  targetConnection?: string
  route: RouteChoice
  limit?: number
  rate?: number
  filters: readonly ReplayFilter[]
  /** Only these messages; the run ends once all were found. */
  messageIds?: readonly string[]
  /**
   * What `messageIds` name: the message-id property (RabbitMQ, default) or the source's own id
   * (Redis stream entry ids, stable where a delivery tag is not).
   */
  matchBy?: 'messageId' | 'sourceId'
  window?: number
  /** Message bytes in flight at most (by the average size read so far); one message always fits. */
  windowBytes?: number
}

export interface ReplayIo {
  reader: BatchReader
  /** Absent for a dry run (nothing is published). */
  writer: TargetWriter | null
  signal?: AbortSignal
  onProgress?: (progress: ReplayProgress) => void
  /** Ids of messages settled at the target (moved or copied), in batches, for the journal. */
  onReplayed?: (ids: string[]) => void
  now?: () => number
}

/** The message's id for reports and the journal: its message-id property, else the source's id. */
export function messageLabel(message: ReadMessage): string {
  return message.properties.messageId ?? `#${message.id}`
}

/**
 * Where a message goes back to ("back to origin"), or why it cannot. A RabbitMQ target takes
 * the exchange and routing keys of the newest x-death, else a `qs-origin` of `queue:` (default
 * exchange) or `exchange:` (the message keeps its routing key); a Redis target takes a `qs-origin`
 * of `stream:` or `list:`. The qs-origin rule is in docs/architecture.md ("Message mapping").
 */
export function originRoutes(message: ReadMessage, broker: 'rabbitmq' | 'redis'): { routes: Route[] } | { reason: string } {
  const newest = message.xDeath?.[0]
  if (broker === 'rabbitmq' && newest && newest.routingKeys.length > 0) {
    return { routes: newest.routingKeys.map((routingKey) => ({ exchange: newest.exchange, routingKey })) }
  }
  const recorded = message.headers[ORIGIN_HEADER]
  const text = Buffer.isBuffer(recorded) ? recorded.toString('utf8') : typeof recorded === 'string' ? recorded : ''
  if (text.trim() === '') {
    return {
      reason:
        broker === 'rabbitmq'
          ? `no x-death header and no ${ORIGIN_HEADER}: the message was not dead-lettered, so it has no origin to go back to`
          : `no ${ORIGIN_HEADER} field: the message does not say which stream or list it came from, so it has no origin to go back to`,
    }
  }
  let ref: SourceRef
  try {
    ref = parseSourceRef(text.trim())
  } catch {
    return { reason: `${ORIGIN_HEADER} "${text}" is not <kind>:<name> (stream:<key>, list:<key>, queue:<name> or exchange:<name>)` }
  }
  if (broker === 'redis' && (ref.kind === 'stream' || ref.kind === 'list')) return { routes: [{ exchange: '', routingKey: ref.name, target: ref }] }
  if (broker === 'rabbitmq' && ref.kind === 'queue') return { routes: [{ exchange: '', routingKey: ref.name }] }
  if (broker === 'rabbitmq' && ref.kind === 'exchange') return { routes: [{ exchange: ref.name, routingKey: message.routingKey }] }
  const takes = broker === 'redis' ? 'a Redis connection takes stream:<key> or list:<key>' : 'a RabbitMQ connection takes queue:<name> or exchange:<name>'
  return { reason: `${ORIGIN_HEADER} "${text}" cannot be sent back on this connection: ${takes}` }
}

/** Routes as reports show them: a Redis target by its ref, a RabbitMQ one by exchange and routing keys. */
function routeLabel(routes: readonly Route[]): Pick<ReplayItem, 'exchange' | 'routingKeys' | 'target'> {
  const target = routes[0]?.target
  if (target) return { exchange: null, routingKeys: [], target: formatSourceRef(target) }
  return { exchange: routes[0]?.exchange ?? null, routingKeys: routes.map((r) => r.routingKey) }
}

/** Body, properties and headers as they came, plus the replay bookkeeping headers (never x-death). */
export function stampReplay(message: ReadMessage, source: string): ReplayMessage {
  const previous = message.headers[REPLAY_COUNT_HEADER]
  const count = typeof previous === 'number' && Number.isFinite(previous) ? previous : Number(previous) || 0
  return {
    body: message.body,
    properties: message.properties,
    headers: { ...message.headers, [REPLAYED_FROM_HEADER]: source, [REPLAY_COUNT_HEADER]: count + 1 },
  }
}

/**
 * Runs one replay: read a window of messages, filter, publish each with confirms, then acknowledge
 * (move) or release (copy) it at the source — never before the target confirmed it. The number of
 * messages looked at is fixed at the start (the limit, or what the source holds then), so a source
 * that keeps filling, or a replay into its own source, ends. Failures keep the message in the source.
 */
export async function runReplay(plan: ReplayPlan, io: ReplayIo): Promise<ReplayReport> {
  const now = io.now ?? Date.now
  const startedAt = now()
  const window = Math.max(1, plan.window ?? DEFAULT_REPLAY_WINDOW)
  const windowBytes = Math.max(1, plan.windowBytes ?? DEFAULT_REPLAY_WINDOW_BYTES)
  const filtersMatch = compileFilters(plan.filters)
  const wanted = plan.messageIds ? new Set(plan.messageIds) : null
  const selectedCount = wanted?.size ?? 0
  const matches = (message: ReadMessage): boolean => {
    if (wanted) {
      const id = plan.matchBy === 'sourceId' ? message.id : message.properties.messageId
      if (id === undefined || !wanted.has(id)) return false
      wanted.delete(id) // a duplicate id later on is not the selected message
    }
    return filtersMatch(message)
  }
  const { reader, writer } = io
  if (!plan.dryRun && !writer) throw new QsError('BAD_REQUEST', 'a replay that is not a dry run needs a target writer')
  if (plan.mode === 'move' && !reader.removable && !plan.dryRun) {
    throw new QsError('UNSUPPORTED', `${plan.source} cannot give messages up (a RabbitMQ stream keeps them): copy instead of move`)
  }
  /** How many messages to look at, at most: fixed now, so a source that keeps filling ends. */
  const scanLimit = plan.limit ?? reader.available
  if (scanLimit === null || scanLimit === undefined) {
    throw new QsError('BAD_REQUEST', `cannot tell how many messages ${plan.source} holds (no management API?): give a limit`)
  }
  // A selection's progress and report count the selected messages, not the whole source.
  const total = wanted ? Math.min(selectedCount, scanLimit) : scanLimit

  const report: ReplayReport = {
    id: plan.id,
    mode: plan.mode,
    dryRun: plan.dryRun,
    source: plan.source,
    target: plan.target,
    ...(plan.targetConnection === undefined ? {} : { targetConnection: plan.targetConnection }),
    total,
    scanned: 0,
    published: 0,
    acknowledged: 0,
    failed: 0,
    skipped: 0,
    left: total,
    duplicates: 0,
    cancelled: false,
    failures: [],
    preview: [],
    startedAt,
    finishedAt: startedAt,
  }

  let stopError: string | null = null
  /** Published but never confirmed (the target refused or went away): they may have arrived. */
  let inDoubt = 0
  const fail = (message: ReadMessage, route: Pick<ReplayItem, 'exchange' | 'routingKeys' | 'target'>, reason: string): void => {
    report.failed++
    if (report.failures.length < MAX_FAILURES) {
      report.failures.push({ id: messageLabel(message), ...route, size: message.body.length, reason })
    }
  }
  const stop = (reason: string): void => {
    stopError ??= reason
  }

  let replayedIds: string[] = []
  const flushIds = (): void => {
    if (replayedIds.length > 0) io.onReplayed?.(replayedIds)
    replayedIds = []
  }

  let lastProgress = 0
  const progress = (force = false): void => {
    const at = now()
    if (!io.onProgress || (!force && at - lastProgress < PROGRESS_EVERY_MS)) return
    lastProgress = at
    const seconds = Math.max(0.001, (at - startedAt) / 1000)
    const scanned = wanted ? selectedCount - wanted.size : report.scanned
    const rate = scanned / seconds
    io.onProgress({
      id: plan.id,
      scanned,
      total,
      published: report.published,
      failed: report.failed,
      skipped: report.skipped,
      rate,
      etaMs: rate > 0 ? (Math.max(0, total - scanned) / rate) * 1000 : null,
    })
  }

  // Pacing for --rate: message n may start no earlier than startedAt + n / rate.
  let paced = 0
  const pace = async (): Promise<void> => {
    if (!plan.rate) return
    const due = startedAt + (paced++ / plan.rate) * 1000
    const wait = due - now()
    if (wait > 0) await sleep(wait, io.signal)
  }

  /**
   * Messages (and their bytes) published and not yet settled, and the read loop waiting for room:
   * one counter and one waiter, not a race over every in-flight promise (which costs the whole
   * window per settled message).
   */
  let active = 0
  let activeBytes = 0
  const seen = { messages: 0, bytes: 0 }
  let waiting: { until: () => boolean; resolve: () => void } | null = null
  /** How many messages `bytes` hold at the average size read so far (FIRST_READ before any was read). */
  const byBytes = (bytes: number): number => (seen.messages === 0 ? FIRST_READ : Math.floor(bytes / Math.max(1, seen.bytes / seen.messages)))
  /** Most messages in flight: the window, or fewer when the messages seen so far are large. */
  const fullWindow = (): number => Math.max(1, Math.min(window, byBytes(windowBytes)))
  /** How many more may be read now (at least one when nothing is in flight). */
  const room = (): number => Math.max(active === 0 ? 1 : 0, Math.min(window - active, byBytes(windowBytes - activeBytes)))
  /** Messages a push reader (RabbitMQ) holds already, and room for them: read them now. */
  const takeBuffered = (): boolean => (reader.buffered ?? 0) > 0 && room() > 0
  const recheck = (): void => {
    if (waiting && waiting.until()) {
      const { resolve } = waiting
      waiting = null
      resolve()
    }
  }
  const settled = (size: number): void => {
    active--
    activeBytes -= size
    recheck()
  }
  reader.onBuffered?.(recheck)
  const waitUntil = (until: () => boolean): Promise<void> | undefined => {
    if (until()) return undefined
    return new Promise<void>((resolve) => {
      waiting = { until, resolve }
    })
  }

  /**
   * Publishes one message and settles it at the source; never rejects, and frees its slot when
   * done. One async function per message in flight, not two: a window of them is held at once.
   */
  const replayOne = async (message: ReadMessage, routes: readonly Route[]): Promise<void> => {
    try {
      const outgoing = stampReplay(message, plan.source)
      let results: WriteResult[]
      try {
        // One route is the common case: no Promise.all (and no array of promises) per message.
        results = routes.length === 1 ? [await writer!.write(outgoing, routes[0]!)] : await writeAll(writer!, outgoing, routes)
      } catch (err) {
        // Refused (nack) or the target went away before confirming: it may or may not have arrived.
        const reason = toQsErrorShape(err).message
        inDoubt++
        fail(message, routeLabel(routes), `not confirmed by the target, so it may or may not have arrived there: ${reason}`)
        reader.release([message])
        stop(`the target failed: ${reason}`)
        return
      }
      const bounced = results.find((r) => !r.routed)
      if (bounced && !bounced.routed) {
        const label = routeLabel(routes)
        const why =
          label.target !== undefined ? `${label.target} took nothing` : `no queue is bound for routing key ${label.routingKeys.join(', ') || '(empty)'}`
        fail(message, label, `unroutable at the target (${bounced.reason}): ${why}`)
        reader.release([message])
        return
      }
      report.published++
      replayedIds.push(messageLabel(message))
      if (replayedIds.length >= 1000) flushIds()
      if (plan.mode === 'copy') {
        reader.release([message])
        return
      }
      try {
        reader.ack([message])
        report.acknowledged++
      } catch (err) {
        // The target has it and the source gave it back when it went away: it is now in both
        // (counted below with every other message that may be).
        stop(`the source went away after the target confirmed a message: ${toQsErrorShape(err).message}`)
      }
    } catch (err) {
      stop(toQsErrorShape(err).message)
    } finally {
      settled(message.body.length)
    }
  }

  // A fixed route with its own routing key is the same for every message: built once.
  const fixedRoutes: readonly Route[] | null =
    plan.route.kind === 'fixed' && plan.route.routingKey !== null
      ? [{ exchange: plan.route.exchange, routingKey: plan.route.routingKey, ...(plan.route.target ? { target: plan.route.target } : {}) }]
      : null

  const ticker = io.onProgress ? setInterval(() => progress(), PROGRESS_EVERY_MS) : null
  ticker?.unref()
  try {
    while (report.scanned < scanLimit && stopError === null && (wanted === null || wanted.size > 0)) {
      if (io.signal?.aborted) {
        report.cancelled = true
        break
      }
      const left = scanLimit - report.scanned
      // Read again once half the window is free (or all that is left fits), not for every slot
      // that frees up: a Redis read is a round trip, and one per message would halve the rate.
      // Messages a push reader holds already (RabbitMQ delivers ahead, up to the prefetch) are
      // taken as soon as there is room for them, also when they arrive during the wait: they
      // count against the prefetch, so leaving them there leaves that part of the window idle.
      const threshold = Math.min(left, Math.ceil(fullWindow() / 2))
      if (active > 0 && room() < threshold && !takeBuffered()) {
        await waitUntil(() => active === 0 || room() >= threshold || takeBuffered())
        continue
      }
      let batch: ReadMessage[]
      try {
        batch = await reader.read(Math.min(room(), left))
      } catch (err) {
        stop(`reading ${plan.source} failed: ${toQsErrorShape(err).message}`)
        break
      }
      if (batch.length === 0) break // fewer than counted at the start (a consumer took some)
      if (io.signal?.aborted) {
        // Cancelled while the read waited: these go back untouched.
        reader.release(batch)
        report.cancelled = true
        break
      }
      for (const message of batch) seen.bytes += message.body.length
      seen.messages += batch.length
      for (const [index, message] of batch.entries()) {
        if (wanted !== null && wanted.size === 0) {
          reader.release(batch.slice(index)) // every selected message was found: the rest stays untouched
          break
        }
        report.scanned++
        if (!matches(message)) {
          report.skipped++
          reader.release([message])
          continue
        }
        let routes: readonly Route[]
        if (plan.route.kind === 'origin') {
          const origin = originRoutes(message, plan.route.broker)
          if ('reason' in origin) {
            fail(message, { exchange: null, routingKeys: [] }, origin.reason)
            reader.release([message])
            continue
          }
          routes = origin.routes
        } else {
          routes = fixedRoutes ?? [
            { exchange: plan.route.exchange, routingKey: message.routingKey, ...(plan.route.target ? { target: plan.route.target } : {}) },
          ]
        }
        if (plan.dryRun) {
          report.published++
          if (report.preview.length < MAX_PREVIEW) {
            report.preview.push({ id: messageLabel(message), ...routeLabel(routes), size: message.body.length })
          }
          reader.release([message])
          continue
        }
        if (plan.rate) await pace()
        // A batch read by an older, smaller average may hold more bytes than there is room for.
        const size = message.body.length
        if (active > 0 && activeBytes + size > windowBytes) await waitUntil(() => active === 0 || activeBytes + size <= windowBytes)
        active++
        activeBytes += size
        void replayOne(message, routes)
        if (io.signal?.aborted) break
      }
      progress()
    }
    if (io.signal?.aborted && report.scanned < scanLimit && (wanted === null || wanted.size > 0)) report.cancelled = true
  } finally {
    await waitUntil(() => active === 0)
    if (ticker) clearInterval(ticker)
    flushIds()
    if (writer) await writer.close().catch(() => undefined)
    await reader.close().catch(() => undefined)
  }

  report.left = total - report.acknowledged
  // At-least-once: what may now be in both places. Unconfirmed publishes may have arrived; and
  // when the source broke, acks sent in the last window may not have reached it.
  report.duplicates = inDoubt + (reader.lost ? Math.min(report.acknowledged, window) : 0)
  if (reader.lost && !stopError) stopError = `the connection to ${plan.source} broke; the last acknowledgements may not have reached it`
  if (stopError) report.error = stopError
  report.finishedAt = now()
  progress(true)
  return report
}

/** Every route of one message (back to origin can name several); apart, so a one-route message's frame holds no closure. */
function writeAll(writer: TargetWriter, message: ReplayMessage, routes: readonly Route[]): Promise<WriteResult[]> {
  return Promise.all(routes.map((route) => writer.write(message, route)))
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** For reports in words. */
export type { ReplayItem }
