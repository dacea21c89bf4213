import type { CallResponse } from '../../../shared/contract'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'

export type SourcesListing = CallResponse<'sources:list'>

export interface SourcesEntry {
  /** The last good listing; kept while a refresh runs or fails, so the table does not flash. */
  listing: SourcesListing | null
  loading: boolean
  /** The last refresh's failure, cleared by the next success. */
  error: QsErrorShape | null
}

export const SORT_COLUMNS = ['name', 'kind', 'messages', 'ready', 'unacked', 'consumers', 'groups', 'deadLetter'] as const
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
  /** Lists the connection's sources; a refresh already running is not started twice. */
  refreshSources(connectionId: string): Promise<void>
  setFilterText(text: string): void
  /** Click on a header: same column flips the direction, another column starts at its natural one. */
  toggleSort(column: SortColumn): void
  selectSource(key: string | null): void
}

/** Numbers read best largest-first; text A to Z. */
export function defaultDirection(column: SortColumn): SortDirection {
  return column === 'name' || column === 'kind' || column === 'deadLetter' ? 'asc' : 'desc'
}

const EMPTY_ENTRY: SourcesEntry = { listing: null, loading: false, error: null }

export const createSourcesSlice: SliceCreator<SourcesSlice> = (set, get, { api }) => {
  const patch = (connectionId: string, next: Partial<SourcesEntry>) =>
    set((s) => ({ sources: { ...s.sources, [connectionId]: { ...(s.sources[connectionId] ?? EMPTY_ENTRY), ...next } } }))

  return {
    sources: {},
    filterText: '',
    sort: { column: 'name', direction: 'asc' },
    selectedSourceKey: null,

    refreshSources: async (connectionId) => {
      if (get().sources[connectionId]?.loading) return
      patch(connectionId, { loading: true })
      try {
        const listing = await api().sourcesList({ connectionId })
        patch(connectionId, { listing, loading: false, error: null })
      } catch (err) {
        patch(connectionId, { loading: false, error: toQsErrorShape(err) })
      }
    },

    setFilterText: (filterText) => set({ filterText }),

    toggleSort: (column) =>
      set((s) => ({
        sort:
          s.sort.column === column
            ? { column, direction: s.sort.direction === 'asc' ? 'desc' : 'asc' }
            : { column, direction: defaultDirection(column) },
      })),

    selectSource: (selectedSourceKey) => set({ selectedSourceKey }),
  }
}
