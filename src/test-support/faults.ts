/**
 * The fault-injection suites' shared parts: the faults (on a TcpProxy), the short deadlines a core
 * runs with under test, and helpers to take a call's outcome and watch connection states.
 */
import type { Envelope } from '../shared/api'
import type { ConnectionStatus } from '../shared/model'
import type { TailBatch } from '../shared/tail'
import type { BrokerTimeouts } from '../main/brokers/timeouts'
import type { BackoffOptions } from '../main/core/backoff'
import type { Core } from '../main/core/core'
import type { TcpProxy } from './tcp-proxy'

/** Short deadlines so a suite runs in seconds; production defaults are in brokers/timeouts.ts. */
export const TEST_TIMEOUTS: BrokerTimeouts = { connectMs: 2000, requestMs: 1500, deadLinkMs: 2000 }
/** Reconnect quickly and without jitter, so recovery shows within a few seconds. */
export const TEST_BACKOFF: BackoffOptions = { baseMs: 200, maxMs: 1000, jitter: 0 }
/** Every call must settle well within this (a few deadlines, as a dead link takes up to 1.5 of them to show). */
export const SETTLE_MS = 3 * Math.max(TEST_TIMEOUTS.requestMs, TEST_TIMEOUTS.deadLinkMs, TEST_TIMEOUTS.connectMs)
/** The codes a call may fail with when the link to the broker failed: never INTERNAL or BROKER_ERROR. */
export const LINK_CODES = ['TIMEOUT', 'NOT_CONNECTED', 'UNREACHABLE']

export interface Fault {
  name: string
  /** The link is unusable while the fault lasts (calls fail, the status leaves `open`). */
  dead: boolean
  apply(proxy: TcpProxy): void
  lift(proxy: TcpProxy): void
}

export const FAULTS: Fault[] = [
  // The broker restarts into a state where it accepts connections and never answers them.
  { name: 'hang', dead: true, apply: (p) => (p.hang(true), p.cut()), lift: (p) => p.hang(false) },
  { name: 'blackhole', dead: true, apply: (p) => p.blackhole(true), lift: (p) => p.blackhole(false) },
  { name: 'half-open (client to broker stops)', dead: true, apply: (p) => p.halfOpen('up'), lift: (p) => p.halfOpen(null) },
  { name: 'half-open (broker to client stops)', dead: true, apply: (p) => p.halfOpen('down'), lift: (p) => p.halfOpen(null) },
  { name: 'latency (80 ms a chunk each way)', dead: false, apply: (p) => p.latency(80), lift: (p) => p.latency(0) },
  { name: 'throttling (32 KB/s each way)', dead: false, apply: (p) => p.throttle(32 * 1024), lift: (p) => p.throttle(null) },
]

export type Outcome = { ok: true; data: unknown } | { ok: false; code: string; message: string }

/** The call's outcome, or a rejection when it has not settled within `ms` (the promise under test). */
export async function settles(call: Promise<Envelope<unknown>>, ms = SETTLE_MS): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms)
  })
  try {
    const envelope = await Promise.race([call, late])
    return envelope.ok ? { ok: true, data: envelope.data } : { ok: false, code: envelope.error.code, message: envelope.error.message }
  } finally {
    clearTimeout(timer)
  }
}

/** Every status a core emits, for one connection at a time. */
export function recordStatuses(core: Core): { of(id: string): ConnectionStatus[]; clear(): void; stop(): void } {
  let seen: ConnectionStatus[] = []
  const stop = core.workspace.onStatus((status) => seen.push(status))
  return {
    of: (id) => seen.filter((status) => status.connectionId === id),
    clear: () => {
      seen = []
    },
    stop,
  }
}

/**
 * What a write's outcome allows its target's count to have become: exactly one more when it
 * succeeded, unchanged when nothing was sent, either when it is in doubt.
 */
export function allowedAfterWrite(outcome: Outcome, before: number, change: number): number[] {
  if (outcome.ok) return [before + change]
  if (/nothing was (sent|written)|was not sent/.test(outcome.message)) return [before]
  return [before, before + change]
}

/** Every tail batch a core emits, by tail id. */
export function recordTails(core: Core): { messages(tailId: string): string[]; ended(tailId: string): string | undefined } {
  const batches = new Map<string, TailBatch[]>()
  core.onEvent((channel, payload) => {
    if (channel !== 'tail:batch') return
    const batch = payload as TailBatch
    batches.set(batch.tailId, [...(batches.get(batch.tailId) ?? []), batch])
  })
  return {
    messages: (tailId) => (batches.get(tailId) ?? []).flatMap((batch) => batch.messages.map((message) => message.body)),
    ended: (tailId) => batches.get(tailId)?.find((batch) => batch.ended !== undefined)?.ended,
  }
}
