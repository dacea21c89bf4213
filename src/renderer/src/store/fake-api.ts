/**
 * Unit tests only: a QueuescopeApi whose calls are plain functions the test sets, and whose
 * `connection:status` listeners the test can fire. The store never knows it is not the core.
 */
import type { QueuescopeApi } from '../../../shared/api'
import type { ConnectionStatus } from '../../../shared/model'
import { QsError } from '../../../shared/errors'

type Handlers = Partial<QueuescopeApi>

export interface FakeApi {
  api: QueuescopeApi
  calls: { method: string; request: unknown }[]
  emitStatus(status: ConnectionStatus): void
  listenerCount(): number
}

export function createFakeApi(handlers: Handlers): FakeApi {
  const calls: FakeApi['calls'] = []
  const listeners = new Set<(status: ConnectionStatus) => void>()
  const api = new Proxy({} as QueuescopeApi, {
    get(_target, method: string) {
      if (method === 'onConnectionStatus') {
        return (listener: (status: ConnectionStatus) => void) => {
          listeners.add(listener)
          return () => listeners.delete(listener)
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
    emitStatus: (status) => listeners.forEach((l) => l(status)),
    listenerCount: () => listeners.size,
  }
}
