/**
 * How long the renderer waits for each call, and which calls it may repeat. Both transports (the
 * Electron bridge, the WebSocket) go through runCall(), so no call can hang the UI forever and no
 * call that changes something is ever sent twice behind the user's back.
 */
import { IDEMPOTENT_CALL_NAMES } from '../../../shared/channels'
import { QsError, type ErrorCode } from '../../../shared/errors'

/** Longer than the core's own broker deadlines (connect 10 s, management API 10 s), so their precise error arrives first. */
export const STANDARD_DEADLINE_MS = 30_000
/** Calls whose work grows with what is on the broker, or that open something of their own. */
export const SLOW_DEADLINE_MS = 120_000

const IDEMPOTENT = new Set<string>(IDEMPOTENT_CALL_NAMES)

export function isIdempotent(channel: string): boolean {
  return IDEMPOTENT.has(channel)
}

/** The deadline of one call in ms, or null for none. */
export function deadlineFor(channel: string, request: unknown): number | null {
  switch (channel) {
    // Resolves with the final report when the replay ends, minutes or hours later; its progress
    // events show it is alive and replay:cancel stops it.
    case 'replay:start':
      return null
    // A whole source to or from a file. Only the CLI may run them (a page gets FORBIDDEN at once).
    case 'messages:export':
    case 'messages:import':
      return null
    // With a discoveryId: a SCAN of every key on every master, with progress events and
    // sources:cancel; without, one page of a listing.
    case 'sources:list':
      return hasDiscoveryId(request) ? null : STANDARD_DEADLINE_MS
    // Opens a consumer or connection of its own: a tail that starts after the page gave up would
    // run unseen, so the page waits longer than any broker deadline. Connecting (and checking the
    // management API) runs the core's deadlines one after the other. The rest is work that grows
    // with the data (up to 1,000 gets and requeues, purging or cleaning many messages or jobs,
    // deleting a large key) and none may be repeated: an early timeout would leave the user
    // guessing whether it happened.
    case 'tail:start':
    case 'connection:connect':
    case 'profiles:test':
    case 'messages:peek':
    case 'sources:purge':
    case 'bullmq:clean':
    case 'bullmq:retry':
    case 'redis:write':
      return SLOW_DEADLINE_MS
    default:
      return STANDARD_DEADLINE_MS
  }
}

function hasDiscoveryId(request: unknown): boolean {
  return typeof request === 'object' && request !== null && typeof (request as { discoveryId?: unknown }).discoveryId === 'string'
}

/**
 * Why one attempt failed at the transport: `timeout` (no answer in time), `dropped` (the link
 * closed while the call was out) or `unsent` (it never left: no link).
 */
export class TransportFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'dropped' | 'unsent',
    message: string,
  ) {
    super(message)
    this.name = 'TransportFailure'
  }
}

/** One attempt: resolves with the answer, rejects with a QsError (the core's) or a TransportFailure. */
export type Attempt = (deadlineMs: number | null) => Promise<unknown>

export interface PolicyOverrides {
  deadlineFor?: (channel: string, request: unknown) => number | null
}

/**
 * Runs a call with its deadline. A call that changes nothing is tried once more after a timeout or
 * a dropped link (the transport waits for its link to come back); any other call fails with a
 * message saying it may or may not have happened.
 */
export async function runCall(channel: string, request: unknown, attempt: Attempt, overrides: PolicyOverrides = {}): Promise<unknown> {
  const deadline = (overrides.deadlineFor ?? deadlineFor)(channel, request)
  const idempotent = isIdempotent(channel)
  try {
    return await attempt(deadline)
  } catch (first) {
    if (!(first instanceof TransportFailure)) throw first
    if (!idempotent || first.kind === 'unsent') throw describeFailure(channel, first, deadline, { idempotent, retried: false })
    try {
      return await attempt(deadline)
    } catch (second) {
      if (!(second instanceof TransportFailure)) throw second
      throw describeFailure(channel, second, deadline, { idempotent, retried: true })
    }
  }
}

function describeFailure(channel: string, failure: TransportFailure, deadline: number | null, how: { idempotent: boolean; retried: boolean }): QsError {
  const code: ErrorCode = failure.kind === 'timeout' ? 'TIMEOUT' : 'NOT_CONNECTED'
  const what = failure.kind === 'timeout' ? `${channel} got no answer within ${seconds(deadline)}` : `${channel}: ${failure.message}`
  if (failure.kind === 'unsent') return new QsError(code, `${what}; it was not sent`, { channel, sent: false })
  if (how.idempotent) return new QsError(code, `${what}${how.retried ? ' (tried twice)' : ''}`, { channel, retried: how.retried })
  return new QsError(code, `${what}. It may or may not have happened: check before trying again.`, { channel, retried: false, outcome: 'unknown' })
}

function seconds(ms: number | null): string {
  if (ms === null) return 'no deadline'
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`
}

/** Races a promise against a deadline (null: none); a late answer is ignored. */
export function withDeadline<T>(work: Promise<T>, deadlineMs: number | null): Promise<T> {
  if (deadlineMs === null) return work
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TransportFailure('timeout', 'no answer in time')), deadlineMs)
    work.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (err: unknown) => {
        clearTimeout(timer)
        reject(err instanceof Error ? err : new Error(String(err)))
      },
    )
  })
}
