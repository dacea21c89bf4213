/**
 * Component tests only: real components against the app's store, whose API is a fake the test
 * sets (src/renderer/src/store/fake-api.ts, test-data.ts). Each test starts from a fresh store.
 */
import userEvent from '@testing-library/user-event'
import type { QueuescopeApi } from '../../../shared/api'
import { appStore } from '../store'
import { createFakeApi, type FakeApi } from '../store/fake-api'
import { setCurrentApi } from './current-api'

export interface Harness {
  fake: FakeApi
  user: ReturnType<typeof userEvent.setup>
}

/** A fresh store whose calls go to a fake API with these handlers; render the component after seeding the store. */
export function withFakeApi(handlers: Partial<QueuescopeApi>): Harness {
  const fake = createFakeApi(handlers)
  setCurrentApi(fake.api)
  appStore.setState(appStore.getInitialState(), true)
  return { fake, user: userEvent.setup() }
}

/** The calls made to one method of the fake API, their requests in order. */
export function requestsTo(fake: FakeApi, method: keyof QueuescopeApi): unknown[] {
  return fake.calls.filter((c) => c.method === method).map((c) => c.request)
}

export { appStore }
