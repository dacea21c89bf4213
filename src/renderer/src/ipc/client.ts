/**
 * The renderer's only door to the core. In Electron the preload exposes `window.queuescope`; in
 * web mode the same `QueuescopeApi` is built over a WebSocket to the local server. Components and
 * store slices call `getApi()`, never a transport. Every call has a deadline and a retry rule
 * (call-policy.ts), whichever the transport.
 */
import { methodName, subscribeName, type Envelope, type QueuescopeApi, type QueuescopeBridge } from '../../../shared/api'
import { CALL_CHANNEL_NAMES, EVENT_CHANNEL_NAMES } from '../../../shared/channels'
import { QsError, type ErrorCode } from '../../../shared/errors'
import { runCall, TransportFailure, withDeadline, type PolicyOverrides } from './call-policy'
import { takeAccessToken, webSocketUrl } from './web-token'
import { createWebSocketClient } from './websocket-api'

declare global {
  interface Window {
    queuescope?: QueuescopeBridge
  }
}

function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.data
  throw new QsError(envelope.error.code as ErrorCode, envelope.error.message, envelope.error.detail)
}

/**
 * The Electron preload's bridge, with envelopes turned back into values and QsErrors. A main
 * process that never answers (a handler stuck on a broker) fails the call at its deadline.
 */
export function createBridgeApi(bridge: QueuescopeBridge, policy?: PolicyOverrides): QueuescopeApi {
  const raw = bridge as unknown as Record<string, (arg: unknown) => Promise<unknown>>
  const api: Record<string, unknown> = {}
  for (const channel of CALL_CHANNEL_NAMES) {
    const method = methodName(channel)
    api[method] = async (request: unknown) => {
      const payload = request ?? {}
      const attempt = async (deadline: number | null) => {
        let envelope: Envelope<unknown>
        try {
          envelope = (await withDeadline(raw[method]!(payload), deadline)) as Envelope<unknown>
        } catch (err) {
          // ipcRenderer.invoke itself failed (an answer Electron could not clone): still a typed error.
          if (err instanceof TransportFailure) throw err
          throw new QsError('INTERNAL', `${channel} failed between the window and the app: ${err instanceof Error ? err.message : String(err)}`)
        }
        return unwrap(envelope)
      }
      return runCall(channel, payload, attempt, policy)
    }
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
    const token = takeAccessToken({ location, history, storage: () => sessionStorage })
    instance = createWebSocketClient({
      url: token === null ? null : webSocketUrl(location, token),
      createSocket: (url) => new WebSocket(url),
    }).api
  }
  return instance
}

/** For tests and storybook-like harnesses: use a given implementation. */
export function setApi(api: QueuescopeApi): void {
  instance = api
}
