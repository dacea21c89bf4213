import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { selectLastPublishFor } from './publish.selectors'
import { MAX_RECENT_PUBLISHES } from './publish.slice'

describe('publish slice', () => {
  it('publishes the draft, keeps the result for its target and the draft as a recent template', async () => {
    const fake = createFakeApi({ messagesPublish: async () => ({ routed: true }) })
    const store = createAppStore({ api: () => fake.api })
    store.getState().updatePublishDraft({ body: '{"n":1}' })
    store.getState().addHeaderRow()
    store.getState().updateHeaderRow(0, { name: 'tenant', value: 'acme' })
    await store.getState().publishMessage('p1', 'queue:orders')
    expect(fake.calls[0]!.request).toMatchObject({ target: 'queue:orders', body: '{"n":1}', headers: { tenant: 'acme' } })
    expect(selectLastPublishFor('p1', 'queue:orders')(store.getState())?.result.routed).toBe(true)
    expect(selectLastPublishFor('p1', 'queue:other')(store.getState())).toBeNull()

    store.getState().updatePublishDraft({ body: 'changed' })
    store.getState().removeHeaderRow(0)
    store.getState().applyRecentPublish(0)
    expect(store.getState().publishDraft.body).toBe('{"n":1}')
    expect(store.getState().publishDraft.headers).toEqual([{ name: 'tenant', value: 'acme' }])
  })

  it(`keeps only the last ${MAX_RECENT_PUBLISHES} publishes, newest first`, async () => {
    const fake = createFakeApi({ messagesPublish: async () => ({ routed: true }) })
    const store = createAppStore({ api: () => fake.api })
    for (let i = 0; i < MAX_RECENT_PUBLISHES + 2; i++) {
      store.getState().updatePublishDraft({ body: String(i) })
      await store.getState().publishMessage('p1', 'queue:orders')
    }
    const recent = store.getState().recentPublishes
    expect(recent).toHaveLength(MAX_RECENT_PUBLISHES)
    expect(recent[0]!.draft.body).toBe(String(MAX_RECENT_PUBLISHES + 1))
  })

  it('shows a refusal as a toast in the core words', async () => {
    const fake = createFakeApi({
      messagesPublish: async () => {
        throw new QsError('READ_ONLY', 'profile "prod" is read-only')
      },
    })
    const store = createAppStore({ api: () => fake.api })
    await store.getState().publishMessage('p1', 'queue:orders')
    expect(store.getState().publishing).toBe(false)
    expect(store.getState().toasts).toMatchObject([{ kind: 'error', code: 'READ_ONLY', title: 'Publish to queue:orders' }])
  })
})
