import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { describePurge } from './purge.slice'

describe('purge slice', () => {
  it('purges with the typed name, says how many went, closes the dialog and relists', async () => {
    const fake = createFakeApi({
      sourcesPurge: async () => ({ purged: 1234 }),
      sourcesList: async () => ({ items: [], warnings: [], scope: '/', listedAt: 1, broker: 'rabbitmq' as const }),
    })
    const store = createAppStore({ api: () => fake.api })
    store.getState().openPurgeConfirm('p1', 'orders')
    await store.getState().purgeQueue('p1', 'orders', 'orders')
    expect(fake.calls[0]).toEqual({ method: 'sourcesPurge', request: { connectionId: 'p1', source: 'queue:orders', confirm: 'orders' } })
    expect(store.getState().dialog).toBeNull()
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'info', message: `Purged ${(1234).toLocaleString()} messages` })
    expect(fake.calls.some((c) => c.method === 'sourcesList')).toBe(true)
  })

  it('keeps the dialog open and shows the refusal', async () => {
    const fake = createFakeApi({
      sourcesPurge: async () => {
        throw new QsError('READ_ONLY', 'profile "prod" is read-only')
      },
    })
    const store = createAppStore({ api: () => fake.api })
    store.getState().openPurgeConfirm('p1', 'orders')
    await store.getState().purgeQueue('p1', 'orders', 'orders')
    expect(store.getState().dialog).toEqual({ kind: 'purge', connectionId: 'p1', queue: 'orders' })
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'error', code: 'READ_ONLY' })
    expect(store.getState().purging).toBe(false)
  })

  it('says one message or many', () => {
    expect(describePurge(1)).toBe('Purged 1 message')
    expect(describePurge(0)).toBe('Purged 0 messages')
  })
})
