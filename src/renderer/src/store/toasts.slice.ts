import { toQsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'

export type ToastKind = 'error' | 'info'

export interface Toast {
  id: number
  kind: ToastKind
  /** What was being done, e.g. "Connect to Local Redis". */
  title: string | null
  /** For errors: the QsError message, i.e. the broker's own words. */
  message: string
  /** For errors: the QsError code. */
  code: string | null
}

/** Older toasts go first when more than this many are on screen. */
export const MAX_TOASTS = 5

export interface ToastsSlice {
  toasts: Toast[]
  toastSeq: number
  pushToast(toast: { kind: ToastKind; message: string; title?: string; code?: string }): number
  /** Shows anything thrown (a QsError from the core, usually) as an error toast. */
  reportError(err: unknown, title?: string): number
  dismissToast(id: number): void
}

export const createToastsSlice: SliceCreator<ToastsSlice> = (set, get) => ({
  toasts: [],
  toastSeq: 0,
  pushToast: ({ kind, message, title, code }) => {
    const id = get().toastSeq + 1
    const toast: Toast = { id, kind, message, title: title ?? null, code: code ?? null }
    set((s) => ({ toastSeq: id, toasts: [...s.toasts, toast].slice(-MAX_TOASTS) }))
    return id
  },
  reportError: (err, title) => {
    const shape = toQsErrorShape(err)
    return get().pushToast({ kind: 'error', message: shape.message, code: shape.code, ...(title ? { title } : {}) })
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
})
