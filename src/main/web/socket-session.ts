import type { RawData, WebSocket } from 'ws'
import type { Envelope } from '../../shared/api'
import type { ErrorShape } from '../../shared/web-frames'
import type { Core } from '../core/core'
import type { Dispatcher } from '../core/dispatch'
import type { Outbox } from './outbox'

/** Longer than any channel name; bounds what an error message repeats back. */
const MAX_CHANNEL_LENGTH = 64

type Call = { id: number; channel: string; payload: unknown }

/**
 * One WebSocket client: every text frame is a call answered with a result frame, anything else
 * gets a typed error frame and the connection stays usable. Protocol violations (invalid UTF-8,
 * reserved bits, frames over the limit) are answered by `ws` itself with the close code the
 * WebSocket standard names (1007, 1002, 1009); the 'error' listener keeps them from being fatal.
 */
export function attachSession(ws: WebSocket, deps: { core: Core; call: Dispatcher; outbox: Outbox; log: (message: string) => void }): void {
  const { core, call, outbox, log } = deps
  // Live tails this page started: a closed tab or a reload must not leave them running.
  const tails = new Set<string>()
  let open = true

  ws.on('error', (err) => log(`web client sent a frame that breaks the WebSocket protocol: ${err.message}`))
  ws.on('close', () => {
    open = false
    for (const tailId of tails) void core.tails.stop(tailId, 'the web page that started it went away')
  })

  const answer = (id: number | null, channel: string, envelope: Envelope<unknown>): void => {
    if (!open) return
    outbox.sendResult(encodeAnswer(id, channel, envelope))
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      answer(null, '', failure('BAD_REQUEST', 'binary frames are not understood: send text frames holding JSON {type:"call", id, channel, payload}'))
      return
    }
    let frame: unknown
    try {
      frame = JSON.parse(toBuffer(data).toString('utf8'))
    } catch {
      answer(null, '', failure('BAD_REQUEST', 'frame is not JSON'))
      return
    }
    const parsed = readCall(frame)
    if ('problem' in parsed) {
      answer(parsed.id, '', failure('BAD_REQUEST', parsed.problem))
      return
    }
    const { id, channel, payload } = parsed
    call(channel, payload)
      .catch((err: unknown) => failure('INTERNAL', `${channel} failed: ${err instanceof Error ? err.message : String(err)}`))
      .then((envelope) => {
        if (channel === 'tail:start' && envelope.ok) {
          const { tailId } = envelope.data as { tailId: string }
          if (open) tails.add(tailId)
          else void core.tails.stop(tailId, 'the web page that started it went away')
        }
        answer(id, channel, envelope)
      })
      .catch((err: unknown) => log(`answering ${channel} failed: ${err instanceof Error ? err.message : String(err)}`))
  })
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
}

function failure(code: string, message: string): Envelope<unknown> {
  return { ok: false, error: { code, message } }
}

/** A call frame, or why it is not one (with its id when it had a usable one). */
function readCall(frame: unknown): Call | { id: number | null; problem: string } {
  const expected = 'expected {type:"call", id, channel, payload}'
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return { id: null, problem: `${expected}, got ${describe(frame)}` }
  const { type, id, channel, payload } = frame as Record<string, unknown>
  const usableId = typeof id === 'number' && Number.isSafeInteger(id) ? id : null
  if (type !== 'call') return { id: usableId, problem: `${expected}: type must be "call"` }
  if (usableId === null) return { id: null, problem: `${expected}: id must be an integer` }
  if (typeof channel !== 'string' || channel.length > MAX_CHANNEL_LENGTH) return { id: usableId, problem: `${expected}: channel must be the name of a call` }
  return { id: usableId, channel, payload }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

/**
 * The frame answering a call. An answer that cannot be encoded (too large for a string, a value
 * JSON cannot hold) becomes a typed error for that call instead of an exception.
 */
export function encodeAnswer(id: number | null, channel: string, envelope: Envelope<unknown>): string {
  const frame = (body: Envelope<unknown>) => (id === null ? { type: 'error', error: (body as { error: ErrorShape }).error } : { type: 'result', id, ...body })
  try {
    return JSON.stringify(frame(envelope))
  } catch (err) {
    const why =
      err instanceof RangeError
        ? 'it is too large (or too deeply nested) to send'
        : `it cannot be encoded as JSON (${err instanceof Error ? err.message : String(err)})`
    return JSON.stringify(frame(failure('INTERNAL', `the answer to ${channel || 'this call'} was not sent: ${why}`)))
  }
}
