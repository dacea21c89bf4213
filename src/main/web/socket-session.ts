import type { RawData, WebSocket } from 'ws'
import type { Envelope } from '../../shared/api'
import type { ErrorShape } from '../../shared/web-frames'
import type { TailBatch } from '../../shared/tail'
import type { Session } from '../core/session'
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
export function attachSession(ws: WebSocket, deps: { session: Session; outbox: Outbox; log: (message: string) => void; unsendable: () => void }): void {
  const { session, outbox, log } = deps
  let open = true

  ws.on('error', (err) => log(`web client sent a frame that breaks the WebSocket protocol: ${err.message}`))
  // What this page started (tails, discoveries, replays) ends with it: a closed tab or a reload.
  ws.on('close', () => {
    open = false
    void session.dispose('the web page that started it went away')
  })
  session.onEvent((channel, payload) => {
    // A transport problem must never throw into the core (a tail's or connection's own loop).
    try {
      const event = encodeEvent(channel, payload)
      if (event.lossy) {
        deps.unsendable()
        log(`web server: a ${channel} event could not be encoded${event.text === null ? ' and was not sent' : '; its messages are reported as dropped'}`)
      }
      if (event.text !== null && open) outbox.sendEvent(channel, event.payload, event.text)
    } catch (err) {
      log(`web server: sending a ${channel} event failed: ${err instanceof Error ? err.message : String(err)}`)
    }
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
    session
      .call(channel, payload)
      .catch((err: unknown) => failure('INTERNAL', `${channel} failed: ${err instanceof Error ? err.message : String(err)}`))
      .then((envelope) => answer(id, channel, envelope))
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

/**
 * An event's frame. A tail batch too large to encode still reaches the page, as the count of the
 * messages it could not carry; any other event that cannot be encoded is not sent.
 */
function encodeEvent(channel: string, payload: unknown): { payload: unknown; text: string | null; lossy: boolean } {
  const encode = (body: unknown): string => JSON.stringify({ type: 'event', channel, payload: body })
  try {
    return { payload, text: encode(payload), lossy: false }
  } catch {
    if (channel !== 'tail:batch') return { payload, text: null, lossy: true }
    const batch = payload as TailBatch
    const standIn: TailBatch = { tailId: batch.tailId, messages: [], dropped: batch.dropped + batch.messages.length }
    if (batch.ended !== undefined) standIn.ended = batch.ended
    return { payload: standIn, text: encode(standIn), lossy: true }
  }
}
