import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { selectCanTransferFiles } from './transfer.slice'

describe('transfer slice (desktop export and import)', () => {
  it('asks the core without a path (the main process asks the user) and says where it went', async () => {
    const fake = createFakeApi({ messagesExport: async () => ({ exported: 1200, path: '/home/me/orders.ndjson' }) })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().exportToFile('p1', 'queue:orders', { acceptDeliveryLimitRisk: true })
    expect(fake.calls).toEqual([{ method: 'messagesExport', request: { connectionId: 'p1', source: 'queue:orders', acceptDeliveryLimitRisk: true } }])
    expect(store.getState().toasts[0]).toMatchObject({
      kind: 'info',
      message: `Exported ${(1200).toLocaleString()} messages to /home/me/orders.ndjson; nothing was consumed`,
    })
    expect(store.getState().transferring).toBeNull()
  })

  it('a cancelled dialog says nothing; a refusal is an error toast; the first failure of an import is named', async () => {
    const fake = createFakeApi({
      messagesExport: async () => {
        throw new QsError('CANCELLED', 'no file was chosen')
      },
      messagesImport: async () => ({ published: 3, failed: 1, failures: ['line 4: not routed (NO_ROUTE)'] }),
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().exportToFile('p1', 'queue:orders')
    expect(store.getState().toasts).toEqual([])
    await store.getState().importFromFile('p1', 'exchange:events')
    expect(store.getState().toasts[0]).toMatchObject({ kind: 'info', message: 'Published 3 messages; 1 failed (first: line 4: not routed (NO_ROUTE))' })
  })

  it('only the desktop app offers it', () => {
    expect(selectCanTransferFiles({ appInfo: null })).toBe(false)
    expect(selectCanTransferFiles({ appInfo: { mode: 'web' } })).toBe(false)
    expect(selectCanTransferFiles({ appInfo: { mode: 'electron' } })).toBe(true)
  })
})
