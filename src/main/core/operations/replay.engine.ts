import { QsError, toQsErrorShape } from '../../../shared/errors'
import type { ReplayFilter, ReplayItem, ReplayProgress, ReplayReport } from '../../../shared/replay'
import type { BatchReader, ReadMessage, ReplayMessage, Route, TargetWriter } from '../../brokers/replay'
import { compileFilters } from './replay.filter'

/** Messages in flight at once (read, not yet settled): bounds memory and possible duplicates. */
export const DEFAULT_REPLAY_WINDOW = 256
const MAX_FAILURES = 100
const MAX_PREVIEW = 1000
const PROGRESS_EVERY_MS = 250

export const REPLAYED_FROM_HEADER = 'qs-replayed-from'
export const REPLAY_COUNT_HEADER = 'qs-replay-count'

/** Where messages go: one fixed route, or each message's own origin from its x-death. */
export type RouteChoice = { kind: 'fixed'; exchange: string; routingKey: string | null } | { kind: 'origin' }

export interface ReplayPlan {
  id: string
  mode: 'move' | 'copy'
  dryRun: boolean
  /** `<kind>:<name>` of the source, written into qs-replayed-from. */
  source: string
  /** For the report: "queue:orders on Local RabbitMQ", "origin". */
  target: string
  route: RouteChoice
  limit?: number
  rate?: number
  filters: readonly ReplayFilter[]
  /** Only messages with these message ids; the run ends once all were found. */
  messageIds?: readonly string[]
  window?: number
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

/** Where a dead-lettered message came from: its newest x-death's exchange and routing keys. */
export function originOf(message: ReadMessage): { exchange: string; routingKeys: string[] } | null {
  const newest = message.xDeath?.[0]
  if (!newest || newest.routingKeys.length === 0) return null
  return { exchange: newest.exchange, routingKeys: newest.routingKeys }
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
  const filtersMatch = compileFilters(plan.filters)
  const wanted = plan.messageIds ? new Set(plan.messageIds) : null
  const matches = (message: ReadMessage): boolean => {
    if (wanted) {
      const id = message.properties.messageId
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
  const total = plan.limit ?? reader.available
  if (total === null || total === undefined) {
    throw new QsError('BAD_REQUEST', `cannot tell how many messages ${plan.source} holds (no management API?): give a limit`)
  }

  const report: ReplayReport = {
    id: plan.id,
    mode: plan.mode,
    dryRun: plan.dryRun,
    source: plan.source,
    target: plan.target,
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
  const fail = (message: ReadMessage, route: { exchange: string | null; routingKeys: string[] }, reason: string): void => {
    report.failed++
    if (report.failures.length < MAX_FAILURES) {
      report.failures.push({ id: messageLabel(message), exchange: route.exchange, routingKeys: route.routingKeys, size: message.body.length, reason })
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
    const rate = report.scanned / seconds
    io.onProgress({
      id: plan.id,
      scanned: report.scanned,
      total,
      published: report.published,
      failed: report.failed,
      skipped: report.skipped,
      rate,
      etaMs: rate > 0 ? ((total - report.scanned) / rate) * 1000 : null,
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

  const inFlight = new Set<Promise<void>>()

  const replayOne = async (message: ReadMessage, routes: Route[]): Promise<void> => {
    const outgoing = stampReplay(message, plan.source)
    const label = { exchange: routes[0]!.exchange, routingKeys: routes.map((r) => r.routingKey) }
    let results
    try {
      results = await Promise.all(routes.map((route) => writer!.write(outgoing, route)))
    } catch (err) {
      // Refused (nack) or the target went away before confirming: it may or may not have arrived.
      const reason = toQsErrorShape(err).message
      inDoubt++
      fail(message, label, `not confirmed by the target, so it may or may not have arrived there: ${reason}`)
      reader.release([message])
      stop(`the target failed: ${reason}`)
      return
    }
    const bounced = results.find((r) => !r.routed)
    if (bounced && !bounced.routed) {
      fail(message, label, `unroutable at the target (${bounced.reason}): no queue is bound for routing key ${label.routingKeys.join(', ') || '(empty)'}`)
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
  }

  try {
    while (report.scanned < total && stopError === null && (wanted === null || wanted.size > 0)) {
      if (io.signal?.aborted) {
        report.cancelled = true
        break
      }
      const room = window - inFlight.size
      if (room <= 0) {
        await Promise.race(inFlight)
        continue
      }
      let batch: ReadMessage[]
      try {
        batch = await reader.read(Math.min(room, total - report.scanned))
      } catch (err) {
        stop(`reading ${plan.source} failed: ${toQsErrorShape(err).message}`)
        break
      }
      if (batch.length === 0) break // fewer than counted at the start (a consumer took some)
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
        let routes: Route[]
        if (plan.route.kind === 'origin') {
          const origin = originOf(message)
          if (!origin) {
            fail(message, { exchange: null, routingKeys: [] }, 'no x-death header: the message was not dead-lettered, so it has no origin to go back to')
            reader.release([message])
            continue
          }
          routes = origin.routingKeys.map((routingKey) => ({ exchange: origin.exchange, routingKey }))
        } else {
          routes = [{ exchange: plan.route.exchange, routingKey: plan.route.routingKey ?? message.routingKey }]
        }
        if (plan.dryRun) {
          report.published++
          if (report.preview.length < MAX_PREVIEW) {
            report.preview.push({ id: messageLabel(message), exchange: routes[0]!.exchange, routingKeys: routes.map((r) => r.routingKey), size: message.body.length })
          }
          reader.release([message])
          continue
        }
        await pace()
        const running: Promise<void> = replayOne(message, routes).finally(() => inFlight.delete(running))
        inFlight.add(running)
        if (io.signal?.aborted) break
      }
      progress()
    }
    if (io.signal?.aborted && report.scanned < total) report.cancelled = true
  } finally {
    await Promise.allSettled([...inFlight])
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
