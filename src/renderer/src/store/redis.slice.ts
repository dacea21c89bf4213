import type { CallRequest, CallResponse } from '../../../shared/contract'
import type { PeekedMessage } from '../../../shared/messages'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'
import { describeAck, describeClaim, describeReadd, firstPage, nextPageOf, type RedisPage } from './redis.selectors'

/** Pending entries per page (XPENDING extended form; the contract allows up to 1,000). */
export const PENDING_PAGE_SIZE = 100

export type PendingResult = CallResponse<'streams:pending'>

/** The Pending tab of one stream: a group (and maybe one consumer), a page of its PEL, what is ticked. */
export interface PendingView {
  connectionId: string
  /** `stream:<key>` */
  source: string
  group: string
  /** '' = every consumer of the group. */
  consumer: string
  /** The exclusive id the shown page starts after; undefined for the first page. */
  after: string | undefined
  /** The `after` of each earlier page, for Previous. */
  history: (string | undefined)[]
  loading: boolean
  result: PendingResult | null
  error: QsErrorShape | null
  /** Entry ids ticked for claim or acknowledge. */
  selected: string[]
  /** The last claim or acknowledge, in words (stays until the next one). */
  outcome: string | null
}

/** Stream entries ticked in the Messages tab (for XDEL); ids survive paging. */
export interface EntrySelection {
  connectionId: string
  source: string
  ids: string[]
}

/**
 * The stream entry open in the Messages tab, read whole by id (`streams:entry`): a page in summary
 * form carries only what the list shows.
 */
export interface StreamEntryView {
  id: string
  loading: boolean
  /** The entry fully decoded (typed headers, properties, the body decompressed), once read. */
  message: PeekedMessage | null
  /** What was cut for display, in the core's words. */
  warnings: string[]
  /** Why it could not be read (e.g. deleted since the page was read); the pane offers to try again. */
  error: QsErrorShape | null
}

export type PendingMove = 'first' | 'next' | 'previous' | 'same'
export type PageMove = 'first' | 'next' | 'previous' | 'same' | { stream: 'forward' | 'backward' } | { list: 'head' | 'tail' } | { at: string }

export interface RedisSlice {
  pending: PendingView | null
  entrySelection: EntrySelection | null
  /** A claim, acknowledge or write is running: the buttons wait for it. */
  redisBusy: boolean
  /** Reads a page of a group's pending entries; a new group or consumer starts at the first page. */
  loadPending(connectionId: string, source: string, group: string, options?: { consumer?: string; move?: PendingMove }): Promise<void>
  setPendingSelection(ids: string[]): void
  togglePendingEntry(id: string): void
  /** XCLAIM the ticked entries to `consumer`; says what happened and reloads the page. True on success. */
  claimPending(consumer: string, minIdleMs: number): Promise<boolean>
  /** XACK the ticked entries; says how many and reloads the page. True on success. */
  ackPending(): Promise<boolean>
  /**
   * Re-adds pending entries to their own stream through the replay engine (`sourceGroup`): each is
   * XADDed again and then acknowledged in the group. `confirm` is the stream's name (a move).
   */
  readdPending(connectionId: string, source: string, group: string, ids: string[], confirm: string): Promise<boolean>
  /** Pages through a Redis stream or list in the Messages tab (peek with range / listFrom + offset). */
  pageMessages(connectionId: string, source: string, move: PageMove): Promise<void>
  /**
   * Reads entry `id` of the stream shown whole (`streams:entry`) for the detail pane; again after a
   * failure, not while it is read or once it is there. An answer for an entry no longer open is dropped.
   */
  openStreamEntry(id: string): Promise<void>
  setEntrySelection(connectionId: string, source: string, ids: string[]): void
  toggleEntry(connectionId: string, source: string, id: string): void
  /**
   * xdel / trim / delete (`redis:write`) or a purge (`sources:purge`) of a Redis source. Says what
   * was removed, relists the sources and re-reads what is shown. True on success.
   */
  writeRedis(request: CallRequest<'redis:write'> | { op: 'purge'; connectionId: string; source: string; confirm: string }): Promise<boolean>
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`

export const createRedisSlice: SliceCreator<RedisSlice> = (set, get, { api }) => {
  const samePending = (view: PendingView | null, connectionId: string, source: string, group: string, consumer: string): view is PendingView =>
    view !== null && view.connectionId === connectionId && view.source === source && view.group === group && view.consumer === consumer

  /** Re-reads the page the Messages tab shows (after a write), from its own request. */
  const rebrowse = (connectionId: string, source: string) => {
    const browse = get().browse
    if (browse === null || browse.connectionId !== connectionId || browse.source !== source) return
    void get().browseMessages(connectionId, source, { page: browse.page ?? firstPage(source.startsWith('list:') ? 'list' : 'stream'), history: browse.history })
  }

  const refreshAfterWrite = (connectionId: string, source: string) => {
    void get().refreshSources(connectionId)
    const topology = get().topology
    if (topology !== null && topology.connectionId === connectionId && topology.source === source) void get().loadSourceDetails(connectionId, source)
    const pending = get().pending
    if (pending !== null && pending.connectionId === connectionId && pending.source === source)
      void get().loadPending(connectionId, source, pending.group, { consumer: pending.consumer, move: 'same' })
  }

  return {
    pending: null,
    entrySelection: null,
    redisBusy: false,

    loadPending: async (connectionId, source, group, options = {}) => {
      const current = get().pending
      const consumer = options.consumer ?? (current !== null && samePending(current, connectionId, source, group, current.consumer) ? current.consumer : '')
      const same = samePending(current, connectionId, source, group, consumer)
      const move = same ? (options.move ?? 'same') : 'first'
      if (same && current.loading && move === 'same') return
      let after: string | undefined
      let history: (string | undefined)[] = []
      if (same && move !== 'first') {
        history = current.history
        after = current.after
        if (move === 'next') {
          const last = current.result?.entries.at(-1)
          if (!last) return
          history = [...current.history, current.after]
          after = last.id
        } else if (move === 'previous') {
          if (current.history.length === 0) return
          after = current.history.at(-1)
          history = current.history.slice(0, -1)
        }
      }
      const base: PendingView = same
        ? { ...current, after, history, loading: true, error: null }
        : { connectionId, source, group, consumer, after, history, loading: true, result: null, error: null, selected: [], outcome: null }
      set({ pending: base })
      const stillAsked = () => {
        const now = get().pending
        return samePending(now, connectionId, source, group, consumer) && now!.after === after
      }
      try {
        const result = await api().streamsPending({
          connectionId,
          source,
          group,
          count: PENDING_PAGE_SIZE,
          ...(consumer === '' ? {} : { consumer }),
          ...(after === undefined ? {} : { after }),
        })
        if (!stillAsked()) return
        // Ticks stay on the entries still listed: a claimed or acknowledged one went away.
        const listed = new Set(result.entries.map((e) => e.id))
        set((s) => ({ pending: { ...s.pending!, loading: false, result, error: null, selected: s.pending!.selected.filter((id) => listed.has(id)) } }))
      } catch (err) {
        if (stillAsked()) set((s) => ({ pending: { ...s.pending!, loading: false, error: toQsErrorShape(err) } }))
      }
    },

    setPendingSelection: (ids) => set((s) => (s.pending ? { pending: { ...s.pending, selected: ids } } : {})),
    togglePendingEntry: (id) =>
      set((s) => {
        if (!s.pending) return {}
        const selected = s.pending.selected.includes(id) ? s.pending.selected.filter((x) => x !== id) : [...s.pending.selected, id]
        return { pending: { ...s.pending, selected } }
      }),

    claimPending: async (consumer, minIdleMs) => {
      const view = get().pending
      if (view === null || view.selected.length === 0 || get().redisBusy) return false
      set({ redisBusy: true })
      try {
        const result = await api().streamsClaim({
          connectionId: view.connectionId,
          source: view.source,
          group: view.group,
          ids: view.selected,
          consumer,
          minIdleMs,
        })
        const outcome = describeClaim(consumer, result)
        // The outcome line says it (no toast); the ticks go, so the next action is chosen afresh.
        set((s) => ({ redisBusy: false, pending: s.pending === null ? null : { ...s.pending, outcome, selected: [] } }))
        refreshAfterWrite(view.connectionId, view.source)
        return true
      } catch (err) {
        set({ redisBusy: false })
        get().reportError(err, `Claim in ${view.group}`)
        return false
      }
    },

    ackPending: async () => {
      const view = get().pending
      if (view === null || view.selected.length === 0 || get().redisBusy) return false
      set({ redisBusy: true })
      try {
        const { acknowledged } = await api().streamsAck({ connectionId: view.connectionId, source: view.source, group: view.group, ids: view.selected })
        const outcome = describeAck(view.selected.length, acknowledged)
        set((s) => ({ redisBusy: false, pending: s.pending === null ? null : { ...s.pending, outcome, selected: [] } }))
        refreshAfterWrite(view.connectionId, view.source)
        return true
      } catch (err) {
        set({ redisBusy: false })
        get().reportError(err, `Acknowledge in ${view.group}`)
        return false
      }
    },

    readdPending: async (connectionId, source, group, ids, confirm) => {
      if (get().redisBusy) return false
      set({ redisBusy: true })
      try {
        const report = await api().replayStart({
          connectionId,
          source,
          to: { connectionId, target: source },
          mode: 'move',
          sourceGroup: group,
          messageIds: ids,
          confirm,
        })
        const outcome = describeReadd(report)
        set((s) => ({ redisBusy: false, pending: s.pending === null ? null : { ...s.pending, outcome, selected: [] } }))
        if (report.failed > 0 || report.error) get().pushToast({ kind: 'error', title: `Re-add from ${group}`, message: outcome })
        refreshAfterWrite(connectionId, source)
        rebrowse(connectionId, source)
        return true
      } catch (err) {
        set({ redisBusy: false })
        get().reportError(err, `Re-add from ${group}`)
        return false
      }
    },

    pageMessages: async (connectionId, source, move) => {
      const kind = source.startsWith('list:') ? 'list' : 'stream'
      const browse = get().browse
      const same = browse !== null && browse.connectionId === connectionId && browse.source === source
      const shown = same && browse.page ? browse.page : null
      const history = same ? (browse.history ?? []) : []
      let page: RedisPage
      let nextHistory: RedisPage[] = []
      if (typeof move === 'object' && 'stream' in move) {
        page = { kind: 'stream', direction: move.stream }
      } else if (typeof move === 'object' && 'list' in move) {
        page = { kind: 'list', from: move.list, offset: 0 }
      } else if (move === 'first' || shown === null) {
        page = shown === null ? firstPage(kind) : shown.kind === 'stream' ? { kind: 'stream', direction: shown.direction } : { ...shown, offset: 0 }
      } else if (move === 'same') {
        page = shown
        nextHistory = history
      } else if (move === 'next') {
        const next = nextPageOf(shown, browse!.result?.next)
        if (next === null) return
        page = next
        nextHistory = [...history, shown]
      } else if (move === 'previous') {
        const previous = history.at(-1)
        if (previous === undefined) return
        page = previous
        nextHistory = history.slice(0, -1)
      } else {
        // A jump keeps the direction: "from this id on" newest-first or oldest-first.
        page = { kind: 'stream', direction: shown.kind === 'stream' ? shown.direction : 'forward', at: move.at }
        nextHistory = [...history, shown]
      }
      await get().browseMessages(connectionId, source, { page, history: nextHistory })
    },

    openStreamEntry: async (id) => {
      const browse = get().browse
      if (browse === null) return
      const current = browse.entry
      if (current !== undefined && current.id === id && (current.loading || current.message !== null)) return
      const { connectionId, source } = browse
      const generation = get().scopeGeneration(connectionId)
      const entry = (next: StreamEntryView) =>
        set((s) =>
          s.browse !== null &&
          s.browse.connectionId === connectionId &&
          s.browse.source === source &&
          s.scopeGeneration(connectionId) === generation &&
          (next.loading || s.browse.entry?.id === id)
            ? { browse: { ...s.browse, entry: next } }
            : {},
        )
      entry({ id, loading: true, message: null, warnings: [], error: null })
      try {
        const { message, warnings } = await api().streamsEntry({ connectionId, source, id })
        entry({ id, loading: false, message, warnings, error: null })
      } catch (err) {
        entry({ id, loading: false, message: null, warnings: [], error: toQsErrorShape(err) })
      }
    },

    setEntrySelection: (connectionId, source, ids) => set({ entrySelection: { connectionId, source, ids } }),
    toggleEntry: (connectionId, source, id) =>
      set((s) => {
        const current =
          s.entrySelection !== null && s.entrySelection.connectionId === connectionId && s.entrySelection.source === source ? s.entrySelection.ids : []
        const ids = current.includes(id) ? current.filter((x) => x !== id) : [...current, id]
        return { entrySelection: { connectionId, source, ids } }
      }),

    writeRedis: async (request) => {
      if (get().redisBusy) return false
      set({ redisBusy: true })
      const { connectionId, source } = request
      const title = { xdel: `Delete entries of ${source}`, trim: `Trim ${source}`, delete: `Delete ${source}`, purge: `Purge ${source}` }[request.op]
      try {
        const removed =
          request.op === 'purge'
            ? (await api().sourcesPurge({ connectionId, source, confirm: request.confirm })).purged
            : (await api().redisWrite(request)).removed
        set({ redisBusy: false })
        const what = source.startsWith('list:') ? plural(removed, 'item') : plural(removed, 'entry', 'entries')
        get().pushToast({ kind: 'info', title, message: request.op === 'delete' ? `Deleted the key (${what})` : `Removed ${what}` })
        if (request.op === 'xdel') set({ entrySelection: null })
        if (request.op === 'delete') {
          // The key is gone: nothing left to show for it.
          if (get().selectedSourceKey === source) get().selectSource(null)
          set((s) => ({ browse: s.browse?.source === source ? null : s.browse, pending: s.pending?.source === source ? null : s.pending }))
          void get().refreshSources(connectionId)
        } else {
          refreshAfterWrite(connectionId, source)
          rebrowse(connectionId, source)
        }
        return true
      } catch (err) {
        set({ redisBusy: false })
        get().reportError(err, title)
        return false
      }
    },
  }
}
