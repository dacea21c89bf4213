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
 * The single entry for every transport: parse the payload with the channel's schema, refuse
 * local-only calls from remote callers, apply the read-only guard, run the handler, and turn any
 * failure into a typed error envelope.
 */
export async function dispatch(handlers: Handlers, workspaceGuard: Core['workspace'], channel: string, payload: unknown, caller: Caller = 'remote'): Promise<Envelope<unknown>> {
  try {
    if (typeof channel !== 'string' || !Object.hasOwn(calls, channel)) throw new QsError('BAD_REQUEST', `unknown call "${String(channel)}"`)
    const name = channel as CallChannel
    if (calls[name].localOnly && caller !== 'local') {
      throw new QsError('FORBIDDEN', `${name} reads or writes a file on the machine running Queuescope, so only the queuescope CLI (or the desktop app's own file dialog) may call it`)
    }
    const parsed = calls[name].request.safeParse(payload ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : ''
      throw new QsError('BAD_REQUEST', `invalid ${name} request${where}: ${issue?.message ?? 'bad payload'}`, parsed.error.issues)
    }
    assertWritable(workspaceGuard, name, parsed.data)
    const handler = handlers[name] as (request: unknown) => Promise<unknown>
    return { ok: true, data: await handler(parsed.data) }
  } catch (err) {
    return { ok: false, error: toQsErrorShape(err) }
  }
}

/**
 * Handlers bound to a core, ready for a transport: `call(channel, payload) -> envelope`. Remote
 * unless the transport is the user's own process (the CLI).
 */
export function createDispatcher(core: Core, options: { caller?: Caller } = {}): Dispatcher {
  const handlers = createApi(core)
  const caller = options.caller ?? 'remote'
  return (channel, payload) => dispatch(handlers, core.workspace, channel, payload, caller)
}
