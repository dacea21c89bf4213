import type { CallRequest, CallResponse } from '../../../shared/contract'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import type { ReplayProgress, ReplayReport } from '../../../shared/replay'
import type { SliceCreator } from './app.store'
import { describeReportHeadline, otherTargetConnectionName } from './replay.selectors'

export type ReplayStartRequest = CallRequest<'replay:start'>
export type ReplayJournalListing = CallResponse<'replay:list'>

/**
 * One replay the dialog started: a dry run (the preview) or the real thing. `replay:start`
 * resolves only when the replay ends, so the run is followed through `replay:progress` events
 * carrying the id we gave it.
 */
export interface ReplayRun {
  id: string
  connectionId: string
  /** `queue:NAME`, `stream:KEY` or `list:KEY`. */
  source: string
  dryRun: boolean
  /** The request without id and confirm, as JSON: a preview is stale once the form says otherwise. */
  requestKey: string
  /** The target connection (for the relisting after a real replay). */
  targetConnectionId: string
  progress: ReplayProgress | null
  report: ReplayReport | null
  /** `replay:start` itself failed (refused, bad filter, connection gone): nothing was replayed. */
  error: QsErrorShape | null
  /** Cancel was asked for; the report comes when in-flight messages have settled. */
  cancelling: boolean
}

/** The messages ticked in the message browser for "Replay selected", by their message-id property. */
export interface ReplaySelection {
  connectionId: string
  source: string
  messageIds: string[]
}

export interface ReplayJournalState {
  listing: ReplayJournalListing | null
  loading: boolean
  error: QsErrorShape | null
}

export interface ReplaySlice {
  /** The latest preview (dry run) of the replay dialog; dropped when the dialog opens again. */
  replayPreview: ReplayRun | null
  /** The latest real replay; kept while it runs even if the dialog is closed. */
  replayRun: ReplayRun | null
  replaySelection: ReplaySelection | null
  replayJournal: ReplayJournalState
  /**
   * Opens the replay dialog for a RabbitMQ queue or a Redis stream or list; `messageIds` limits it to the selected messages.
   * A finished run or an old preview is forgotten; a running replay is kept (its dialog shows it).
   */
  openReplayDialog(connectionId: string, source: string, messageIds?: string[]): void
  openReplayJournal(): void
  /**
   * Starts a replay (`dryRun` in the request: a preview). Resolves when it has ended; its report or
   * failure is in `replayPreview` / `replayRun`. A second real replay is refused while one runs.
   */
  startReplay(request: ReplayStartRequest): Promise<void>
  cancelReplay(id: string): Promise<void>
  /** Feeds a `replay:progress` event in; events of other replays (another window) are ignored. */
  applyReplayProgress(progress: ReplayProgress): void
  toggleReplaySelection(connectionId: string, source: string, messageId: string): void
  setReplaySelection(connectionId: string, source: string, messageIds: string[]): void
  loadReplayJournal(): Promise<void>
}

/** The request minus what does not change what is replayed: its id and the typed confirmation. */
export function replayRequestKey(request: ReplayStartRequest): string {
  const { id: _id, confirm: _confirm, dryRun: _dryRun, ...rest } = request
  return JSON.stringify(rest)
}

/** A fresh replay id. `crypto.randomUUID` needs a secure context; web mode may be served over plain http on a LAN. */
export function newReplayId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export const createReplaySlice: SliceCreator<ReplaySlice> = (set, get, { api }) => {
  /** Patches the preview or the run with this id, whichever it is (no-op once it was replaced). */
  const patchRun = (id: string, next: Partial<ReplayRun>) =>
    set((s) => {
      if (s.replayRun !== null && s.replayRun.id === id) return { replayRun: { ...s.replayRun, ...next } }
      if (s.replayPreview !== null && s.replayPreview.id === id) return { replayPreview: { ...s.replayPreview, ...next } }
      return {}
    })

  const isRunning = (run: ReplayRun | null): boolean => run !== null && run.report === null && run.error === null

  return {
    replayPreview: null,
    replayRun: null,
    replaySelection: null,
    replayJournal: { listing: null, loading: false, error: null },

    openReplayDialog: (connectionId, source, messageIds) => {
      set((s) => ({
        dialog: { kind: 'replay', connectionId, source, messageIds: messageIds ?? null },
        replayPreview: null,
        replayRun: isRunning(s.replayRun) ? s.replayRun : null,
      }))
    },

    openReplayJournal: () => {
      set({ dialog: { kind: 'replays' } })
      void get().loadReplayJournal()
    },

    startReplay: async (request) => {
      const dryRun = request.dryRun === true
      if (!dryRun && isRunning(get().replayRun)) return
      if (dryRun && isRunning(get().replayPreview)) return
      const id = request.id ?? newReplayId()
      const targetConnectionId = 'target' in request.to ? request.to.connectionId : (request.to.connectionId ?? request.connectionId)
      const run: ReplayRun = {
        id,
        connectionId: request.connectionId,
        source: request.source,
        dryRun,
        requestKey: replayRequestKey(request),
        targetConnectionId,
        progress: null,
        report: null,
        error: null,
        cancelling: false,
      }
      set(dryRun ? { replayPreview: run } : { replayRun: run })
      let report: ReplayReport
      try {
        report = await api().replayStart({ ...request, id })
      } catch (err) {
        patchRun(id, { error: toQsErrorShape(err), cancelling: false })
        await get().loadReplayJournal()
        return
      }
      patchRun(id, { report, cancelling: false })
      // Every replay, dry runs too, is journaled: the journal view is current when it opens.
      const journal = get().loadReplayJournal()
      if (dryRun) return journal
      // The dialog may have been closed while it ran: say how it ended where it is still seen.
      const dialog = get().dialog
      if (dialog === null || dialog.kind !== 'replay') {
        get().pushToast({
          kind: report.error === undefined && report.failed === 0 ? 'info' : 'error',
          title: `Replay from ${report.source}`,
          message: describeReportHeadline(report, otherTargetConnectionName(report, request.connectionId, get().profiles)),
        })
      }
      if (report.mode === 'move' && report.acknowledged > 0) {
        // Moved messages are gone from the source: a browsed page of it would show ghosts.
        const browse = get().browse
        if (browse !== null && browse.connectionId === request.connectionId && browse.source === request.source) set({ browse: null })
        set((s) =>
          s.replaySelection !== null && s.replaySelection.connectionId === request.connectionId && s.replaySelection.source === request.source
            ? { replaySelection: null }
            : {},
        )
      }
      // Counts changed on both sides: the listing and the vhost / database picker's counts.
      for (const id of new Set([request.connectionId, targetConnectionId])) {
        void get().refreshSources(id)
        void get().refreshOverview(id)
      }
      await journal
    },

    cancelReplay: async (id) => {
      patchRun(id, { cancelling: true })
      try {
        const { cancelled } = await api().replayCancel({ id })
        // Not running any more: it ended on its own, and its report is on its way.
        if (!cancelled) patchRun(id, { cancelling: false })
      } catch (err) {
        patchRun(id, { cancelling: false })
        get().reportError(err, 'Cancel replay')
      }
    },

    applyReplayProgress: (progress) => {
      const { replayRun, replayPreview } = get()
      // The report is final: a progress event that arrives after it must not move the numbers back.
      const run =
        replayRun !== null && replayRun.id === progress.id ? replayRun : replayPreview !== null && replayPreview.id === progress.id ? replayPreview : null
      if (run === null || run.report !== null) return
      patchRun(progress.id, { progress })
    },

    toggleReplaySelection: (connectionId, source, messageId) =>
      set((s) => {
        const current =
          s.replaySelection !== null && s.replaySelection.connectionId === connectionId && s.replaySelection.source === source
            ? s.replaySelection.messageIds
            : []
        const messageIds = current.includes(messageId) ? current.filter((id) => id !== messageId) : [...current, messageId]
        return { replaySelection: { connectionId, source, messageIds } }
      }),

    setReplaySelection: (connectionId, source, messageIds) => set({ replaySelection: { connectionId, source, messageIds: [...new Set(messageIds)] } }),

    loadReplayJournal: async () => {
      set((s) => ({ replayJournal: { ...s.replayJournal, loading: true } }))
      try {
        const listing = await api().replayList({})
        set({ replayJournal: { listing, loading: false, error: null } })
      } catch (err) {
        set((s) => ({ replayJournal: { ...s.replayJournal, loading: false, error: toQsErrorShape(err) } }))
      }
    },
  }
}
