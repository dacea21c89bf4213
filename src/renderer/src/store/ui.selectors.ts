import type { AppState } from './app.store'
import type { AppInfo, DialogState } from './ui.slice'

export const selectDialog = (state: AppState): DialogState | null => state.dialog
export const selectAppInfo = (state: AppState): AppInfo | null => state.appInfo
/** Shown in the sidebar, never hidden, when passwords are not encrypted at rest. */
export const selectSecretWarning = (state: AppState): string | null => state.appInfo?.secretStorage.warning ?? null
