import { toQsErrorShape } from '../../../shared/errors'
import type { SliceCreator } from './app.store'

/**
 * Export to and import from a file, in the desktop app: the renderer asks, the main process shows
 * a native Save or Open dialog and does the work (the renderer never names a path). The web UI
 * has no such dialog; there the CLI does it. Results and refusals come back as toasts.
 */
export interface TransferSlice {
  /** Source or target being exported or imported right now (one at a time). */
  transferring: string | null
  exportToFile(connectionId: string, source: string, options?: { acceptDeliveryLimitRisk?: boolean }): Promise<void>
  importFromFile(connectionId: string, target: string): Promise<void>
}

export const createTransferSlice: SliceCreator<TransferSlice> = (set, get, { api }) => {
  /** Runs one transfer; a cancelled dialog is no news. */
  const run = async (what: string, title: string, work: () => Promise<string>): Promise<void> => {
    if (get().transferring !== null) return
    set({ transferring: what })
    try {
      get().pushToast({ kind: 'info', title, message: await work() })
    } catch (err) {
      if (toQsErrorShape(err).code !== 'CANCELLED') get().reportError(err, title)
    } finally {
      set({ transferring: null })
    }
  }
  return {
    transferring: null,
    exportToFile: (connectionId, source, options = {}) =>
      run(source, `Export ${source}`, async () => {
        const {
          exported,
          path,
          warnings = [],
        } = await api().messagesExport({ connectionId, source, ...(options.acceptDeliveryLimitRisk ? { acceptDeliveryLimitRisk: true } : {}) })
        return [`Exported ${exported.toLocaleString()} message${exported === 1 ? '' : 's'} to ${path}; nothing was consumed`, ...warnings].join('. ')
      }),
    importFromFile: (connectionId, target) =>
      run(target, `Import into ${target}`, async () => {
        const { published, failed, failures } = await api().messagesImport({ connectionId, target })
        const failedText = failed > 0 ? `; ${failed.toLocaleString()} failed (first: ${failures[0] ?? 'unknown'})` : ''
        return `Published ${published.toLocaleString()} message${published === 1 ? '' : 's'}${failedText}`
      }),
  }
}

/** Whether this front end can export and import (the desktop app's native dialogs). */
export const selectCanTransferFiles = (state: { appInfo: { mode: 'electron' | 'web' } | null }): boolean => state.appInfo?.mode === 'electron'
