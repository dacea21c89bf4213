import { describe, expect, it } from 'vitest'
import { QsError } from '../../../shared/errors'
import { createAppStore } from './app.store'
import { createFakeApi } from './fake-api'
import { selectToasts } from './toasts.selectors'
import { MAX_TOASTS } from './toasts.slice'

describe('toasts slice', () => {
  it('carries the QsError code and message, and dismisses by id', () => {
    const store = createAppStore({ api: () => createFakeApi({}).api })
    const id = store.getState().reportError(new QsError('AUTH_FAILED', 'ACCESS_REFUSED - Login was refused'), 'Connect to prod')
    expect(selectToasts(store.getState())).toEqual([
      { id, kind: 'error', title: 'Connect to prod', code: 'AUTH_FAILED', message: 'ACCESS_REFUSED - Login was refused' },
    ])
    store.getState().dismissToast(id)
    expect(selectToasts(store.getState())).toEqual([])
  })

  it('keeps only the newest few', () => {
    const store = createAppStore({ api: () => createFakeApi({}).api })
    for (let i = 0; i < MAX_TOASTS + 2; i++) store.getState().pushToast({ kind: 'info', message: `m${i}` })
    const toasts = selectToasts(store.getState())
    expect(toasts).toHaveLength(MAX_TOASTS)
    expect(toasts.at(-1)?.message).toBe(`m${MAX_TOASTS + 1}`)
  })
})
