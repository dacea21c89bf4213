import { QsError, toQsErrorShape } from '../../../shared/errors'
import type { ReplayReport } from '../../../shared/replay'
import type { BatchReader, ReadMessage, ReplayMessage, Route, TargetWriter, WriteResult } from '../../brokers/replay'
import type { ReplayIo, ReplayPlan } from './replay.engine'
import { compileFilters, type MessagePredicate } from './replay.filter'
import { fixedRoute, messageLabel, routeLabel, stampReplay, type RouteLabel } from './replay.message'
import { InFlightWindow } from './replay.window'

const MAX_FAILURES = 100
const MAX_PREVIEW = 1000
/** Progress at most this often; a timer also sends it this often while the run waits (a slow, rate-limited batch). */
export const PROGRESS_EVERY_MS = 250
/** Replayed ids go to the journal in batches of this many. */
const JOURNAL_BATCH = 1000

/**
 * One replay, in named steps. `run()` reads until done (`readAll()`): it waits for room in the
 * window, `readWindow()`, then `take()`s each message (`selected()`, `route()`, or `preview()` in a
 * dry run) and `publish()`es it; `publish()` writes it with confirms and hands the target's answer
 * to `settle()`, which acknowledges (move) or releases (copy) it at the source, never before the
 * confirm. `progress()` reports on the way, `finish()` builds the report. All state lives on this
 * object; the hot path (one `publish()` per message in flight) allocates no closure of its own.
 */
export class ReplayRun {
  private readonly now: () => number
  private readonly startedAt: number
  private readonly reader: BatchReader
  /** Null for a dry run (nothing is published). */
  private readonly writer: TargetWriter | null
  private readonly filter: MessagePredicate
  /** A selection's ids not found yet; null when every message the filters match goes. */
  private readonly wanted: Set<string> | null
  private readonly selectedCount: number
  /** How many messages to look at, at most: fixed at the start, so a source that keeps filling ends. */
  private readonly scanLimit: number
  /** What progress and the report count to: the scan limit, or the selected messages. */
  private readonly total: number
  private readonly window: InFlightWindow
  /** A fixed route with its own routing key is the same for every message: built once. */
  private readonly fixedRoutes: readonly Route[] | null
  private readonly report: ReplayReport
  private stopError: string | null = null
  /** Published but never confirmed (the target refused or went away): they may have arrived. */
  private inDoubt = 0
  /** Ids settled at the target, for the journal (onReplayed), not yet handed over. */
  private replayedIds: string[] = []
  private lastProgress = 0
  /** Messages paced so far (plan.rate). */
  private paced = 0

  /** Checks the plan against the reader and writer; throws before anything is read. */
  constructor(
    private readonly plan: ReplayPlan,
    private readonly io: ReplayIo,
    sizes: { window: number; windowBytes: number },
  ) {
    this.now = io.now ?? Date.now
    this.startedAt = this.now()
    this.filter = compileFilters(plan.filters)
    this.wanted = plan.messageIds ? new Set(plan.messageIds) : null
    this.selectedCount = this.wanted?.size ?? 0
    this.reader = io.reader
    this.writer = io.writer
    if (!plan.dryRun && !this.writer) throw new QsError('BAD_REQUEST', 'a replay that is not a dry run needs a target writer')
    if (plan.mode === 'move' && !this.reader.removable && !plan.dryRun) {
      throw new QsError('UNSUPPORTED', `${plan.source} cannot give messages up (a RabbitMQ stream keeps them): copy instead of move`)
    }
    const scanLimit = plan.limit ?? this.reader.available
    if (scanLimit === null || scanLimit === undefined) {
      throw new QsError('BAD_REQUEST', `cannot tell how many messages ${plan.source} holds (no management API?): give a limit`)
    }
    this.scanLimit = scanLimit
    // A selection's progress and report count the selected messages, not the whole source.
    this.total = this.wanted ? Math.min(this.selectedCount, scanLimit) : scanLimit
    this.window = new InFlightWindow(sizes.window, sizes.windowBytes, this.reader)
    const route = plan.route
    this.fixedRoutes = route.kind === 'fixed' && route.routingKey !== null ? [fixedRoute(route.exchange, route.routingKey, route.target)] : null
    this.report = startReport(plan, this.total, this.startedAt)
  }

  /** Runs to the end (the count, a stop, a cancel or an empty source), settles everything and reports. */
  async run(): Promise<ReplayReport> {
    this.reader.onBuffered?.(this.window.recheck)
    const ticker = this.io.onProgress ? setInterval(() => this.progress(), PROGRESS_EVERY_MS) : null
    ticker?.unref()
    try {
      await this.readAll()
    } finally {
      await this.window.waitDrained()
      if (ticker) clearInterval(ticker)
      this.flushIds()
      if (this.writer) await this.writer.close().catch(() => undefined)
      await this.reader.close().catch(() => undefined)
    }
    return this.finish()
  }

  /**
   * The read loop, a window at a time, until the count fixed at the start, a stop, a cancel or an
   * empty source. Reads are awaited and batches taken here, not in async steps of their own: those
   * would add a microtask turn between a read and its messages going out, and change the order.
   */
  private async readAll(): Promise<void> {
    while (this.reading()) {
      const left = this.scanLimit - this.report.scanned
      const room = this.window.waitToRead(left)
      if (room) {
        await room
        continue
      }
      let batch: ReadMessage[]
      try {
        batch = await this.readWindow(left)
      } catch (err) {
        this.stop(`reading ${this.plan.source} failed: ${toQsErrorShape(err).message}`)
        break
      }
      if (!this.received(batch)) break
      for (let index = 0; index < batch.length; index++) {
        const message = batch[index]!
        if (!this.stillWanted()) {
          this.reader.release(batch.slice(index)) // every selected message was found: the rest stays untouched
          break
        }
        const routes = this.take(message)
        if (routes === null) continue
        if (this.plan.rate) await this.pace()
        const size = message.body.length
        const fits = this.window.waitToPublish(size)
        if (fits) await fits
        this.window.add(size)
        void this.publish(message, routes)
        if (this.io.signal?.aborted) break
      }
      this.progress()
    }
    if (this.io.signal?.aborted && this.report.scanned < this.scanLimit && this.stillWanted()) this.report.cancelled = true
  }

  /** True while there is more to look at; a cancel ends it. */
  private reading(): boolean {
    if (this.report.scanned >= this.scanLimit || this.stopError !== null || !this.stillWanted()) return false
    if (this.io.signal?.aborted) {
      this.report.cancelled = true
      return false
    }
    return true
  }

  /** True until a selection's messages were all found (always true without one). */
  private stillWanted(): boolean {
    return this.wanted === null || this.wanted.size > 0
  }

  /** Reads as many messages as there is room for in the window and are `left` to look at. */
  private readWindow(left: number): Promise<ReadMessage[]> {
    return this.reader.read(Math.min(this.window.room(), left))
  }

  /**
   * True when the batch goes on; false when the run ends here: the source has no more, or the run
   * was cancelled while the read waited (then the batch goes back untouched).
   */
  private received(batch: readonly ReadMessage[]): boolean {
    if (batch.length === 0) return false // fewer than counted at the start (a consumer took some)
    if (this.io.signal?.aborted) {
      this.reader.release(batch)
      this.report.cancelled = true
      return false
    }
    this.window.seen(batch)
    return true
  }

  /**
   * Looks at one message: the routes to publish it to, or null when it is dealt with here
   * (skipped by the selection or the filters, without a route, or shown by a dry run).
   */
  private take(message: ReadMessage): readonly Route[] | null {
    this.report.scanned++
    if (!this.selected(message)) {
      this.skip(message)
      return null
    }
    const routes = this.route(message)
    if (routes !== null && this.plan.dryRun) {
      this.preview(message, routes)
      return null
    }
    return routes
  }

  /** True when the filters match and, in a selection, the message is one still wanted. */
  private selected(message: ReadMessage): boolean {
    if (this.wanted) {
      const id = this.reader.selectBy === 'sourceId' ? message.id : message.properties.messageId
      // Found once: a duplicate id later on is not the selected message.
      if (id === undefined || !this.wanted.delete(id)) return false
    }
    return this.filter(message)
  }

  /** A message the selection or the filters leave: counted and given back untouched. */
  private skip(message: ReadMessage): void {
    this.report.skipped++
    this.reader.release([message])
  }

  /** Where the message goes: the fixed route, or its own origin; null when it has none (a failure, given back). */
  private route(message: ReadMessage): readonly Route[] | null {
    const route = this.plan.route
    if (route.kind === 'fixed') return this.fixedRoutes ?? [fixedRoute(route.exchange, message.routingKey, route.target)]
    const origin = route.routing.originRoutes(message)
    if ('routes' in origin) return origin.routes
    this.fail(message, { exchange: null, routingKeys: [] }, origin.reason)
    this.reader.release([message])
    return null
  }

  /** A dry run's message: counted as published and shown in the preview, then given back. */
  private preview(message: ReadMessage, routes: readonly Route[]): void {
    this.report.published++
    if (this.report.preview.length < MAX_PREVIEW) {
      this.report.preview.push({ id: messageLabel(message), ...routeLabel(routes), size: message.body.length })
    }
    this.reader.release([message])
  }

  /** With plan.rate: message n may start no earlier than the start + n / rate. */
  private async pace(): Promise<void> {
    if (!this.plan.rate) return
    const due = this.startedAt + (this.paced++ / this.plan.rate) * 1000
    const wait = due - this.now()
    if (wait > 0) await sleep(wait, this.io.signal)
  }

  /**
   * Writes one message with confirms and settles it at the source; never rejects, and frees its
   * room in the window when done. One async function per message in flight, not two: a window of
   * them is held at once.
   */
  private async publish(message: ReadMessage, routes: readonly Route[]): Promise<void> {
    try {
      const outgoing = stampReplay(message, this.plan.source)
      let results: WriteResult[]
      try {
        // One route is the common case: no Promise.all (and no array of promises) per message.
        results = routes.length === 1 ? [await this.writer!.write(outgoing, routes[0]!)] : await writeAll(this.writer!, outgoing, routes)
      } catch (err) {
        this.settleUnconfirmed(message, routes, err)
        return
      }
      this.settle(message, routes, results)
    } catch (err) {
      this.stop(toQsErrorShape(err).message)
    } finally {
      this.window.settled(message.body.length)
    }
  }

  /**
   * After the target's confirm: a message it could not route goes back; one it took is acknowledged
   * (a move, which removes it from the source) or given back (a copy).
   */
  private settle(message: ReadMessage, routes: readonly Route[], results: readonly WriteResult[]): void {
    const bounced = firstUnrouted(results)
    if (bounced) {
      const label = routeLabel(routes)
      const why = label.target !== undefined ? `${label.target} took nothing` : `no queue is bound for routing key ${label.routingKeys.join(', ') || '(empty)'}`
      this.fail(message, label, `unroutable at the target (${bounced.reason}): ${why}`)
      this.reader.release([message])
      return
    }
    this.report.published++
    this.replayedIds.push(messageLabel(message))
    if (this.replayedIds.length >= JOURNAL_BATCH) this.flushIds()
    if (this.plan.mode === 'copy') {
      this.reader.release([message])
      return
    }
    try {
      this.reader.ack([message])
      this.report.acknowledged++
    } catch (err) {
      // The target has it and the source gave it back when it went away: it is now in both
      // (counted in finish() with every other message that may be).
      this.stop(`the source went away after the target confirmed a message: ${toQsErrorShape(err).message}`)
    }
  }

  /** Refused (nack) or the target went away before confirming: the message may or may not have arrived; the run stops. */
  private settleUnconfirmed(message: ReadMessage, routes: readonly Route[], err: unknown): void {
    const reason = toQsErrorShape(err).message
    this.inDoubt++
    this.fail(message, routeLabel(routes), `not confirmed by the target, so it may or may not have arrived there: ${reason}`)
    this.reader.release([message])
    this.stop(`the target failed: ${reason}`)
  }

  private fail(message: ReadMessage, route: RouteLabel, reason: string): void {
    this.report.failed++
    if (this.report.failures.length < MAX_FAILURES) {
      this.report.failures.push({ id: messageLabel(message), ...route, size: message.body.length, reason })
    }
  }

  /** The run reads no more (messages in flight still settle); the first reason is the report's error. */
  private stop(reason: string): void {
    this.stopError ??= reason
  }

  private flushIds(): void {
    if (this.replayedIds.length > 0) this.io.onReplayed?.(this.replayedIds)
    this.replayedIds = []
  }

  /** Sends progress, at most every PROGRESS_EVERY_MS unless forced. */
  private progress(force = false): void {
    const at = this.now()
    if (!this.io.onProgress || (!force && at - this.lastProgress < PROGRESS_EVERY_MS)) return
    this.lastProgress = at
    const seconds = Math.max(0.001, (at - this.startedAt) / 1000)
    const scanned = this.wanted ? this.selectedCount - this.wanted.size : this.report.scanned
    const rate = scanned / seconds
    this.io.onProgress({
      id: this.plan.id,
      scanned,
      total: this.total,
      published: this.report.published,
      failed: this.report.failed,
      skipped: this.report.skipped,
      rate,
      etaMs: rate > 0 ? (Math.max(0, this.total - scanned) / rate) * 1000 : null,
    })
  }

  /** The report once everything settled: what is left, what may be in both places, why it stopped. */
  private finish(): ReplayReport {
    const report = this.report
    report.left = this.total - report.acknowledged
    // At-least-once: what may now be in both places. Unconfirmed publishes may have arrived; and
    // when the source broke, acks sent in the last window may not have reached it.
    report.duplicates = this.inDoubt + (this.reader.lost ? Math.min(report.acknowledged, this.window.messages) : 0)
    if (this.reader.lost && !this.stopError) this.stopError = `the connection to ${this.plan.source} broke; the last acknowledgements may not have reached it`
    if (this.stopError) report.error = this.stopError
    report.finishedAt = this.now()
    this.progress(true)
    return report
  }
}

function startReport(plan: ReplayPlan, total: number, startedAt: number): ReplayReport {
  return {
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
}

function firstUnrouted(results: readonly WriteResult[]): { routed: false; reason: string } | undefined {
  for (const result of results) if (!result.routed) return result
  return undefined
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
