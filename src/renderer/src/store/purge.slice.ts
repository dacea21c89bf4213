import type { SliceCreator } from './app.store'

export interface PurgeSlice {
  purging: boolean
  /**
   * Purges a queue's ready messages. `confirm` is what the user typed (the core checks it equals
   * the name). Says "Purged N messages", relists the sources and closes the dialog on success.
   */
  purgeQueue(connectionId: string, queue: string, confirm: string): Promise<void>
}

/** "Purged 1 message", "Purged 1,234 messages". */
export function describePurge(purged: number): string {
  return `Purged ${purged.toLocaleString()} ${purged === 1 ? 'message' : 'messages'}`
}

export const createPurgeSlice: SliceCreator<PurgeSlice> = (set, get, { api }) => ({
  purging: false,
  purgeQueue: async (connectionId, queue, confirm) => {
    if (get().purging) return
    set({ purging: true })
    try {
      const { purged } = await api().sourcesPurge({ connectionId, source: `queue:${queue}`, confirm })
      set({ purging: false })
      get().closeDialog()
      get().pushToast({ kind: 'info', title: `Purge ${queue}`, message: describePurge(purged) })
      // What was browsed is gone: a stale page must not look like the queue's content.
      const browse = get().browse
      if (browse !== null && browse.connectionId === connectionId && browse.source === `queue:${queue}`) set({ browse: null })
      void get().refreshSources(connectionId)
    } catch (err) {
      set({ purging: false })
      get().reportError(err, `Purge ${queue}`)
    }
  },
})
