import type { PeekResult, StreamFrom } from '../../../shared/messages'
import { DEFAULT_PEEK_COUNT } from '../../../shared/messages'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'
import { peekFieldsOf, type RedisPage } from './redis.selectors'
import type { StreamEntryView } from './redis.slice'

/** The details panel's tabs; which of them a source has is in its capabilities (capabilities.selectors.ts). */
import type { DetailsTab } from '../../../shared/capabilities'
export type { DetailsTab }
export type BodyView = 'pretty' | 'raw' | 'hex'

export const PEEK_COUNTS = [10, 50, 200, 1000] as const

/** The "From" form of a stream-queue browse: the value stays text until the browse parses it. */
export interface StreamFromDraft {
  type: 'first' | 'last' | 'offset' | 'timestamp'
  value: string
}

export interface BrowseEntry {
  connectionId: string
  /** `<kind>:<name>` as the core takes it. */
  source: string
  loading: boolean
  result: PeekResult | null
  /** The last browse's refusal or failure, in the core's words; cleared by the next success. */
  error: QsErrorShape | null
  /** `PeekedMessage.id` of the message open in the detail pane. */
  selectedMessageId: string | null
  /** Redis streams and lists: the page shown (by id or offset), and the pages before it for Previous. */
  page?: RedisPage
  history?: RedisPage[]
  /** A stream page in summary form: the open entry, read whole by id (openStreamEntry). */
  entry?: StreamEntryView
}

export interface MessagesSlice {
  detailsTab: DetailsTab
  browseCount: number
  streamFrom: StreamFromDraft
  /** The checkbox "I accept that each browse spends a delivery attempt"; per browse target. */
  acceptDeliveryLimitRisk: boolean
  /** null: the view that suits the selected message (pretty JSON, raw text, hex for binary). */
  bodyView: BodyView | null
  /** The browse of the source whose details are open; one at a time. */
  browse: BrowseEntry | null
  setDetailsTab(tab: DetailsTab): void
  setBrowseCount(count: number): void
  setStreamFrom(from: StreamFromDraft): void
  setAcceptDeliveryLimitRisk(accept: boolean): void
  setBodyView(view: BodyView | null): void
  selectMessage(id: string | null): void
  /**
   * Peeks at `source`. `acceptRisk` re-asks a quorum queue with a delivery limit after the user
   * accepted that each browse spends a delivery attempt.
   */
  browseMessages(
    connectionId: string,
    source: string,
    options?: { acceptRisk?: boolean; streamQueue?: boolean; page?: RedisPage; history?: RedisPage[] },
  ): Promise<void>
}

/** The stream-queue "From" form as the contract wants it; a bad number is a BAD_REQUEST-like message. */
export function parseStreamFrom(draft: StreamFromDraft): StreamFrom | string {
  if (draft.type === 'first' || draft.type === 'last') return { type: draft.type }
  const text = draft.value.trim()
  if (draft.type === 'offset') {
    return /^\d+$/.test(text) ? { type: 'offset', value: Number(text) } : 'the offset must be a whole number (0 is the first message)'
  }
  // A timestamp: epoch ms, or anything Date.parse reads ("2026-11-26 10:00").
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text)
  return Number.isFinite(ms) && ms >= 0
    ? { type: 'timestamp', value: Math.floor(ms) }
    : 'the timestamp must be a date and time (2026-11-26T10:00) or epoch milliseconds'
}

export const createMessagesSlice: SliceCreator<MessagesSlice> = (set, get, { api }) => ({
  detailsTab: 'details',
  browseCount: DEFAULT_PEEK_COUNT,
  streamFrom: { type: 'first', value: '' },
  acceptDeliveryLimitRisk: false,
  bodyView: null,
  browse: null,

  setDetailsTab: (detailsTab) => set({ detailsTab }),
  setBrowseCount: (browseCount) => set({ browseCount }),
  setStreamFrom: (streamFrom) => set({ streamFrom }),
  setAcceptDeliveryLimitRisk: (acceptDeliveryLimitRisk) => set({ acceptDeliveryLimitRisk }),
  setBodyView: (bodyView) => set({ bodyView }),
  selectMessage: (id) => {
    set((s) => (s.browse ? { browse: { ...s.browse, selectedMessageId: id, ...(id === null ? { entry: undefined } : {}) }, bodyView: null } : {}))
    // A stream page in summary form holds no entry whole: the one opened is read by id.
    if (id !== null && get().browse?.result?.entries !== undefined) void get().openStreamEntry(id)
  },

  browseMessages: async (connectionId, source, options = {}) => {
    const previous = get().browse
    const same = previous !== null && previous.connectionId === connectionId && previous.source === source
    if (same && previous.loading) return
    const { browseCount, streamFrom } = get()
    let from: StreamFrom | undefined
    if (options.streamQueue) {
      const parsed = parseStreamFrom(streamFrom)
      if (typeof parsed === 'string') {
        set({
          browse: {
            connectionId,
            source,
            loading: false,
            result: same ? previous.result : null,
            error: { code: 'BAD_REQUEST', message: parsed },
            selectedMessageId: same ? previous.selectedMessageId : null,
          },
        })
        return
      }
      from = parsed
    }
    set({
      browse: {
        connectionId,
        source,
        loading: true,
        result: same ? previous.result : null,
        error: null,
        selectedMessageId: same ? previous.selectedMessageId : null,
        ...(options.page ? { page: options.page, history: options.history ?? [] } : {}),
        ...(same && previous.entry ? { entry: previous.entry } : {}),
      },
    })
    const generation = get().scopeGeneration(connectionId)
    // Same connection and name, but maybe another vhost by now: the generation tells them apart.
    const patch = (next: Partial<BrowseEntry>) =>
      set((s) =>
        s.browse && s.browse.connectionId === connectionId && s.browse.source === source && s.scopeGeneration(connectionId) === generation
          ? { browse: { ...s.browse, ...next } }
          : {},
      )
    try {
      const result = await api().messagesPeek({
        connectionId,
        source,
        count: browseCount,
        ...(from ? { from } : {}),
        ...(options.acceptRisk ? { acceptDeliveryLimitRisk: true } : {}),
        ...(options.page ? peekFieldsOf(options.page) : {}),
      })
      const selected = get().browse?.selectedMessageId ?? null
      // Keep the open message open when it is still on the page (ids are positions or offsets).
      const keep = selected !== null && (result.entries ?? result.messages).some((m) => m.id === selected)
      patch({ loading: false, result, error: null, selectedMessageId: keep ? selected : null, ...(keep ? {} : { entry: undefined }) })
      // An entry stays as it was read (stream entries never change); one not read yet, or that failed, is read now.
      if (keep && result.entries !== undefined && get().browse?.selectedMessageId === selected) void get().openStreamEntry(selected)
    } catch (err) {
      patch({ loading: false, error: toQsErrorShape(err) })
    }
  },
})
