/**
 * Component tests only: the fake API the mocked `getApi()` hands out (see setup.ts). Kept apart
 * from the store so the mock can reach it without importing the store it is part of.
 */
import type { QueuescopeApi } from '../../../shared/api'

let current: QueuescopeApi | null = null

export function setCurrentApi(api: QueuescopeApi | null): void {
  current = api
}

export function currentApi(): QueuescopeApi {
  if (current === null) throw new Error('component test: no fake API; call renderWithApi() or useFakeApi() first')
  return current
}
