import { BrowserWindow, dialog, type WebContents } from 'electron'
import type { FileDialogs } from '../ipc/file-transfer'

/**
 * The desktop app's native Save and Open dialogs for export and import: the user picks the file
 * in the main process, so the renderer never names a path on this machine.
 */
export const nativeFileDialogs: FileDialogs = {
  async chooseExportFile(sender: WebContents, suggestedName: string) {
    const window = BrowserWindow.fromWebContents(sender)
    const options = {
      title: 'Export messages',
      defaultPath: suggestedName,
      buttonLabel: 'Export',
      filters: [{ name: 'Queuescope export (NDJSON)', extensions: ['ndjson'] }],
    }
    const { canceled, filePath } = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options)
    return canceled || !filePath ? null : filePath
  },
  async chooseImportFile(sender: WebContents) {
    const window = BrowserWindow.fromWebContents(sender)
    const options = {
      title: 'Import messages',
      buttonLabel: 'Import',
      properties: ['openFile' as const],
      filters: [{ name: 'Queuescope export (NDJSON)', extensions: ['ndjson', 'jsonl', 'json'] }],
    }
    const { canceled, filePaths } = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options)
    return canceled || filePaths.length === 0 ? null : filePaths[0]!
  },
}
