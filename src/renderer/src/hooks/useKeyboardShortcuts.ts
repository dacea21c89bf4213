import { useEffect } from 'react'
import { appStore } from '../store'

export const FILTER_INPUT_ID = 'source-filter'

/** Typing in a field must never trigger a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'
}

/**
 * `/` focuses the filter, R refreshes the open connection, Esc closes the dialog (docs/ui.md
 * "Keyboard"). A dialog handles Esc itself while focus is inside it; this catches the case
 * where a click on its text left the focus on the page.
 */
export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
      const state = appStore.getState()
      if (state.dialog !== null) {
        if (event.key === 'Escape') {
          event.preventDefault()
          state.closeDialog()
        }
        return
      }
      if (isTyping(event.target)) return
      if (event.key === '/') {
        const input = document.getElementById(FILTER_INPUT_ID)
        if (input instanceof HTMLInputElement) {
          event.preventDefault()
          input.focus()
          input.select()
        }
      } else if (event.key === 'r' || event.key === 'R') {
        const id = state.selectedProfileId
        if (id !== null && state.statuses[id]?.state === 'open') {
          event.preventDefault()
          void state.refreshSources(id)
          void state.refreshOverview(id)
        }
      }
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [])
}
