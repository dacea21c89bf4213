/**
 * Unit tests only: a QueuescopeApi whose calls are plain functions the test sets, and whose event
 * listeners (`connection:status`, `replay:progress`) the test can fire. The store never knows it
 * is not the core.
 */
import type { QueuescopeApi } from '../../../shared/api'
import type { ConnectionStatus } from '../../../shared/model'
import type { ReplayProgress } from '../../../shared/replay'
import { QsError } from '../../../shared/errors'

type Handlers = Partial<QueuescopeApi>

export interface FakeApi {
  api: QueuescopeApi
  calls: { method: string; request: unknown }[]
  emitStatus(status: ConnectionStatus): void
  emitReplayProgress(progress: ReplayProgress): void
  /** Listeners of `connection:status`. */
  listenerCount(): number
  /** Listeners of any event, by its subscribe method (`onReplayProgress`). */
  listenersOf(method: string): number
}

export function createFakeApi(handlers: Handlers): FakeApi {
  const calls: FakeApi['calls'] = []
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const listenersFor = (method: string) => {
    let set = listeners.get(method)
    if (!set) listeners.set(method, (set = new Set()))
    return set
  }
  const emit = (method: string, payload: unknown) => listenersFor(method).forEach((l) => l(payload))
  const api = new Proxy({} as QueuescopeApi, {
    get(_target, method: string) {
      if (/^on[A-Z]/.test(method)) {
        return (listener: (payload: unknown) => void) => {
          listenersFor(method).add(listener)
          return () => listenersFor(method).delete(listener)
        }
      }
      return async (request: unknown) => {
        calls.push({ method, request })
        const handler = (handlers as Record<string, ((r: unknown) => unknown) | undefined>)[method]
        if (!handler) throw new QsError('INTERNAL', `fake api: no handler for ${method}`)
        return handler(request)
      }
    },
  })
  return {
    api,
    calls,
    emitStatus: (status) => emit('onConnectionStatus', status),
    emitReplayProgress: (progress) => emit('onReplayProgress', progress),
    listenerCount: () => listenersFor('onConnectionStatus').size,
    listenersOf: (method) => listenersFor(method).size,
  }
}
