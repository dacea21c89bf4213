import { calls, type CallChannel } from '../../shared/contract'
import { QsError, toQsErrorShape } from '../../shared/errors'
import type { Envelope } from '../../shared/api'
import { createApi, type Handlers } from './api'
import type { Core } from './core'
import { assertWritable } from './guard'

/**
 * Who is calling. `local`: the process the user started (the CLI), acting with the user's own
 * rights on this machine. `remote`: a renderer over Electron IPC or a web page over the WebSocket,
 * which must never name files on this machine (docs/security.md).
 */
export type Caller = 'local' | 'remote'

export type Dispatcher = (channel: string, payload: unknown) => Promise<Envelope<unknown>>

/**
 * What a session learns from its calls: a parsed request about to run; what it returns is called
 * when that call ends, with its result (undefined when it failed).
 */
export type CallObserver = (channel: CallChannel, request: unknown) => (result: unknown) => void

/**
 * The single entry for every transport: parse the payload with the channel's schema, refuse
 * local-only calls from remote callers, apply the read-only guard, run the handler, and turn any
 * failure into a typed error envelope.
 */
export async function dispatch(
  handlers: Handlers,
  workspaceGuard: Core['workspace'],
  channel: string,
  payload: unknown,
  caller: Caller = 'remote',
  observer?: CallObserver,
): Promise<Envelope<unknown>> {
  try {
    if (typeof channel !== 'string' || !Object.hasOwn(calls, channel)) throw new QsError('BAD_REQUEST', `unknown call "${String(channel)}"`)
    const name = channel as CallChannel
    if (calls[name].localOnly && caller !== 'local') {
      throw new QsError(
        'FORBIDDEN',
        `${name} reads or writes a file on the machine running Queuescope, so only the queuescope CLI (or the desktop app's own file dialog) may call it`,
      )
    }
    const shape = payloadShapeProblem(payload)
    if (shape)
      throw new QsError('BAD_REQUEST', `invalid ${name} request${formatPath(shape.path)}: ${shape.problem}`, {
        maxDepth: MAX_PAYLOAD_DEPTH,
        maxValues: MAX_PAYLOAD_VALUES,
      })
    const parsed = calls[name].request.safeParse(payload ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      // The first issues only: 10,000 bad ids must not come back as 10,000 issues.
      throw new QsError(
        'BAD_REQUEST',
        `invalid ${name} request${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'bad payload'}`,
        parsed.error.issues.slice(0, MAX_REPORTED_ISSUES),
      )
    }
    assertWritable(workspaceGuard, name, parsed.data)
    const handler = handlers[name] as (request: unknown) => Promise<unknown>
    const ended = observer?.(name, parsed.data)
    let result: unknown
    try {
      result = await handler(parsed.data)
    } finally {
      ended?.(result)
    }
    return { ok: true, data: result }
  } catch (err) {
    return { ok: false, error: toQsErrorShape(err) }
  }
}

/**
 * Nesting a payload may have. zod (and the brokers' header encoders after it) recurse once per
 * level, so headers nested 10,000 deep overflowed the stack; no real request comes near this.
 */
export const MAX_PAYLOAD_DEPTH = 100
/**
 * Values a payload may hold. Bounds the check itself, also for Electron IPC's structured clone,
 * which carries shared references: a small object can stand for an exponentially large tree.
 */
export const MAX_PAYLOAD_VALUES = 1_000_000
const MAX_REPORTED_ISSUES = 20

interface Frame {
  value: object
  depth: number
  key: string
  parent: Frame | null
}

/**
 * Why a raw payload is too deep or too large to parse, and where; null when it is fine. Iterative
 * (an explicit stack), so any depth costs no call stack.
 */
export function payloadShapeProblem(payload: unknown): { problem: string; path: string[] } | null {
  if (typeof payload !== 'object' || payload === null) return null
  const stack: Frame[] = [{ value: payload, depth: 0, key: '', parent: null }]
  let values = 1
  while (stack.length > 0) {
    const frame = stack.pop()!
    // Binary data is a leaf for every parser after this one.
    if (ArrayBuffer.isView(frame.value) || frame.value instanceof ArrayBuffer) continue
    // Counted before anything is read: a sparse array from structured clone can claim 2^32 - 1 items.
    const keys = Array.isArray(frame.value) ? null : Object.keys(frame.value)
    const count = keys ? keys.length : (frame.value as unknown[]).length
    values += count
    if (values > MAX_PAYLOAD_VALUES) return { problem: `it holds more than ${MAX_PAYLOAD_VALUES.toLocaleString('en')} values`, path: pathOf(frame) }
    for (let i = 0; i < count; i++) {
      const key = keys ? keys[i]! : String(i)
      const child: unknown = (frame.value as Record<string, unknown>)[key]
      if (typeof child !== 'object' || child === null) continue
      const next: Frame = { value: child, depth: frame.depth + 1, key, parent: frame }
      if (next.depth >= MAX_PAYLOAD_DEPTH) return { problem: `nested more than ${MAX_PAYLOAD_DEPTH} levels deep`, path: pathOf(next) }
      stack.push(next)
    }
  }
  return null
}

function pathOf(frame: Frame): string[] {
  const path: string[] = []
  for (let at: Frame | null = frame; at?.parent; at = at.parent) path.push(at.key)
  return path.reverse()
}

/** ` at a.b.c` for an error message: keys shortened, a long path elided in the middle. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return ''
  const keys = path.map((key) => {
    const text = String(key)
    return text.length > 40 ? `${text.slice(0, 40)}…` : text
  })
  return ` at ${(keys.length > 8 ? [...keys.slice(0, 4), '…', ...keys.slice(-3)] : keys).join('.')}`
}

/**
 * Handlers bound to a core: `call(channel, payload) -> envelope`, remote unless the caller is the
 * user's own process. For tests and one-off calls; a front end makes a session
 * (`core.createSession()`), whose calls and events are its own.
 */
export function createDispatcher(core: Core, options: { caller?: Caller } = {}): Dispatcher {
  const handlers = createApi(core)
  const caller = options.caller ?? 'remote'
  return (channel, payload) => dispatch(handlers, core.workspace, channel, payload, caller)
}
