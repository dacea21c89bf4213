import type { PeekedMessage, PeekRequest, PeekResult } from '../../../shared/messages'
import type { SourceSample } from '../../../shared/metrics'
import type { SourceItem, StreamSource } from '../../../shared/model'
import type { DiscoveryProgress } from '../../../shared/discovery'
import type { PendingEntry } from '../../../shared/streams'
import type { ReplayReport } from '../../../shared/replay'
import { formatDuration, type TrendReport } from '../../../shared/trend'
import type { AppState } from './app.store'
import { trendOf } from './metrics.selectors'
import type { EntrySelection, PendingView, StreamEntryView } from './redis.slice'
import type { BrowseEntry } from './messages.slice'
import { formatValue, messageTime, renderBody } from './messages.selectors'

// ---------------------------------------------------------------------------------------------
// Paging a Redis stream (by entry id) or list (by offset from one end)

/** What a page of a Redis stream or list was asked with; the Messages tab keeps a stack of them for Previous. */
export type RedisPage =
  /** after: exclusive (the previous page's last id); at: inclusive (a jump to an id or a time). */
  { kind: 'stream'; direction: 'forward' | 'backward'; after?: string; at?: string } | { kind: 'list'; from: 'head' | 'tail'; offset: number }

/** The first page of a stream (newest first, as RedisInsight opens one) or a list (from the head). */
export function firstPage(kind: 'stream' | 'list'): RedisPage {
  return kind === 'stream' ? { kind, direction: 'backward' } : { kind, from: 'head', offset: 0 }
}

/**
 * The page as `messages:peek` fields. A stream page comes in summary form (what the list shows);
 * the entry the user opens is read whole with `streams:entry` (openStreamEntry).
 */
export function peekFieldsOf(page: RedisPage): Pick<PeekRequest, 'range' | 'listFrom' | 'offset' | 'form'> {
  if (page.kind === 'list') return { listFrom: page.from, offset: page.offset }
  return {
    range: { direction: page.direction, ...(page.after === undefined ? {} : { after: page.after }), ...(page.at === undefined ? {} : { at: page.at }) },
    form: 'summary',
  }
}

/** One row of the Messages tab of a stream or list. */
export interface EntryRow {
  id: string
  /** Stream entries: when it was written (epoch ms); null for a list item or an id that is no time. */
  time: number | null
  /** The start of its fields (stream) or its value (list). */
  preview: string
  /** Bytes: every field, names and values (stream), or the value (list). */
  size: number
  /** The preview cell's tooltip: the entry's field names. */
  fieldsTitle?: string
}

const PREVIEW_CHARS = 120
const utf8 = new TextEncoder()

/**
 * The rows of a page: from its summaries (a stream page in summary form), or from its full
 * messages (a list; a stream page in full form), which then read as the summaries do.
 */
export function entryRowsOf(result: PeekResult | null, isStream: boolean): EntryRow[] | null {
  if (result === null) return null
  if (result.entries !== undefined) {
    return result.entries.map((entry) => ({
      id: entry.id,
      time: entry.time,
      preview: entry.preview,
      size: entry.size,
      fieldsTitle: fieldsTitle(entry.fields, entry.fieldCount),
    }))
  }
  return result.messages.map((message) =>
    isStream
      ? { id: message.id, time: messageTime(message), preview: fieldsPreview(message), size: entrySize(message) }
      : { id: message.id, time: null, preview: fieldsPreview(message), size: message.size },
  )
}

/** "Fields: body, status, order", and how many more there are than the summary names. */
export function fieldsTitle(fields: readonly string[], fieldCount: number): string {
  if (fieldCount === 0) return 'No fields'
  const more = fieldCount - fields.length
  return `${fieldCount === 1 ? 'Field' : `${fieldCount.toLocaleString()} fields`}: ${fields.join(', ')}${more > 0 ? ` and ${more.toLocaleString()} more` : ''}`
}

/** A fully decoded entry's size: its body and every other field, names and values, in bytes. */
function entrySize(message: PeekedMessage): number {
  let size = message.size
  for (const [name, value] of Object.entries(message.headers)) size += utf8.encode(name).length + utf8.encode(formatValue(value)).length
  return size
}

/** A fully decoded entry's first field values, for the row: "{"id":1}  status=new". */
function fieldsPreview(message: PeekedMessage): string {
  const parts: string[] = []
  if (message.size > 0) parts.push(renderBody(message, 'raw').slice(0, PREVIEW_CHARS))
  for (const [name, value] of Object.entries(message.headers)) {
    if (parts.join('  ').length > PREVIEW_CHARS) break
    parts.push(`${name}=${formatValue(value)}`)
  }
  return parts.join('  ')
}

/**
 * The entry open in the detail pane of a stream page in summary form: read whole by id, so it is
 * loading, loaded or failed. Null when none is open, or when the page holds full messages (a list).
 */
export function openEntryOf(browse: BrowseEntry | null): StreamEntryView | null {
  if (browse === null || browse.selectedMessageId === null || browse.result?.entries === undefined) return null
  const entry = browse.entry
  if (entry !== undefined && entry.id === browse.selectedMessageId) return entry
  return { id: browse.selectedMessageId, loading: true, message: null, warnings: [], error: null }
}

/** The page after `page`, from the result's `next` (a stream id or a list offset); null at the end. */
export function nextPageOf(page: RedisPage, next: string | null | undefined): RedisPage | null {
  if (next === null || next === undefined) return null
  if (page.kind === 'list') {
    const offset = Number(next)
    return Number.isInteger(offset) && offset >= 0 ? { ...page, offset } : null
  }
  return { kind: 'stream', direction: page.direction, after: next }
}

/**
 * "Jump to id or time": an entry id (`1700000000000-3`), its millisecond part alone, or a date and
 * time (`2026-11-26 10:00`, local). Returns the `at` the contract takes, or why it cannot.
 */
export function parseJump(text: string): { at: string } | { error: string } {
  const value = text.trim()
  if (/^\d+(-\d+)?$/.test(value)) return { at: value }
  const ms = Date.parse(value)
  if (value !== '' && Number.isFinite(ms) && ms >= 0) return { at: String(ms) }
  return { error: `"${value}" is neither an entry id (1700000000000-0) nor a date and time (2026-11-26 10:00)` }
}

/** The line above the page: where it starts and which way it runs. */
export function describePage(page: RedisPage): string {
  if (page.kind === 'list') {
    const end = page.from === 'head' ? 'head (left, index 0)' : 'tail (right, index -1)'
    return page.offset === 0 ? `From the ${end}` : `From the ${end}, ${page.offset.toLocaleString()} in`
  }
  const order = page.direction === 'backward' ? 'Newest first' : 'Oldest first'
  if (page.at !== undefined) return `${order}, from ${page.at}`
  if (page.after !== undefined) return `${order}, after ${page.after}`
  return order
}

/** The ids on the page that are ticked (the selection may hold ids of a page no longer shown). */
export function selectedEntriesOn(selection: EntrySelection | null, connectionId: string, source: string, ids: readonly string[]): string[] {
  if (selection === null || selection.connectionId !== connectionId || selection.source !== source) return []
  const picked = new Set(selection.ids)
  return ids.filter((id) => picked.has(id))
}

// ---------------------------------------------------------------------------------------------
// Consumer-group lag

/** Why Redis reports no lag (docs/broker-facts.md "Redis"); the overview says it in a tooltip, never as 0. */
export const LAG_UNKNOWN_REASON =
  'Redis cannot know this lag: the group was created or moved with SETID to an arbitrary id, or entries in its window were deleted or trimmed'

/** The overview's tooltip on a stream's "Groups / lag" cell: each group's lag, unknown ones with the reason. */
export function groupsLagTitle(stream: StreamSource): string | undefined {
  if (stream.groups.length === 0) return undefined
  const lines = stream.groups.map((g) => `${g.name}: lag ${g.lag === null ? 'unknown' : g.lag.toLocaleString()}, ${g.pending.toLocaleString()} pending`)
  if (stream.groups.some((g) => g.lag === null)) lines.push('', LAG_UNKNOWN_REASON)
  return lines.join('\n')
}

/**
 * A group's trend, read like a queue's (trendOf): its lag is the backlog, the stream's entries added
 * per second come in, the group's entries read per second (the sampler's deliverRate) go out.
 */
export function lagTrendOf(samples: readonly SourceSample[]): TrendReport {
  return trendOf(samples.map((s) => ({ ...s, ready: s.lag ?? null })))
}

function entriesPerSecond(rate: number): string {
  const abs = Math.abs(rate)
  return `${abs.toLocaleString(undefined, { maximumFractionDigits: abs >= 100 ? 0 : 1, minimumFractionDigits: abs >= 100 ? 0 : 1 })} entries/s`
}

/** The Chart tab's line per group, in the RabbitMQ chart's words: "billing: draining at 12.0 entries/s — caught up in about 3 min". */
export function lagSentence(group: string, report: TrendReport, latestLag: number | null | undefined): string {
  if (latestLag === null) return `${group}: lag unknown (${LAG_UNKNOWN_REASON.charAt(0).toLowerCase()}${LAG_UNKNOWN_REASON.slice(1)})`
  switch (report.trend) {
    case 'draining':
      return `${group}: draining at ${entriesPerSecond(report.netRate!)}${report.drainSeconds === null ? '' : ` — caught up in about ${formatDuration(report.drainSeconds)}`}`
    case 'growing':
      return `${group}: growing at ${entriesPerSecond(report.netRate!)} — falling behind`
    case 'steady':
      return latestLag === 0 ? `${group}: caught up` : `${group}: steady, ${latestLag!.toLocaleString()} behind`
    case 'unknown':
      return `${group}: not enough data yet`
  }
}

/** "3 min 20 s", "< 1 s"; "—" when Redis does not say. */
export function formatIdle(ms: number | null): string {
  return ms === null ? '—' : formatDuration(ms / 1000)
}

// ---------------------------------------------------------------------------------------------
// Discovery

/** "Scanned 12,000 of 1,000,000 keys · 37 found · node 1 of 3". */
export function discoveryText(progress: DiscoveryProgress): string {
  const scanned =
    progress.total === null
      ? `Scanned ${progress.scanned.toLocaleString()} keys`
      : `Scanned ${Math.min(progress.scanned, progress.total).toLocaleString()} of ${progress.total.toLocaleString()} keys`
  const nodes = progress.nodes > 1 ? ` · node ${Math.min(progress.nodesDone + 1, progress.nodes)} of ${progress.nodes}` : ''
  return `${scanned} · ${progress.found.toLocaleString()} found${nodes}`
}

/** 0..1 for the progress bar; null when the total is unknown (SCAN may return a key twice, so it is capped). */
export function discoveryShare(progress: DiscoveryProgress): number | null {
  if (progress.total === null || progress.total === 0) return null
  return Math.min(1, progress.scanned / progress.total)
}

// ---------------------------------------------------------------------------------------------
// Pending entries

export const selectPending = (state: AppState): PendingView | null => state.pending
export const selectEntrySelection = (state: AppState): EntrySelection | null => state.entrySelection
export const selectRedisBusy = (state: AppState): boolean => state.redisBusy

/** The pending view of this stream, or null when the store holds another's. */
export const selectPendingFor =
  (connectionId: string, source: string) =>
  (state: AppState): PendingView | null => {
    const view = state.pending
    return view !== null && view.connectionId === connectionId && view.source === source ? view : null
  }

/** A page of pending entries is full when it holds as many as asked: there may be more after its last id. */
export function hasMorePending(entries: readonly PendingEntry[], pageSize: number): boolean {
  return entries.length >= pageSize
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`

/** "Claimed 3 entries to worker-2 · 1 deleted from the stream (dropped from the PEL) · 2 skipped". */
export function describeClaim(consumer: string, result: { claimed: string[]; deleted: string[]; skipped: string[] }): string {
  const parts = [`Claimed ${plural(result.claimed.length, 'entry', 'entries')} to ${consumer}`]
  if (result.deleted.length > 0) parts.push(`${result.deleted.length.toLocaleString()} no longer in the stream (Redis dropped them from the pending list)`)
  if (result.skipped.length > 0) parts.push(`${result.skipped.length.toLocaleString()} skipped (not pending in this group, or not idle long enough)`)
  return parts.join(' · ')
}

export function describeAck(asked: number, acknowledged: number): string {
  const text = `Acknowledged ${plural(acknowledged, 'entry', 'entries')}`
  return acknowledged < asked ? `${text}; ${(asked - acknowledged).toLocaleString()} were no longer pending` : text
}

/** "Re-added 3 of 3 entries and acknowledged them · 1 failed (stays pending): <why>". */
export function describeReadd(report: Pick<ReplayReport, 'total' | 'published' | 'acknowledged' | 'failed' | 'error' | 'failures'>): string {
  const parts = [
    `Re-added ${report.published.toLocaleString()} of ${plural(report.total, 'entry', 'entries')}, ${report.acknowledged.toLocaleString()} acknowledged`,
  ]
  if (report.failed > 0)
    parts.push(`${report.failed.toLocaleString()} failed and stay pending${report.failures[0]?.reason ? `: ${report.failures[0].reason}` : ''}`)
  if (report.error) parts.push(report.error)
  return parts.join(' · ')
}

// ---------------------------------------------------------------------------------------------
// Writes

/** The trim dialog's sentence: how many entries go, that groups stay. */
export function trimSummary(length: number, keep: number): string {
  const removed = Math.max(0, length - keep)
  if (removed === 0) return `The stream holds ${plural(length, 'entry', 'entries')}: keeping ${keep.toLocaleString()} removes none.`
  return `Removes the oldest ${plural(removed, 'entry', 'entries')} of ${length.toLocaleString()}, keeping the newest ${keep.toLocaleString()}. The key, its consumer groups and their pending lists stay (a pending entry that is trimmed away is reported as deleted when claimed).`
}

/** Parses the "keep" field of the trim dialog: a whole number, 0 empties the stream. */
export function parseKeep(text: string): number | null {
  const value = text.trim().replace(/[,_\s]/g, '')
  return /^\d+$/.test(value) ? Number(value) : null
}

/** Redis writes the Details panel offers for a source; none for read-only profiles (the core refuses them too). */
export function redisWritesFor(item: SourceItem): ('trim' | 'purge' | 'delete')[] {
  if (item.kind === 'stream') return ['trim', 'purge', 'delete']
  if (item.kind === 'list') return ['purge', 'delete']
  return []
}
