import type { AppState } from './app.store'
import type { Toast } from './toasts.slice'

export const selectToasts = (state: AppState): Toast[] => state.toasts
