/**
 * What every contract fuzz suite checks of one call, and the knobs they share. An answer must be
 * an envelope with a known error code and a message; INTERNAL means a case nobody handled; a
 * success must match the channel's response schema; and the answer must survive a JSON transport.
 */
import fc from 'fast-check'
import { isAbsolute, join, relative } from 'node:path'
import { z } from 'zod'
import { calls, type CallChannel } from '../shared/contract'
import type { Envelope } from '../shared/api'
import { ERROR_CODES } from '../shared/errors'
import type { Core } from '../main/core/core'
import { createDispatcher, type Caller, type Dispatcher } from '../main/core/dispatch'

/** Cases per property: `QS_FUZZ_RUNS` (the soak tier sets it) or the suite's bounded default. */
export function fuzzRuns(bounded: number): number {
  const fromEnv = Number(process.env['QS_FUZZ_RUNS'])
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : bounded
}

/** A fixed seed by default, so a failure replays; `QS_FUZZ_SEED` picks another (fast-check prints the one that failed). */
export function fuzzSeed(): number {
  const fromEnv = Number(process.env['QS_FUZZ_SEED'])
  return Number.isInteger(fromEnv) ? fromEnv : 0x5eed_c0de
}

const envelopeSchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), data: z.unknown() }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string().min(1), detail: z.unknown().optional() }),
  }),
])

/** What is wrong with one answer, in words; null when nothing is. */
export function envelopeProblem(channel: string, envelope: unknown): string | null {
  const shape = envelopeSchema.safeParse(envelope)
  if (!shape.success) return `not an envelope: ${shape.error.issues[0]?.message ?? ''} (${preview(envelope)})`
  const answer = shape.data
  try {
    JSON.stringify(answer)
  } catch (err) {
    return `the answer cannot cross a JSON transport: ${(err as Error).message}`
  }
  if (!answer.ok) return answer.error.code === 'INTERNAL' ? `INTERNAL: ${answer.error.message}` : null
  if (!Object.hasOwn(calls, channel)) return `an unknown channel answered ok`
  const parsed = calls[channel as CallChannel].response.safeParse(answer.data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return `the result does not match the response schema at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`
  }
  return null
}

/** The answer, or `'stalled'` when none came within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'stalled'> {
  let timer: NodeJS.Timeout | undefined
  const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), ms)))
  try {
    return await Promise.race([promise, stalled])
  } finally {
    clearTimeout(timer)
  }
}

/** A short, safe rendering of any payload: depth, length and key count are cut, `__proto__` keys shown. */
export function preview(value: unknown, budget = 600): string {
  const seen = new Set<unknown>()
  const render = (v: unknown, depth: number): string => {
    if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…(${v.length} chars)` : v)
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
    if (typeof v !== 'object' || v === null) return String(v)
    if (seen.has(v)) return '<cycle>'
    if (depth > 6) return Array.isArray(v) ? '[…]' : '{…}'
    seen.add(v)
    try {
      if (Array.isArray(v))
        return `[${v
          .slice(0, 6)
          .map((item) => render(item, depth + 1))
          .join(',')}${v.length > 6 ? `,…(${v.length} items)` : ''}]`
      const keys = Object.keys(v)
      const shown = keys.slice(0, 12).map((key) => `${JSON.stringify(key)}:${render((v as Record<string, unknown>)[key], depth + 1)}`)
      return `{${shown.join(',')}${keys.length > 12 ? `,…(${keys.length} keys)` : ''}}`
    } finally {
      seen.delete(v)
    }
  }
  const text = render(value, 0)
  return text.length > budget ? `${text.slice(0, budget)}…` : text
}

/** A payload that fast-check prints with `preview` (its own printer recurses, and some payloads are 3,000 deep). */
export interface Case {
  payload: unknown
}

export function asCase(payload: unknown): Case {
  return { payload, [fc.toStringMethod]: () => preview(payload) } as Case
}

/** Process-level failures while fuzzing: an unhandled rejection or exception, a warning (e.g. a timeout that overflowed). */
export function recordProcessFaults(): { faults: string[]; stop(): void } {
  const faults: string[] = []
  const rejection = (reason: unknown) => faults.push(`unhandledRejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : preview(reason)}`)
  const exception = (err: Error) => faults.push(`uncaughtException: ${err.stack ?? err.message}`)
  const warning = (w: Error) => faults.push(`warning ${w.name}: ${w.message}`)
  process.on('unhandledRejection', rejection)
  process.on('uncaughtException', exception)
  process.on('warning', warning)
  return {
    faults,
    stop() {
      process.off('unhandledRejection', rejection)
      process.off('uncaughtException', exception)
      process.off('warning', warning)
    },
  }
}

/** Own properties of Object.prototype: a pollution adds one. */
export function prototypeKeys(): string {
  return Reflect.ownKeys(Object.prototype).map(String).sort().join(',')
}

/**
 * Raw payloads no front end should send, for every channel: not objects, too deep, too big, cyclic.
 * `connectionId` and `ref` are what the structured ones name (a test on a shared broker passes its own).
 */
export function rawHostilePayloads(connectionId = 'c', ref = 'queue:q'): { name: string; payload: unknown }[] {
  const deep = (depth: number, array: boolean): unknown => {
    let value: unknown = 'x'
    for (let i = 0; i < depth; i++) value = array ? [value] : { a: value }
    return value
  }
  const cyclic: Record<string, unknown> = { connectionId }
  cyclic['self'] = cyclic
  // Shared references (Electron's structured clone keeps them): 2^60 paths through 60 objects.
  let shared: Record<string, unknown> = { leaf: 1 }
  for (let i = 0; i < 60; i++) shared = { a: shared, b: shared }
  const sparse: unknown[] = []
  sparse.length = 2 ** 32 - 1
  return [
    { name: 'null', payload: null },
    { name: 'undefined', payload: undefined },
    { name: 'array', payload: [1, 2, 3] },
    { name: 'string', payload: 'hello' },
    { name: 'number', payload: 42 },
    { name: 'NaN', payload: NaN },
    { name: 'boolean', payload: true },
    { name: 'proto keys', payload: JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}') },
    { name: 'object 10,000 deep', payload: deep(10_000, false) },
    { name: 'array 10,000 deep', payload: deep(10_000, true) },
    { name: 'headers 10,000 deep', payload: { connectionId, target: ref, source: ref, body: 'x', headers: { h: deep(10_000, false) } } },
    { name: 'cyclic', payload: cyclic },
    { name: 'shared references', payload: { connectionId, headers: shared } },
    { name: 'sparse array of 2^32 - 1', payload: { connectionId, ids: sparse } },
    { name: 'a million and one values', payload: { connectionId, ids: new Array<string>(1_000_001).fill('1-0') } },
  ]
}

/** Channel names that are not channels, some of them Object.prototype's. */
export const HOSTILE_CHANNELS: readonly unknown[] = [
  '',
  'nope',
  'queues:nuke',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'app:info ',
  'APP:INFO',
  'app:info\u0000',
  null,
  undefined,
  42,
  {},
  ['app:info'],
]

export type Kind = 'valid' | 'invalid'

export interface HarnessOptions {
  /** A call still pending after this has stalled, or is a replay that waits (rate-limited): replays are then cancelled. */
  stallMs: number
  /** After cancelling every replay, the time a stalled call gets to settle. */
  graceMs: number
  /** The only folder a payload may name a file in: any other `path` is replaced before the call. */
  tmp: string
  /** Throws when a payload would reach outside the test's namespace (checked before it is sent). */
  guard?: (channel: string, payload: unknown) => void
  /** More invariants after each call, e.g. that a read-only connection saw no write. */
  afterCall?: (where: string, payload: unknown) => void
}

/**
 * Drives one core through the contract as a renderer (remote) and as the CLI (local) and checks
 * every answer; throws a finding that carries the payload.
 */
export class FuzzHarness {
  readonly dispatchers: Record<Caller, Dispatcher>
  /** Tails started by fuzzed calls, stopped between cases (a connection runs at most 16). */
  readonly tails = new Set<string>()
  /** How calls ended, by phase, channel, kind, caller and code (QS_FUZZ_STATS=1 prints them; =verbose also every error of a valid call). */
  readonly outcomes = new Map<string, number>()
  private readonly prototypeBefore = prototypeKeys()
  private files = 0

  constructor(
    private readonly core: Core,
    private readonly options: HarnessOptions,
  ) {
    this.dispatchers = { remote: createDispatcher(core), local: createDispatcher(core, { caller: 'local' }) }
  }

  /** `stallMs` overrides the harness's: thousands of calls at once queue behind one another. */
  async check(
    caller: Caller,
    channel: string,
    raw: unknown,
    kind: Kind | 'raw',
    phase = 'one by one',
    stallMs = this.options.stallMs,
  ): Promise<Envelope<unknown>> {
    const payload = this.confined(raw)
    const where = `${channel} (${caller}, ${kind})`
    this.options.guard?.(channel, payload)
    const pending = this.dispatchers[caller](channel, payload)
    let answer = await within(pending, stallMs)
    if (answer === 'stalled') {
      this.core.replays.cancelAll()
      answer = await within(pending, this.options.graceMs)
    }
    if (answer === 'stalled') throw new Error(`${where} never settled, even after cancelling every replay\npayload: ${preview(payload)}`)
    const problem = envelopeProblem(channel, answer)
    if (problem) throw new Error(`${where}: ${problem}\npayload: ${preview(payload)}`)
    const tally = `${phase}: ${channel} ${kind} ${caller} ${answer.ok ? 'ok' : answer.error.code}`
    this.outcomes.set(tally, (this.outcomes.get(tally) ?? 0) + 1)
    if (process.env['QS_FUZZ_STATS'] === 'verbose' && !answer.ok && kind === 'valid')
      console.log(`${where} ${answer.error.code}: ${answer.error.message.slice(0, 300)}`)
    if (Object.hasOwn(calls, channel)) {
      const name = channel as CallChannel
      if (calls[name].localOnly && caller === 'remote' && (answer.ok || answer.error.code !== 'FORBIDDEN'))
        throw new Error(`${where}: a remote caller reached a local-only call\npayload: ${preview(payload)}`)
      // The schema is the contract: a valid payload may fail in the handler, never at the boundary.
      if (kind === 'valid' && !answer.ok && answer.error.message.startsWith(`invalid ${name} request`)) {
        throw new Error(`${where}: a valid payload was refused at the boundary: ${answer.error.message}\npayload: ${preview(payload)}`)
      }
    }
    if (answer.ok && channel === 'tail:start') this.tails.add((answer.data as { tailId: string }).tailId)
    this.options.afterCall?.(where, payload)
    if (prototypeKeys() !== this.prototypeBefore || ({} as Record<string, unknown>)['polluted'] !== undefined)
      throw new Error(`${where}: Object.prototype changed\npayload: ${preview(payload)}`)
    return answer
  }

  async stopTails(): Promise<void> {
    for (const id of this.tails) await this.core.tails.stop(id).catch(() => undefined)
    this.tails.clear()
  }

  printOutcomes(): void {
    if (process.env['QS_FUZZ_STATS'])
      console.log(
        [...this.outcomes]
          .sort()
          .map(([key, n]) => `${key} ${n}`)
          .join('\n'),
      )
  }

  /** A fresh file name in the temp folder. */
  freshPath(name = 'out'): string {
    return join(this.options.tmp, `${name}-${this.files++}.ndjson`)
  }

  /** A `path` that is a string and not in the temp folder is replaced: no fuzzed call names a file elsewhere. */
  private confined(payload: unknown): unknown {
    if (typeof payload !== 'object' || payload === null || !Object.hasOwn(payload, 'path')) return payload
    const path = (payload as { path: unknown }).path
    if (typeof path !== 'string') return payload
    const inside = isAbsolute(path) && !relative(this.options.tmp, path).startsWith('..')
    return inside ? payload : { ...payload, path: this.freshPath('confined') }
  }
}

/** Half the time a typed confirmation matches its source's name, so destructive calls get past it. */
export function withMatchingConfirm(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.boolean()).map(([payload, agree]) => {
    if (!agree || typeof payload !== 'object' || payload === null || !Object.hasOwn(payload, 'confirm')) return payload
    const source = (payload as { source?: unknown }).source
    return typeof source === 'string' ? { ...payload, confirm: source.slice(source.indexOf(':') + 1) } : payload
  })
}

/** Wrappers whose inner schema gets the override (an optional field keeps its chance to be absent). */
export const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable'])
