/**
 * The contract over the web server's WebSocket (src/main/web for the other end). Every call has a
 * deadline and a retry rule (call-policy.ts); frames are measured before they are sent; calls out
 * when the link drops fail at once, and the link comes back by itself.
 */
import { methodName, subscribeName, type QueuescopeApi } from '../../../shared/api'
import { CALL_CHANNEL_NAMES, EVENT_CHANNEL_NAMES } from '../../../shared/channels'
import { QsError, type ErrorCode } from '../../../shared/errors'
import type { TailBatch } from '../../../shared/tail'
import { MAX_FRAME_BYTES, utf8Length, type ServerFrame } from '../../../shared/web-frames'
import { runCall, TransportFailure, type PolicyOverrides } from './call-policy'
import { Link, type SocketFactory } from './websocket-link'

export interface WebSocketApiOptions {
  /** The ws:// URL with the token; null when the page has no token. */
  url: string | null
  createSocket: SocketFactory
  maxFrameBytes?: number
  backoff?: { initialMs: number; maxMs: number }
  connectWaitMs?: number
  policy?: PolicyOverrides
}

export interface WebSocketClient {
  api: QueuescopeApi
  /** Stops reconnecting and closes the socket. */
  close(): void
}

const NO_TOKEN = 'this page has no access token: open the URL Queuescope printed when it started (the part after # is the token)'
const TAIL_LINK_LOST = 'the connection to the Queuescope server dropped (the server stops a page’s tails when its connection goes)'

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void; timer: ReturnType<typeof setTimeout> | null }

export function createWebSocketClient(options: WebSocketApiOptions): WebSocketClient {
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES
  const pending = new Map<number, Pending>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  // Tails this page started: the server stops them when the link drops, so the page is told.
  const tails = new Set<string>()
  let nextId = 1

  const emit = (channel: string, payload: unknown): void => {
    for (const listener of listeners.get(channel) ?? []) {
      try {
        listener(payload)
      } catch (err) {
        console.error(`a ${channel} listener failed`, err)
      }
    }
  }

  const onFrame = (text: string): void => {
    let frame: ServerFrame
    try {
      frame = JSON.parse(text) as ServerFrame
    } catch {
      console.warn('the Queuescope server sent a frame that is not JSON')
      return
    }
    if (frame.type === 'event') {
      if (frame.channel === 'tail:batch' && (frame.payload as TailBatch).ended !== undefined) tails.delete((frame.payload as TailBatch).tailId)
      emit(frame.channel, frame.payload)
    } else if (frame.type === 'result') {
      const waiter = pending.get(frame.id)
      if (!waiter) return // answered after its deadline: nobody waits any more
      pending.delete(frame.id)
      if (waiter.timer) clearTimeout(waiter.timer)
      if (frame.ok) waiter.resolve(frame.data)
      else waiter.reject(new QsError(frame.error.code as ErrorCode, frame.error.message, frame.error.detail))
    } else {
      console.warn(`the Queuescope server refused a frame: ${frame.error.message}`)
    }
  }

  const link = new Link(
    {
      url: options.url,
      createSocket: options.createSocket,
      backoff: options.backoff ?? { initialMs: 500, maxMs: 10_000 },
      connectWaitMs: options.connectWaitMs ?? 10_000,
      noTokenMessage: NO_TOKEN,
    },
    {
      frame: onFrame,
      opened: (reconnected) => {
        // Statuses changed while the link was down were not seen: ask for them again.
        if (reconnected && (listeners.get('connection:status')?.size ?? 0) > 0) void resync()
      },
      closed: () => {
        for (const waiter of pending.values()) {
          if (waiter.timer) clearTimeout(waiter.timer)
          waiter.reject(new TransportFailure('dropped', 'lost the connection to the Queuescope server while it was out'))
        }
        pending.clear()
        const stopped = [...tails]
        tails.clear()
        for (const tailId of stopped) emit('tail:batch', { tailId, messages: [], dropped: 0, ended: TAIL_LINK_LOST } satisfies TailBatch)
      },
    },
  )
  const connectWaitMs = options.connectWaitMs ?? 10_000

  const attempt = async (channel: string, payload: unknown, deadline: number | null): Promise<unknown> => {
    const started = Date.now()
    const id = nextId++
    const text = encode(channel, id, payload, maxFrameBytes)
    const ws = await link.whenOpen(deadline === null ? connectWaitMs : Math.min(deadline, connectWaitMs))
    const left = deadline === null ? null : Math.max(0, deadline - (Date.now() - started))
    return new Promise((resolve, reject) => {
      const timer =
        left === null
          ? null
          : setTimeout(() => {
              pending.delete(id)
              reject(new TransportFailure('timeout', 'no answer in time'))
            }, left)
      pending.set(id, { resolve, reject, timer })
      ws.send(text)
    })
  }

  const invoke = async (channel: string, request: unknown): Promise<unknown> => {
    const payload = request ?? {}
    const result = await runCall(channel, payload, (deadline) => attempt(channel, payload, deadline), options.policy)
    if (channel === 'tail:start') tails.add((result as { tailId: string }).tailId)
    return result
  }

  const resync = async (): Promise<void> => {
    try {
      const { connections } = (await invoke('connection:list', {})) as { connections: unknown[] }
      for (const status of connections) emit('connection:status', status)
    } catch {
      // the next status event or call says what is wrong
    }
  }

  const api: Record<string, unknown> = {}
  for (const channel of CALL_CHANNEL_NAMES) api[methodName(channel)] = (request: unknown) => invoke(channel, request)
  for (const channel of EVENT_CHANNEL_NAMES) {
    api[subscribeName(channel)] = (listener: (payload: unknown) => void) => {
      let set = listeners.get(channel)
      if (!set) listeners.set(channel, (set = new Set()))
      set.add(listener)
      link.start()
      return () => set.delete(listener)
    }
  }
  return { api: api as QueuescopeApi, close: () => link.dispose() }
}

/** A call frame, refused before it is sent when the server would refuse it (over its frame limit). */
function encode(channel: string, id: number, payload: unknown, maxFrameBytes: number): string {
  let text: string
  try {
    text = JSON.stringify({ type: 'call', id, channel, payload })
  } catch (err) {
    throw new QsError('BAD_REQUEST', `this ${channel} request cannot be sent: ${err instanceof Error ? err.message : String(err)}`)
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: most frames need no counting.
  const bytes = text.length * 3 <= maxFrameBytes ? text.length : utf8Length(text)
  if (bytes > maxFrameBytes) {
    throw new QsError(
      'BAD_REQUEST',
      `this ${channel} request is ${mib(bytes)} MiB and the web UI carries at most ${mib(maxFrameBytes)} MiB per message: use the queuescope CLI for larger ones`,
      { bytes, maxFrameBytes },
    )
  }
  return text
}

function mib(bytes: number): string {
  const value = bytes / 1024 / 1024
  return value >= 10 ? value.toFixed(0) : value.toFixed(1)
}
