import type { CallResponse } from '../../../shared/contract'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { BullmqState } from '../../../shared/bullmq'
import type { SliceCreator } from './app.store'
import { describeClean, describeRetry } from './bullmq.selectors'

export type BullmqJobsPage = CallResponse<'bullmq:jobs'>

/** Jobs a page of the job browser asks for (the contract allows up to 500). */
export const BULLMQ_PAGE_SIZE = 50

export type BullmqDialog = 'retry-all' | 'clean'

/** The job browser of the BullMQ queue whose details are open; one at a time, like the message browser. */
export interface BullmqView {
  connectionId: string
  /** `bullmq:<name>` as the core takes it. */
  source: string
  state: BullmqState
  /** 0-based index of the page's first job in that state, newest first. */
  start: number
  loading: boolean
  /** The last page that arrived (kept while the next one loads, so the list does not blink). */
  page: BullmqJobsPage | null
  /** The last load's failure, in the core's words; cleared by the next success. */
  error: QsErrorShape | null
  selectedJobId: string | null
  /** Failed jobs ticked for "Retry selected". */
  picked: string[]
  /** A retry or clean is running: its buttons wait. */
  busy: boolean
  dialog: BullmqDialog | null
}

export interface CleanOptions {
  graceMs: number
  limit: number
  /** What the user typed: the core checks it equals the queue's name. */
  confirm: string
}

export interface BullmqSlice {
  bullmq: BullmqView | null
  /**
   * Loads a page of jobs. For another queue than the open one the view starts afresh (waiting jobs,
   * first page); `state` switches the state (first page), `start` pages within it.
   */
  loadBullmqJobs(connectionId: string, source: string, options?: { state?: BullmqState; start?: number }): Promise<void>
  selectJob(id: string | null): void
  toggleJobPick(id: string): void
  setJobPicks(ids: string[]): void
  openBullmqDialog(dialog: BullmqDialog | null): void
  /** Retries these failed jobs, or every failed job (null); says how many, relists the page and the sources. */
  retryJobs(jobIds: string[] | null): Promise<void>
  /** Removes completed jobs through bullmq's Queue.clean; true when it did (the dialog closes). */
  cleanCompleted(options: CleanOptions): Promise<boolean>
}

export const createBullmqSlice: SliceCreator<BullmqSlice> = (set, get, { api }) => {
  /** Answers to older loads (a state clicked, then another) must not overwrite newer ones. */
  let loadSeq = 0

  const patch = (connectionId: string, source: string, change: Partial<BullmqView>) =>
    set((s) => (s.bullmq !== null && s.bullmq.connectionId === connectionId && s.bullmq.source === source ? { bullmq: { ...s.bullmq, ...change } } : {}))

  /** Reloads what the view shows after a write, and the listing whose counts changed. */
  const refreshAfterWrite = (view: BullmqView) => {
    void get().loadBullmqJobs(view.connectionId, view.source, { start: view.start })
    void get().refreshSources(view.connectionId)
  }

  return {
    bullmq: null,
    loadBullmqJobs: async (connectionId, source, options = {}) => {
      const current = get().bullmq
      const same = current !== null && current.connectionId === connectionId && current.source === source
      const state = options.state ?? (same ? current.state : 'waiting')
      const stateChanged = !same || state !== current.state
      const start = options.start ?? (stateChanged ? 0 : current.start)
      const base: BullmqView = same
        ? current
        : { connectionId, source, state, start, loading: true, page: null, error: null, selectedJobId: null, picked: [], busy: false, dialog: null }
      set({
        bullmq: {
          ...base,
          state,
          start,
          loading: true,
          // Another state's page and picks mean nothing here.
          ...(stateChanged ? { page: null, selectedJobId: null, picked: [] } : {}),
        },
      })
      const seq = ++loadSeq
      try {
        const page = await api().bullmqJobs({ connectionId, source, state, start, count: BULLMQ_PAGE_SIZE })
        if (seq !== loadSeq) return
        const ids = new Set(page.jobs.map((job) => job.id))
        set((s) => {
          const view = s.bullmq
          if (view === null || view.connectionId !== connectionId || view.source !== source) return {}
          return {
            bullmq: {
              ...view,
              loading: false,
              page,
              error: null,
              // A job that left this state (retried, cleaned, finished) is no longer open or picked.
              selectedJobId: view.selectedJobId !== null && ids.has(view.selectedJobId) ? view.selectedJobId : null,
              picked: view.picked.filter((id) => ids.has(id)),
            },
          }
        })
      } catch (err) {
        if (seq !== loadSeq) return
        patch(connectionId, source, { loading: false, error: toQsErrorShape(err) })
      }
    },
    selectJob: (id) => set((s) => (s.bullmq === null ? {} : { bullmq: { ...s.bullmq, selectedJobId: id } })),
    toggleJobPick: (id) =>
      set((s) => {
        if (s.bullmq === null) return {}
        const picked = s.bullmq.picked.includes(id) ? s.bullmq.picked.filter((p) => p !== id) : [...s.bullmq.picked, id]
        return { bullmq: { ...s.bullmq, picked } }
      }),
    setJobPicks: (ids) => set((s) => (s.bullmq === null ? {} : { bullmq: { ...s.bullmq, picked: ids } })),
    openBullmqDialog: (dialog) => set((s) => (s.bullmq === null ? {} : { bullmq: { ...s.bullmq, dialog } })),
    retryJobs: async (jobIds) => {
      const view = get().bullmq
      if (view === null || view.busy) return
      const { connectionId, source } = view
      patch(connectionId, source, { busy: true })
      try {
        const result = await api().bullmqRetry({ connectionId, source, ...(jobIds === null ? {} : { jobIds }) })
        patch(connectionId, source, { busy: false, dialog: null, picked: [] })
        get().pushToast({ kind: result.notRetried.length > 0 ? 'error' : 'info', title: `Retry in ${source}`, message: describeRetry(result) })
        refreshAfterWrite(view)
      } catch (err) {
        patch(connectionId, source, { busy: false })
        get().reportError(err, `Retry in ${source}`)
      }
    },
    cleanCompleted: async ({ graceMs, limit, confirm }) => {
      const view = get().bullmq
      if (view === null || view.busy) return false
      const { connectionId, source } = view
      patch(connectionId, source, { busy: true })
      try {
        const { removed } = await api().bullmqClean({ connectionId, source, state: 'completed', graceMs, limit, confirm })
        patch(connectionId, source, { busy: false, dialog: null })
        get().pushToast({ kind: 'info', title: `Clean ${source}`, message: describeClean(removed) })
        refreshAfterWrite(view)
        return true
      } catch (err) {
        patch(connectionId, source, { busy: false })
        get().reportError(err, `Clean ${source}`)
        return false
      }
    },
  }
}
