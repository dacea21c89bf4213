import { useStore } from 'zustand'
import { getApi } from '../ipc/client'
import { createAppStore, type AppState } from './app.store'

/** The app's store instance; unit tests build their own with `createAppStore` and a fake API. */
export const appStore = createAppStore({ api: getApi })

/** Reads a slice of the store; pass a named selector so unrelated updates do not re-render. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector)
}

export type { AppState } from './app.store'
