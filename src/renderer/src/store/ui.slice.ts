import type { CallResponse } from '../../../shared/contract'
import type { SliceCreator } from './app.store'

export type AppInfo = CallResponse<'app:info'>

export type DialogState =
  /** profileId null: a new profile. */
  | { kind: 'profile'; profileId: string | null }
  | { kind: 'delete-profile'; profileId: string }
  /** Typed confirmation before purging a RabbitMQ queue's ready messages. */
  | { kind: 'purge'; connectionId: string; queue: string }
  /** Move or copy out of a queue (replay.slice.ts); `messageIds`: only the messages selected in the browser. */
  | { kind: 'replay'; connectionId: string; source: string; messageIds: string[] | null }
  /** The journal of past replays. */
  | { kind: 'replays' }

export interface UiSlice {
  dialog: DialogState | null
  appInfo: AppInfo | null
  openProfileDialog(profileId: string | null): void
  openDeleteConfirm(profileId: string): void
  openPurgeConfirm(connectionId: string, queue: string): void
  closeDialog(): void
  loadAppInfo(): Promise<void>
}

export const createUiSlice: SliceCreator<UiSlice> = (set, get, { api }) => ({
  dialog: null,
  appInfo: null,
  openProfileDialog: (profileId) => set({ dialog: { kind: 'profile', profileId } }),
  openDeleteConfirm: (profileId) => set({ dialog: { kind: 'delete-profile', profileId } }),
  openPurgeConfirm: (connectionId, queue) => set({ dialog: { kind: 'purge', connectionId, queue } }),
  closeDialog: () => set({ dialog: null }),
  loadAppInfo: async () => {
    try {
      set({ appInfo: await api().appInfo({}) })
    } catch (err) {
      get().reportError(err, 'Read app info')
    }
  },
})
