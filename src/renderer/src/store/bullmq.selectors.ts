import type { CallResponse } from '../../../shared/contract'
import type { BullmqSource } from '../../../shared/model'
import { BULLMQ_STATES, type BullmqCounts, type BullmqJob, type BullmqState } from '../../../shared/bullmq'
import type { AppState } from './app.store'
import type { BullmqView } from './bullmq.slice'

/** The job browser of this queue, or null when the one in the store is another queue's. */
export const selectBullmqFor =
  (connectionId: string, source: string) =>
  (state: AppState): BullmqView | null => {
    const view = state.bullmq
    return view !== null && view.connectionId === connectionId && view.source === source ? view : null
  }

export function selectedJobOf(view: BullmqView | null): BullmqJob | null {
  if (view === null || view.page === null || view.selectedJobId === null) return null
  return view.page.jobs.find((job) => job.id === view.selectedJobId) ?? null
}

/** The chips in BullMQ's own order (waiting first, paused last). */
export const BULLMQ_TABS: readonly BullmqState[] = BULLMQ_STATES

/** The freshest counts: the last page's (read with it), else the listing's. */
export function countsOf(view: BullmqView | null, item: BullmqSource): BullmqCounts {
  return view?.page?.counts ?? item.counts
}

/** States whose count is trouble worth colour: failed jobs wait for someone to look. */
export function isTroubleState(state: BullmqState, count: number): boolean {
  return state === 'failed' && count > 0
}

/** "1–50 of 1,234"; "0 jobs" when the state is empty. */
export function pageRange(start: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return `${total.toLocaleString()} jobs`
  return `${(start + 1).toLocaleString()}–${(start + shown).toLocaleString()} of ${total.toLocaleString()}`
}

/** "2 / 3": attempts made of attempts allowed (opts.attempts, 1 when not set). */
export function attemptsText(job: BullmqJob): string {
  return `${job.attemptsMade.toLocaleString()} / ${job.attempts.toLocaleString()}`
}

/** "12 s", "4 min", "3 h", "2 d": how long ago, coarse on purpose (the detail pane has the time). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  if (s < 86_400) return `${Math.floor(s / 3600)} h`
  return `${Math.floor(s / 86_400)} d`
}

/** Age since the job was created; null when BullMQ has no timestamp for it. */
export function jobAge(job: BullmqJob, now: number): number | null {
  return job.timestamp === null ? null : now - job.timestamp
}

/** The first line of the failure reason, for the list (the detail pane has all of it). */
export function reasonLine(job: BullmqJob): string {
  return job.failedReason === null ? '' : (job.failedReason.split('\n', 1)[0] ?? '')
}

/** BullMQ stores data and return values as JSON text: pretty when it parses, as stored otherwise. */
export function prettyJsonText(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

/** "Retried 3 jobs", "Retried 1 job; 2 not retried: 7 (not failed), 9 (gone)". */
export function describeRetry({ retried, notRetried }: CallResponse<'bullmq:retry'>): string {
  const head = `Retried ${retried.toLocaleString()} ${retried === 1 ? 'job' : 'jobs'}`
  if (notRetried.length === 0) return head
  const shown = notRetried.slice(0, 3).map((n) => `${n.id} (${n.reason})`)
  const more = notRetried.length > shown.length ? `, and ${(notRetried.length - shown.length).toLocaleString()} more` : ''
  return `${head}; ${notRetried.length.toLocaleString()} not retried: ${shown.join(', ')}${more}`
}

/** "Removed 12 completed jobs". */
export function describeClean(removed: number): string {
  return `Removed ${removed.toLocaleString()} completed ${removed === 1 ? 'job' : 'jobs'}`
}

/** Sources table: "2 active · 1 delayed · 5 failed", the states worth a glance (waiting is the Messages column). */
export interface CountPart {
  state: BullmqState
  count: number
  trouble: boolean
}

const SUMMARY_STATES: readonly BullmqState[] = ['active', 'delayed', 'prioritized', 'paused', 'failed']

export function bullmqSummary(counts: BullmqCounts): CountPart[] {
  return SUMMARY_STATES.filter((state) => counts[state] > 0).map((state) => ({ state, count: counts[state], trouble: isTroubleState(state, counts[state]) }))
}

/** Every state's count in words, for the summary's tooltip. */
export function countsSentence(counts: BullmqCounts): string {
  return BULLMQ_STATES.map((state) => `${state} ${counts[state].toLocaleString()}`).join(', ')
}

export const GRACE_UNITS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const
export type GraceUnit = keyof typeof GRACE_UNITS

export interface CleanDraft {
  grace: string
  unit: GraceUnit
  limit: string
}

/** The clean dialog's numbers as the contract wants them, or what is wrong with them, in words. */
export function parseCleanDraft(draft: CleanDraft): { graceMs: number; limit: number } | string {
  const grace = draft.grace.trim() === '' ? 0 : Number(draft.grace.trim())
  if (!Number.isFinite(grace) || grace < 0) return 'the grace period must be a number, 0 or more (0 cleans every completed job)'
  const limit = Number(draft.limit.trim())
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) return 'the limit must be a whole number from 1 to 1,000,000'
  return { graceMs: Math.round(grace * GRACE_UNITS[draft.unit]), limit }
}
