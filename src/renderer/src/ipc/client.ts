/**
 * The renderer's only door to the core. In Electron the preload exposes `window.queuescope`; in
 * web mode the same `QueuescopeApi` is built over a WebSocket to the local server. Components and
 * store slices call `getApi()`, never a transport.
 */
import { methodName, subscribeName, type Envelope, type QueuescopeApi, type QueuescopeBridge } from '../../../shared/api'
import { CALL_CHANNEL_NAMES, EVENT_CHANNEL_NAMES } from '../../../shared/channels'
import { QsError, type ErrorCode } from '../../../shared/errors'

declare global {
  interface Window {
    queuescope?: QueuescopeBridge
  }
}

type ServerFrame =
  | ({ type: 'result'; id: number } & Envelope<unknown>)
  | { type: 'event'; channel: string; payload: unknown }

/** A reconnecting WebSocket speaking the contract (see src/main/web/server.ts for the other end). */
export function createWebSocketApi(url: string): QueuescopeApi {
  let socket: WebSocket | null = null
  let opened: Promise<WebSocket> | null = null
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()

  const open = (): Promise<WebSocket> => {
    if (opened) return opened
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.addEventListener('open', () => {
        socket = ws
        resolve(ws)
      })
      ws.addEventListener('message', (event) => {
        const frame = JSON.parse(String(event.data)) as ServerFrame
        if (frame.type === 'event') {
          for (const listener of listeners.get(frame.channel) ?? []) listener(frame.payload)
          return
        }
        const waiter = pending.get(frame.id)
        if (!waiter) return
        pending.delete(frame.id)
        try {
          waiter.resolve(unwrap(frame))
        } catch (err) {
          waiter.reject(err)
        }
      })
      ws.addEventListener('close', () => {
        socket = null
        opened = null
        for (const waiter of pending.values()) {
          waiter.reject(new QsError('NOT_CONNECTED', 'lost the connection to the Queuescope server; reload the page'))
        }
        pending.clear()
        reject(new QsError('NOT_CONNECTED', 'cannot reach the Queuescope server'))
      })
    })
    return opened
  }

  const api: Record<string, unknown> = {}
  for (const channel of CALL_CHANNEL_NAMES) {
    api[methodName(channel)] = async (request: unknown) => {
      const ws = socket ?? (await open())
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        ws.send(JSON.stringify({ type: 'call', id, channel, payload: request ?? {} }))
      })
    }
  }
  for (const channel of EVENT_CHANNEL_NAMES) {
    api[subscribeName(channel)] = (listener: (payload: unknown) => void) => {
      let set = listeners.get(channel)
      if (!set) listeners.set(channel, (set = new Set()))
      set.add(listener)
      void open().catch(() => undefined)
      return () => set.delete(listener)
    }
  }
  return api as QueuescopeApi
}

function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.data
  throw new QsError(envelope.error.code as ErrorCode, envelope.error.message, envelope.error.detail)
}

/** The Electron preload's bridge, with envelopes turned back into values and QsErrors. */
export function createBridgeApi(bridge: QueuescopeBridge): QueuescopeApi {
  const raw = bridge as unknown as Record<string, (arg: unknown) => unknown>
  const api: Record<string, unknown> = {}
  for (const channel of CALL_CHANNEL_NAMES) {
    const method = methodName(channel)
    api[method] = async (request: unknown) => unwrap((await raw[method]!(request ?? {})) as Envelope<unknown>)
  }
  for (const channel of EVENT_CHANNEL_NAMES) {
    const name = subscribeName(channel)
    api[name] = (listener: (payload: unknown) => void) => raw[name]!(listener)
  }
  return api as QueuescopeApi
}

let instance: QueuescopeApi | null = null

export function getApi(): QueuescopeApi {
  if (instance) return instance
  if (window.queuescope) {
    instance = createBridgeApi(window.queuescope)
  } else {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
    instance = createWebSocketApi(`${scheme}//${location.host}/ws`)
  }
  return instance
}

/** For tests and storybook-like harnesses: use a given implementation. */
export function setApi(api: QueuescopeApi): void {
  instance = api
}
