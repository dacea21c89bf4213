import { useEffect } from 'react'
import { appStore, useApp } from '../store'
import { selectToasts } from '../store/toasts.selectors'
import type { Toast } from '../store/toasts.slice'
import { CloseIcon } from './Icons'

export const TOAST_TIMEOUT_MS = 8_000

export function Toasts() {
  const toasts = useApp(selectToasts)
  return (
    <div className="toasts" aria-label="Notifications">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  )
}

function ToastItem({ toast }: { toast: Toast }) {
  const { dismissToast } = appStore.getState()

  useEffect(() => {
    const timer = setTimeout(() => dismissToast(toast.id), TOAST_TIMEOUT_MS)
    return () => clearTimeout(timer)
  }, [toast.id, dismissToast])

  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <div className="toast-text">
        {toast.title ? <div className="toast-title">{toast.title}</div> : null}
        <div className="toast-message">
          {toast.code ? <span className="code">{toast.code}</span> : null} {toast.message}
        </div>
      </div>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
        <CloseIcon size={12} />
      </button>
    </div>
  )
}
