import type { PeekedMessage } from '../../../shared/messages'
import type { ConnectionStatus, ProfileView, SourceItem } from '../../../shared/model'
import {
  compileFilterRegex,
  describeFilter,
  MAX_REPLAY_RATE,
  MIN_REPLAY_RATE,
  type ReplayFilter,
  type ReplayItem,
  type ReplayProgress,
  type ReplayReport,
} from '../../../shared/replay'
import type { RefKind } from '../../../shared/source-ref'
import type { BrokerDescription, SourceCapabilities } from '../../../shared/capabilities'
import { formatCount } from '../format'
import type { AppState } from './app.store'
import type { ReplayJournalListing, ReplayJournalState, ReplayRun, ReplaySelection, ReplayStartRequest } from './replay.slice'

export const selectReplayPreview = (state: AppState): ReplayRun | null => state.replayPreview
export const selectReplayRun = (state: AppState): ReplayRun | null => state.replayRun
export const selectReplaySelection = (state: AppState): ReplaySelection | null => state.replaySelection
export const selectReplayJournal = (state: AppState): ReplayJournalState => state.replayJournal

/** Started and not yet ended (no report, no failure). */
export function isReplayRunning(run: ReplayRun | null): boolean {
  return run !== null && run.report === null && run.error === null
}

export interface TargetConnection {
  id: string
  name: string
  broker: ProfileView['broker']
  readOnly: boolean
}

/** Every open connection a replay can publish into, of either broker, the source's own first. */
export function replayTargetConnections(profiles: ProfileView[], statuses: Record<string, ConnectionStatus>, currentId: string): TargetConnection[] {
  const open = profiles.filter((p) => statuses[p.id]?.state === 'open')
  const current = open.filter((p) => p.id === currentId)
  const others = open.filter((p) => p.id !== currentId).sort((a, b) => a.name.localeCompare(b.name))
  return [...current, ...others].map((p) => ({ id: p.id, name: p.name, broker: p.broker, readOnly: p.readOnly }))
}

/** Names for the target's datalist: that connection's sources of this kind, when its listing is loaded. */
export function targetNameSuggestions(items: SourceItem[], kind: SourceItem['kind']): string[] {
  return items.filter((item) => item.kind === kind && item.name !== '').map((item) => item.name)
}

export type ReplayTargetKind = 'origin' | RefKind

/**
 * The target kinds a connection takes, as its description lists them. Back to origin needs a
 * connection that can route it and messages that can say where they came from (`hasOrigin`: a
 * list item carries a body alone, so not from a list).
 */
export function replayTargetKinds(target: BrokerDescription | null, source: SourceCapabilities): ReplayTargetKind[] {
  if (target === null) return []
  return [...(source.hasOrigin && target.origin !== null ? (['origin'] as const) : []), ...target.replayTargets.map((t) => t.kind)]
}

/** The kind kept when the target connection changes: the same one if that connection takes it, else its first. */
export function fitTargetKind(kind: ReplayTargetKind, target: BrokerDescription | null, source: SourceCapabilities): ReplayTargetKind {
  const kinds = replayTargetKinds(target, source)
  return kinds.includes(kind) ? kind : (kinds[0] ?? kind)
}

/** The target button's name and the line under the buttons, as the target connection describes them. */
export function targetKindText(kind: ReplayTargetKind, target: BrokerDescription | null): { label: string; hint: string } {
  const described = kind === 'origin' ? target?.origin : target?.replayTargets.find((t) => t.kind === kind)
  return described ?? { label: kind, hint: '' }
}

/** What the source is called in words ("queue", "stream", "list"), for the typed confirmation. */
export function sourceNoun(source: string): 'queue' | 'stream' | 'list' {
  const kind = source.slice(0, source.indexOf(':'))
  return kind === 'stream' || kind === 'list' ? kind : 'queue'
}

/** "20 ready" (queue), "1,200 entries" (stream), "5 items" (list), or null when the listing does not say. */
export function sourceCountText(item: SourceItem | undefined): string | null {
  if (item === undefined) return null
  if (item.kind === 'queue') return item.ready === null ? null : `${formatCount(item.ready)} ready`
  if (item.kind === 'stream') return `${formatCount(item.messages)} ${item.messages === 1 ? 'entry' : 'entries'}`
  if (item.kind === 'list') return `${formatCount(item.messages)} ${item.messages === 1 ? 'item' : 'items'}`
  return null
}

/** What the replay form holds, as typed: numbers stay text until `buildReplayRequest` reads them. */
export interface ReplayDraft {
  targetKind: ReplayTargetKind
  targetConnectionId: string
  targetName: string
  routingKey: string
  mode: 'move' | 'copy'
  limit: string
  rate: string
  filters: ReplayFilter[]
  /** The user accepted that reading a quorum queue with a delivery limit spends attempts (asked for only after the core refused). */
  acceptDeliveryLimitRisk: boolean
}

/** Back to origin on the source's own connection, or (a source without one, such as a list) its first target kind there. */
export function initialReplayDraft(connectionId: string, own: BrokerDescription | null, source: SourceCapabilities): ReplayDraft {
  return {
    targetKind: replayTargetKinds(own, source)[0] ?? 'origin',
    targetConnectionId: connectionId,
    targetName: '',
    routingKey: '',
    mode: 'move',
    limit: '',
    rate: '',
    filters: [],
    acceptDeliveryLimitRisk: false,
  }
}

export const NEW_FILTER: ReplayFilter = { field: 'header', name: '', op: 'equals', value: '' }

/** What is wrong with one filter row, in words, or null. */
export function filterProblem(filter: ReplayFilter): string | null {
  if ((filter.field === 'header' || filter.field === 'property') && filter.name.trim() === '') return `name the ${filter.field}`
  if (filter.op === 'regex') {
    try {
      compileFilterRegex(filter)
    } catch (err) {
      return (err as Error).message
    }
  }
  return null
}

/** The filter in words for the row's caption ("header tenant = acme"); trims what the user typed. */
export function describeDraftFilter(filter: ReplayFilter): string {
  return describeFilter({ ...filter, name: filter.field === 'xDeathReason' ? '' : filter.name.trim() })
}

export interface ReplayContext {
  connectionId: string
  /** `queue:NAME`, `stream:KEY` or `list:KEY`. */
  source: string
  messageIds: string[] | null
}

/** The form as a `replay:start` request, or what is wrong with it in words. */
export function buildReplayRequest(
  draft: ReplayDraft,
  context: ReplayContext,
  options: { dryRun: boolean; confirm?: string },
): { request: ReplayStartRequest } | { problem: string } {
  let limit: number | undefined
  if (draft.limit.trim() !== '') {
    const n = Number(draft.limit.trim())
    if (!Number.isInteger(n) || n <= 0) return { problem: 'Limit: a whole number above 0, or empty for all that are there now' }
    limit = n
  }
  let rate: number | undefined
  if (draft.rate.trim() !== '') {
    const n = Number(draft.rate.trim())
    if (!Number.isFinite(n) || n < MIN_REPLAY_RATE || n > MAX_REPLAY_RATE)
      return { problem: `Rate: messages per second above 0 (at most ${formatCount(MAX_REPLAY_RATE)}), or empty for as fast as the target confirms` }
    rate = n
  }
  for (const [index, filter] of draft.filters.entries()) {
    const problem = filterProblem(filter)
    if (problem !== null) return { problem: `Filter ${index + 1}: ${problem}` }
  }
  let to: ReplayStartRequest['to']
  if (draft.targetKind === 'origin') {
    to = { toOrigin: true, connectionId: draft.targetConnectionId }
  } else {
    const name = draft.targetName.trim()
    // The default exchange has the empty name; every other target needs one.
    if (draft.targetKind !== 'exchange' && name === '') return { problem: `Name the target ${draft.targetKind}` }
    if (draft.targetConnectionId === context.connectionId && `${draft.targetKind}:${name}` === context.source) {
      return { problem: `The target is the source ${draft.targetKind} itself: pick another target, or back to origin` }
    }
    const routingKey = draft.routingKey.trim()
    to = {
      connectionId: draft.targetConnectionId,
      target: `${draft.targetKind}:${name}`,
      ...(draft.targetKind === 'exchange' && routingKey !== '' ? { routingKey } : {}),
    }
  }
  const filters = draft.filters.map((f) => ({ ...f, name: f.field === 'xDeathReason' ? '' : f.name.trim(), value: f.op === 'exists' ? '' : f.value }))
  const request: ReplayStartRequest = {
    connectionId: context.connectionId,
    source: context.source,
    to,
    mode: draft.mode,
    filters,
    dryRun: options.dryRun,
    ...(limit === undefined ? {} : { limit }),
    ...(rate === undefined ? {} : { rate }),
    ...(context.messageIds === null ? {} : { messageIds: context.messageIds }),
    ...(options.confirm === undefined ? {} : { confirm: options.confirm }),
    ...(draft.acceptDeliveryLimitRisk ? { acceptDeliveryLimitRisk: true } : {}),
  }
  return { request }
}

/**
 * "Move 20" (what a fresh preview found), "Move 3 selected", "Move up to 50" (the limit), "Move all"
 * (and Copy).
 */
export function replayActionLabel(mode: 'move' | 'copy', preview: ReplayReport | null, limit: string, selected: number | null): string {
  const verb = mode === 'move' ? 'Move' : 'Copy'
  if (preview !== null) return `${verb} ${formatCount(preview.published)}`
  if (selected !== null) return `${verb} ${formatCount(selected)} selected`
  const n = Number(limit.trim())
  if (limit.trim() !== '' && Number.isInteger(n) && n > 0) return `${verb} up to ${formatCount(n)}`
  return `${verb} all`
}

/** "exchange orders → order.created", "default exchange → orders" (the queue), "stream:orders" (Redis), "—" when it has no route. */
export function describeRoute(item: Pick<ReplayItem, 'exchange' | 'routingKeys' | 'target'>): string {
  if (item.target !== undefined) return item.target
  if (item.exchange === null) return '—'
  const exchange = item.exchange === '' ? 'default exchange' : item.exchange
  return item.routingKeys.length === 0 ? exchange : `${exchange} → ${item.routingKeys.join(', ')}`
}

/** "340 ms", "3 s", "2 min 5 s", "1 h 4 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`
  const h = Math.floor(m / 60)
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`
}

export interface ProgressView {
  /** 0..1, or null before the total is known. */
  fraction: number | null
  /** "12 of 20 scanned". */
  scanned: string
  /** "340 msg/s". */
  rate: string
  /** "about 3 s left", "" while unknown. */
  eta: string
}

export function describeProgress(progress: ReplayProgress | null): ProgressView {
  if (progress === null) return { fraction: null, scanned: 'Starting…', rate: '—', eta: '' }
  const fraction = progress.total > 0 ? Math.min(1, progress.scanned / progress.total) : null
  return {
    fraction,
    scanned: `${formatCount(progress.scanned)} of ${formatCount(progress.total)} scanned`,
    rate: `${formatCount(Math.round(progress.rate))} msg/s`,
    eta: progress.etaMs === null ? '' : `about ${formatDuration(progress.etaMs)} left`,
  }
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`

/**
 * "Moved 20 of 20 messages from queue:dlq to origin (each message’s x-death)." — the report's first
 * line, also its toast; "… to stream:orders on Local Redis." when the target is on another connection.
 */
export function describeReportHeadline(report: ReplayReport, targetConnectionName: string | null = null): string {
  const target = targetConnectionName === null ? report.target : `${report.target} on ${targetConnectionName}`
  if (report.dryRun)
    return `Would ${report.mode} ${formatCount(report.published)} of ${plural(report.total, 'message', 'messages')} from ${report.source} to ${target}.`
  const verb = report.mode === 'move' ? 'Moved' : 'Copied'
  return `${verb} ${formatCount(report.published)} of ${plural(report.total, 'message', 'messages')} from ${report.source} to ${target}${report.cancelled ? ' before it was cancelled' : ''}.`
}

/** The target connection's profile name when it is not the source's own connection, else null. */
export function otherTargetConnectionName(report: ReplayReport, sourceConnectionId: string, profiles: ProfileView[]): string | null {
  const id = report.targetConnection
  if (id === undefined || id === sourceConnectionId) return null
  return profiles.find((p) => p.id === id)?.name ?? id
}

export interface ReportLine {
  text: string
  /** Worth colour: something did not go, or may be duplicated. */
  trouble: boolean
}

/** The final report in words, one fact a line (the dialog's end screen). */
export function describeReport(report: ReplayReport, targetConnectionName: string | null = null): ReportLine[] {
  const lines: ReportLine[] = [{ text: describeReportHeadline(report, targetConnectionName), trouble: false }]
  if (report.error !== undefined) lines.push({ text: `Stopped early: ${report.error}`, trouble: true })
  if (report.cancelled) lines.push({ text: 'Cancelled: what was published is counted here; everything else stays in the source.', trouble: false })
  if (!report.dryRun && report.mode === 'move')
    lines.push({
      text: `${plural(report.acknowledged, 'message', 'messages')} removed from the source after the target confirmed ${report.acknowledged === 1 ? 'it' : 'them'}.`,
      trouble: report.acknowledged < report.published,
    })
  if (!report.dryRun && report.mode === 'copy')
    lines.push({ text: 'The source keeps every message (copies were published; the originals were put back).', trouble: false })
  if (report.failed > 0) lines.push({ text: `${plural(report.failed, 'message', 'messages')} failed and stayed in the source.`, trouble: true })
  if (report.skipped > 0)
    lines.push({
      text: `${plural(report.skipped, 'message', 'messages')} did not match the filters${report.dryRun ? '' : ' and stayed in the source'}.`,
      trouble: false,
    })
  if (!report.dryRun) lines.push({ text: `${formatCount(report.left)} of the ${formatCount(report.total)} left in the source.`, trouble: false })
  if (report.duplicates > 0) {
    lines.push({
      text: `Up to ${plural(report.duplicates, 'message', 'messages')} may now be in both the source and the target (a publish the target never confirmed, or acknowledgements lost): check before replaying again.`,
      trouble: true,
    })
  }
  lines.push({ text: `Took ${formatDuration(report.finishedAt - report.startedAt)}; ${formatCount(report.scanned)} scanned.`, trouble: false })
  return lines
}

/** The first failures grouped by reason, most common first: "unroutable (no origin in x-death) × 3". */
export function failureReasons(failures: ReplayItem[], max = 5): { reason: string; count: number; ids: string[] }[] {
  const byReason = new Map<string, string[]>()
  for (const failure of failures) {
    const reason = failure.reason ?? 'no reason given'
    byReason.set(reason, [...(byReason.get(reason) ?? []), failure.id])
  }
  return [...byReason.entries()]
    .map(([reason, ids]) => ({ reason, count: ids.length, ids }))
    .sort((a, b) => b.count - a.count)
    .slice(0, max)
}

/** A message can be picked for "Replay selected" only by its message-id property (the contract's `messageIds`). */
export function canSelectForReplay(message: PeekedMessage): boolean {
  return typeof message.properties.messageId === 'string' && message.properties.messageId !== ''
}

/** The selected message ids that are on the browsed page of this source (a new browse may drop some). */
export function selectedOnPage(selection: ReplaySelection | null, connectionId: string, source: string, messages: PeekedMessage[]): string[] {
  if (selection === null || selection.connectionId !== connectionId || selection.source !== source) return []
  const onPage = new Set(messages.filter(canSelectForReplay).map((m) => m.properties.messageId))
  return selection.messageIds.filter((id) => onPage.has(id))
}

export type JournalEntry = ReplayJournalListing['replays'][number]

/** "20 moved · 0 failed · 0 skipped · 0 left", "would move 20 · 1 skipped", "no report (still running, or the app stopped)". */
export function describeJournalResult(entry: JournalEntry): string {
  const report = entry.report
  if (report === undefined) return 'no report (still running, or the core stopped first)'
  const done = report.dryRun
    ? `would ${report.mode} ${formatCount(report.published)}`
    : `${formatCount(report.published)} ${report.mode === 'move' ? 'moved' : 'copied'}`
  const parts = [done, `${formatCount(report.failed)} failed`, `${formatCount(report.skipped)} skipped`]
  if (!report.dryRun) parts.push(`${formatCount(report.left)} left`)
  if (report.duplicates > 0) parts.push(`${formatCount(report.duplicates)} possible duplicates`)
  if (report.cancelled) parts.push('cancelled')
  if (report.error !== undefined) parts.push(`stopped: ${report.error}`)
  return parts.join(' · ')
}

/** Newest first, whatever order the journal gives. */
export function journalNewestFirst(listing: ReplayJournalListing | null): JournalEntry[] {
  return listing === null ? [] : [...listing.replays].sort((a, b) => b.at - a.at)
}

/**
 * The journal's target, with the profile's name when it is on another connection ("queue:x on
 * Staging"). Replays journaled before `targetConnection` existed wrote "queue:x on <profile id>".
 */
export function describeJournalTarget(
  entry: Pick<JournalEntry, 'target' | 'targetConnection' | 'sourceConnection'>,
  profileName: (id: string) => string,
): string {
  if (entry.targetConnection !== undefined)
    return entry.targetConnection === entry.sourceConnection ? entry.target : `${entry.target} on ${profileName(entry.targetConnection)}`
  const match = / on (\S+)$/.exec(entry.target)
  return match === null ? entry.target : `${entry.target.slice(0, match.index)} on ${profileName(match[1]!)}`
}
