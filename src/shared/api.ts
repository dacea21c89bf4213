/**
 * The typed surface every front end programs against: `window.queuescope` in Electron (preload),
 * a WebSocket client in web mode. Generated from the channel names so no method is hand-written.
 * This file holds names only (no zod), so the sandboxed preload can bundle it cheaply.
 */
import type { CallChannel, CallRequest, CallResponse, EventChannel, EventPayload } from './contract'

type Camel<S extends string> = S extends `${infer A}:${infer B}`
  ? `${A}${Capitalize<Camel<B>>}`
  : S extends `${infer A}-${infer B}`
    ? `${A}${Capitalize<Camel<B>>}`
    : S

export type MethodName<C extends string> = Camel<C>
export type SubscribeName<E extends string> = `on${Capitalize<Camel<E>>}`

export type Unsubscribe = () => void

export type QueuescopeApi = {
  [C in CallChannel as MethodName<C>]: (request: CallRequest<C>) => Promise<CallResponse<C>>
} & {
  [E in EventChannel as SubscribeName<E>]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe
}

function camel(channel: string): string {
  return channel.replace(/[:-](\w)/g, (_, c: string) => c.toUpperCase())
}

/** `profiles:list` -> `profilesList`. */
export function methodName(channel: string): string {
  return camel(channel)
}

/** `connection:status` -> `onConnectionStatus`. */
export function subscribeName(channel: string): string {
  const c = camel(channel)
  return `on${c.charAt(0).toUpperCase()}${c.slice(1)}`
}

/**
 * What the preload exposes as `window.queuescope`: the same methods, resolving to envelopes,
 * because an Error's code does not survive Electron's contextBridge. The renderer's client
 * unwraps them into QsErrors (src/renderer/src/ipc/client.ts).
 */
export type QueuescopeBridge = {
  [C in CallChannel as MethodName<C>]: (request: CallRequest<C>) => Promise<Envelope<CallResponse<C>>>
} & {
  [E in EventChannel as SubscribeName<E>]: (listener: (payload: EventPayload<E>) => void) => Unsubscribe
}

/** Envelope used by transports that cannot carry typed errors (ipcRenderer.invoke, WebSocket). */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; detail?: unknown } }
