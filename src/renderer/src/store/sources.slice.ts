import type { CallResponse } from '../../../shared/contract'
import { viewsOf } from '../brokers/registry'
import type { DiscoveryProgress } from '../../../shared/discovery'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'

export type SourcesListing = CallResponse<'sources:list'>

export interface SourcesEntry {
  /** The last good listing; kept while a refresh runs or fails, so the table does not flash. */
  listing: SourcesListing | null
  loading: boolean
  /** The last refresh's failure, cleared by the next success. */
  error: QsErrorShape | null
  /**
   * Set while `listing` holds only the first pages of a RabbitMQ listing (the first load of a big
   * vhost): how many queues are in and how many there are. Null once the listing is complete.
   */
  partial: { loaded: number; total: number } | null
  /** Redis: the discovery (SCAN) running for this listing, with its latest `sources:progress`. */
  discovery?: { id: string; progress: DiscoveryProgress | null; cancelled: boolean } | null
  /**
   * Redis: the listing came from a discovery the user cancelled, so it is incomplete; auto-refresh
   * leaves it alone until the user asks again (Refresh, another key pattern).
   */
  incomplete?: { scanned: number; total: number | null } | null
}

/** RabbitMQ's largest page (contract.ts `sources:list`): 10,000 queues come in 20 requests. */
export const PAGE_SIZE = 500

/** The listing's own columns, then those read from the latest metrics samples (publishRate, ackRate, trend). */
export const SORT_COLUMNS = [
  'name',
  'kind',
  'messages',
  'ready',
  'unacked',
  'consumers',
  'capacity',
  'groups',
  'deadLetter',
  'publishRate',
  'ackRate',
  'trend',
] as const
export type SortColumn = (typeof SORT_COLUMNS)[number]
export type SortDirection = 'asc' | 'desc'
export interface SortState {
  column: SortColumn
  direction: SortDirection
}

export interface SourcesSlice {
  sources: Record<string, SourcesEntry>
  filterText: string
  sort: SortState
  /** `<kind>:<name>` of the row whose details are open. */
  selectedSourceKey: string | null
  /** Redis: the SCAN MATCH glob per connection ('' = every key). */
  keyPatterns: Record<string, string>
  /**
   * Lists the connection's sources; a refresh already running is not started twice. `userAsked`:
   * the user asked for it (Refresh), so it also rescans after a cancelled discovery.
   */
  refreshSources(connectionId: string, options?: { userAsked?: boolean }): Promise<void>
  /** Redis: lists only keys matching `pattern`; a discovery running for the old pattern is cancelled. */
  setKeyPattern(connectionId: string, pattern: string): void
  /** `sources:progress` from the core: kept when it belongs to the discovery running now. */
  applyDiscoveryProgress(progress: DiscoveryProgress): void
  /** Stops the running discovery; the listing then holds what it found so far. */
  cancelDiscovery(connectionId: string): Promise<void>
  setFilterText(text: string): void
  /** Click on a header: same column flips the direction, another column starts at its natural one. */
  toggleSort(column: SortColumn): void
  selectSource(key: string | null): void
}

/** Numbers read best largest-first (the trend: fastest growing first); text A to Z. */
export function defaultDirection(column: SortColumn): SortDirection {
  return column === 'name' || column === 'kind' || column === 'deadLetter' ? 'asc' : 'desc'
}

const EMPTY_ENTRY: SourcesEntry = { listing: null, loading: false, error: null, partial: null, discovery: null, incomplete: null }

function queueCount(listing: SourcesListing): number {
  return listing.items.reduce((n, item) => n + (item.kind === 'queue' ? 1 : 0), 0)
}

/** Appends a later page; a queue that moved between pages while we read is kept once. */
export function appendPage(listing: SourcesListing, page: SourcesListing): SourcesListing {
  const seen = new Set(listing.items.map((item) => `${item.kind}:${item.name}`))
  const fresh = page.items.filter((item) => !seen.has(`${item.kind}:${item.name}`))
  return { ...listing, items: [...listing.items, ...fresh], warnings: [...new Set([...listing.warnings, ...page.warnings])], paging: page.paging }
}

export const createSourcesSlice: SliceCreator<SourcesSlice> = (set, get, { api }) => {
  const patch = (connectionId: string, next: Partial<SourcesEntry>) =>
    set((s) => ({ sources: { ...s.sources, [connectionId]: { ...(s.sources[connectionId] ?? EMPTY_ENTRY), ...next } } }))
  let discoverySeq = 0

  return {
    sources: {},
    keyPatterns: {},
    filterText: '',
    sort: { column: 'name', direction: 'asc' },
    selectedSourceKey: null,

    refreshSources: async (connectionId, options = {}) => {
      const before = get().sources[connectionId]
      if (before?.loading) return
      if (before?.incomplete && !options.userAsked) return
      const generation = get().scopeGeneration(connectionId)
      // Discoveries (Redis) are named, for their progress events and cancel.
      const broker = get().profiles.find((p) => p.id === connectionId)?.broker
      const discovers = broker !== undefined && viewsOf(broker).discovery !== null
      const discoveryId = discovers ? `${connectionId}:discovery:${++discoverySeq}` : null
      const pattern = discovers ? (get().keyPatterns[connectionId] ?? '') : ''
      // The connection moved to another vhost or database meanwhile, or the key pattern changed:
      // this listing is of the old one.
      const moved = () =>
        get().scopeGeneration(connectionId) !== generation || (discoveryId !== null && get().sources[connectionId]?.discovery?.id !== discoveryId)
      patch(connectionId, { loading: true, ...(discoveryId === null ? {} : { discovery: { id: discoveryId, progress: null, cancelled: false } }) })
      try {
        // Page 1 first, so a vhost with 10,000 queues shows its first screen from one request;
        // brokers without paging (Redis) answer with everything and no `paging`.
        let listing = await api().sourcesList({
          connectionId,
          page: 1,
          pageSize: PAGE_SIZE,
          ...(discoveryId === null ? {} : { discoveryId }),
          ...(pattern === '' ? {} : { pattern }),
        })
        const pageCount = listing.paging?.pageCount ?? 1
        // A later refresh keeps showing the complete listing it has until the new one is whole,
        // so the table never flickers back to one page.
        const showPartial = () => {
          const entry = get().sources[connectionId]
          return !entry || entry.listing === null || entry.partial !== null
        }
        const progress = () => ({ loaded: queueCount(listing), total: listing.paging?.total ?? queueCount(listing) })
        for (let page = 2; page <= pageCount; page++) {
          if (moved()) return
          if (showPartial()) patch(connectionId, { listing, partial: progress() })
          const next = await api().sourcesList({ connectionId, page, pageSize: PAGE_SIZE })
          listing = appendPage(listing, next)
          // The vhost shrank while we read: stop at the page the broker says is the last.
          if ((next.paging?.pageCount ?? page) <= page) break
        }
        if (moved()) return
        const discovery = get().sources[connectionId]?.discovery ?? null
        const incomplete = discovery?.cancelled ? { scanned: discovery.progress?.scanned ?? 0, total: discovery.progress?.total ?? null } : null
        patch(connectionId, { listing, loading: false, error: null, partial: null, discovery: null, incomplete })
      } catch (err) {
        if (!moved()) patch(connectionId, { loading: false, error: toQsErrorShape(err), discovery: null })
      }
    },

    setKeyPattern: (connectionId, pattern) => {
      const trimmed = pattern.trim()
      if ((get().keyPatterns[connectionId] ?? '') === trimmed) return
      const running = get().sources[connectionId]?.discovery
      // Its answer is dropped (moved() sees another discovery); a cancel that fails found it finished already.
      if (running)
        void api()
          .sourcesCancel({ id: running.id })
          .catch(() => undefined)
      set((s) => ({ keyPatterns: { ...s.keyPatterns, [connectionId]: trimmed } }))
      // Keys of the old pattern must not pass for matches of the new one.
      patch(connectionId, { listing: null, loading: false, error: null, discovery: null, incomplete: null })
      void get().refreshSources(connectionId, { userAsked: true })
    },

    applyDiscoveryProgress: (progress) => {
      const discovery = get().sources[progress.connectionId]?.discovery
      if (discovery && discovery.id === progress.id) patch(progress.connectionId, { discovery: { ...discovery, progress } })
    },

    cancelDiscovery: async (connectionId) => {
      const discovery = get().sources[connectionId]?.discovery
      if (!discovery || discovery.cancelled) return
      patch(connectionId, { discovery: { ...discovery, cancelled: true } })
      try {
        await api().sourcesCancel({ id: discovery.id })
      } catch (err) {
        get().reportError(err, 'Cancel discovery')
      }
    },

    setFilterText: (filterText) => set({ filterText }),

    toggleSort: (column) =>
      set((s) => ({
        sort: s.sort.column === column ? { column, direction: s.sort.direction === 'asc' ? 'desc' : 'asc' } : { column, direction: defaultDirection(column) },
      })),

    selectSource: (selectedSourceKey) => set({ selectedSourceKey }),
  }
}
