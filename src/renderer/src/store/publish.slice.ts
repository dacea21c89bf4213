import type { PublishResult } from '../../../shared/publish'
import type { SliceCreator } from './app.store'
import { buildPublishRequest } from './publish.selectors'

export interface HeaderRow {
  name: string
  value: string
}

/** The publish form as typed: text everywhere, turned into a request by `buildPublishRequest`. */
export interface PublishDraft {
  body: string
  routingKey: string
  listEnd: 'left' | 'right'
  headers: HeaderRow[]
  contentType: string
  deliveryMode: 1 | 2
  messageId: string
  correlationId: string
  replyTo: string
  expiration: string
  type: string
  appId: string
  priority: string
}

export interface RecentPublish {
  target: string
  draft: PublishDraft
  at: number
}

export interface PublishOutcome {
  connectionId: string
  target: string
  result: PublishResult
}

/** Recent publishes kept (in memory) for re-use as templates. */
export const MAX_RECENT_PUBLISHES = 10

export const EMPTY_DRAFT: PublishDraft = {
  body: '',
  routingKey: '',
  listEnd: 'left',
  headers: [],
  contentType: 'application/json',
  deliveryMode: 2,
  messageId: '',
  correlationId: '',
  replyTo: '',
  expiration: '',
  type: '',
  appId: '',
  priority: '',
}

export interface PublishSlice {
  publishDraft: PublishDraft
  publishing: boolean
  lastPublish: PublishOutcome | null
  recentPublishes: RecentPublish[]
  updatePublishDraft(patch: Partial<PublishDraft>): void
  addHeaderRow(): void
  updateHeaderRow(index: number, patch: Partial<HeaderRow>): void
  removeHeaderRow(index: number): void
  /** Loads a recent publish into the form (newest is 0). */
  applyRecentPublish(index: number): void
  publishMessage(connectionId: string, target: string): Promise<void>
}

export const createPublishSlice: SliceCreator<PublishSlice> = (set, get, { api }) => {
  const patchDraft = (patch: Partial<PublishDraft>) => set((s) => ({ publishDraft: { ...s.publishDraft, ...patch } }))
  return {
    publishDraft: EMPTY_DRAFT,
    publishing: false,
    lastPublish: null,
    recentPublishes: [],

    updatePublishDraft: patchDraft,
    addHeaderRow: () => patchDraft({ headers: [...get().publishDraft.headers, { name: '', value: '' }] }),
    updateHeaderRow: (index, patch) => patchDraft({ headers: get().publishDraft.headers.map((row, i) => (i === index ? { ...row, ...patch } : row)) }),
    removeHeaderRow: (index) => patchDraft({ headers: get().publishDraft.headers.filter((_, i) => i !== index) }),
    applyRecentPublish: (index) => {
      const recent = get().recentPublishes[index]
      if (recent) set({ publishDraft: recent.draft })
    },

    publishMessage: async (connectionId, target) => {
      if (get().publishing) return
      const draft = get().publishDraft
      set({ publishing: true, lastPublish: null })
      try {
        const result = await api().messagesPublish(buildPublishRequest(connectionId, target, draft))
        set((s) => ({
          publishing: false,
          lastPublish: { connectionId, target, result },
          recentPublishes: [{ target, draft, at: Date.now() }, ...s.recentPublishes].slice(0, MAX_RECENT_PUBLISHES),
        }))
      } catch (err) {
        set({ publishing: false })
        get().reportError(err, `Publish to ${target}`)
      }
    },
  }
}
