import type { WebContents } from 'electron'
import type { Envelope } from '../../shared/api'
import { parseSourceRef } from '../../shared/source-ref'
import type { Dispatcher } from '../core/dispatch'

/** Where the user picks a file; null when they cancelled. Injected, so tests need no Electron. */
export interface FileDialogs {
  chooseExportFile(sender: WebContents, suggestedName: string): Promise<string | null>
  chooseImportFile(sender: WebContents): Promise<string | null>
}

/** The calls that name a file, and how the desktop app names it: by asking the user. */
export const FILE_CALLS = new Set(['messages:export', 'messages:import'])

/**
 * Export and import from the desktop app: the renderer sends the request without a path, the
 * main process asks the user for the file with a native dialog and makes the call as the user's
 * own process (a local caller). A path sent by the renderer is refused: a renderer must never
 * name a file on this machine, whatever it was made to send.
 */
export async function callWithChosenFile(
  channel: string,
  payload: unknown,
  sender: WebContents,
  dialogs: FileDialogs,
  local: Dispatcher,
): Promise<Envelope<unknown>> {
  const request = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {}
  if ('path' in request) {
    return { ok: false, error: { code: 'FORBIDDEN', message: `${channel}: the window may not name a file; the app asks you for it` } }
  }
  let path: string | null
  try {
    path = channel === 'messages:export' ? await dialogs.chooseExportFile(sender, suggestedName(request['source'])) : await dialogs.chooseImportFile(sender)
  } catch (err) {
    return { ok: false, error: { code: 'INTERNAL', message: `the file dialog failed: ${err instanceof Error ? err.message : String(err)}` } }
  }
  if (path === null) return { ok: false, error: { code: 'CANCELLED', message: 'no file was chosen' } }
  return local(channel, { ...request, path })
}

/** "orders.dlq.ndjson" for queue:orders.dlq: a name any file system takes. */
function suggestedName(source: unknown): string {
  let name = 'messages'
  try {
    if (typeof source === 'string') name = parseSourceRef(source).name
  } catch {
    // not a source ref: the core will say so after the dialog; the name is only a suggestion
  }
  return `${
    name
      .replace(/[^\w.-]+/g, '_')
      .replace(/^\.+/, '')
      .slice(0, 100) || 'messages'
  }.ndjson`
}
