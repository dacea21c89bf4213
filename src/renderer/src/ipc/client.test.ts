import { describe, expect, it, vi } from 'vitest'
import type { QueuescopeBridge } from '../../../shared/api'
import { createBridgeApi } from './client'

/** A bridge whose handlers the test writes; the others never answer. */
function bridge(handlers: Record<string, (request: unknown) => Promise<unknown>>): QueuescopeBridge {
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, name: string) => handlers[name] ?? (name.startsWith('on') ? () => () => undefined : () => new Promise(() => undefined)),
  }) as unknown as QueuescopeBridge
}

describe('the Electron bridge client', () => {
  const policy = { deadlineFor: () => 20 }

  it('unwraps envelopes into values and QsErrors', async () => {
    const api = createBridgeApi(
      bridge({
        profilesList: async () => ({ ok: true, data: { profiles: [] } }),
        profilesDelete: async () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'no profile "x"' } }),
      }),
    )
    await expect(api.profilesList({})).resolves.toEqual({ profiles: [] })
    await expect(api.profilesDelete({ id: 'x' })).rejects.toMatchObject({ name: 'QsError', code: 'NOT_FOUND' })
  })

  it('fails a call the main process never answers with TIMEOUT, naming it; an idempotent one is tried twice', async () => {
    const list = vi.fn(() => new Promise(() => undefined))
    const api = createBridgeApi(bridge({ connectionList: list }), policy)
    await expect(api.connectionList({})).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/^connection:list got no answer within 20 ms \(tried twice\)/),
    })
    expect(list).toHaveBeenCalledTimes(2)
  })

  it('sends a call that changes something only once, and says its outcome is unknown', async () => {
    const purge = vi.fn(() => new Promise(() => undefined))
    const api = createBridgeApi(bridge({ sourcesPurge: purge }), policy)
    await expect(api.sourcesPurge({ connectionId: 'c', source: 'queue:q', confirm: 'q' })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/may or may not have happened/),
    })
    expect(purge).toHaveBeenCalledTimes(1)
  })

  it('an idempotent call that times out once and then answers succeeds', async () => {
    const overview = vi
      .fn()
      .mockReturnValueOnce(new Promise(() => undefined))
      .mockResolvedValueOnce({ ok: true, data: { scope: '/' } })
    const api = createBridgeApi(bridge({ brokerOverview: overview }), policy)
    await expect(api.brokerOverview({ connectionId: 'c' })).resolves.toEqual({ scope: '/' })
  })

  it('turns a failure of the IPC itself into a typed error', async () => {
    const api = createBridgeApi(bridge({ appInfo: () => Promise.reject(new Error('An object could not be cloned.')) }))
    await expect(api.appInfo({})).rejects.toMatchObject({
      name: 'QsError',
      code: 'INTERNAL',
      message: expect.stringMatching(/^app:info failed .*could not be cloned/),
    })
  })
})
