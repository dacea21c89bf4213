import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { CALL_CHANNELS } from '../../shared/contract'
import type { Envelope } from '../../shared/api'
import type { Core } from '../core/core'
import { createDispatcher } from '../core/dispatch'
import type { Session } from '../core/session'
import { callWithChosenFile, FILE_CALLS, type FileDialogs } from './file-transfer'

/**
 * Is this frame our own renderer? Parses the URL (never `startsWith` on strings, docs/coding.md): in
 * development the Vite dev server's exact origin, otherwise a file: URL inside the renderer folder.
 */
export function isTrustedSender(frameUrl: string | undefined, trusted: { devOrigin?: string; rendererFile: string }): boolean {
  if (!frameUrl) return false
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (trusted.devOrigin) {
    const dev = new URL(trusted.devOrigin)
    return url.origin === dev.origin
  }
  if (url.protocol !== 'file:') return false
  const expected = new URL(trusted.rendererFile.startsWith('file:') ? trusted.rendererFile : `file://${trusted.rendererFile}`)
  return url.pathname === expected.pathname
}

/**
 * Registers one ipcMain handler per contract call, generated from the contract (no handler is
 * hand-written). Each checks the sender frame, then calls into the core as that window's session,
 * which parses the payload with its schema. Returns a function that removes the handlers.
 */
export function registerIpc(ipcMain: IpcMain, core: Core, isTrusted: (event: IpcMainInvokeEvent) => boolean, dialogs: FileDialogs): () => void {
  // Export and import run as the user's own process, with a file the user picked (file-transfer.ts).
  const local = createDispatcher(core, { caller: 'local' })
  const sessionOf = windowSessions(core)
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Envelope<unknown>> => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'BAD_REQUEST', message: `refused ${channel}: the request did not come from the Queuescope window` } }
      }
      if (FILE_CALLS.has(channel)) return callWithChosenFile(channel, payload, event.sender, dialogs, local)
      return sessionOf(event.sender).call(channel, payload)
    })
  }
  return () => {
    for (const channel of CALL_CHANNELS) ipcMain.removeHandler(channel)
  }
}

/**
 * A core session per window, made on its first call (a page calls before it shows anything) and
 * sending it that session's events. When the window closes, reloads or its renderer crashes, the
 * session is disposed: nobody will read its tails again (docs/coding.md: what a client starts ends
 * when the client goes); a reloaded page starts a new one.
 */
function windowSessions(core: Core): (sender: WebContents) => Session {
  const sessions = new Map<number, Session>()
  return (sender) => {
    const existing = sessions.get(sender.id)
    if (existing) return existing
    const session = core.createSession()
    const id = sender.id
    sessions.set(id, session)
    session.onEvent((channel, payload) => {
      if (!sender.isDestroyed()) sender.send(channel, payload)
    })
    const release = (): void => {
      sender.off('destroyed', release)
      sender.off('did-navigate', release)
      sender.off('render-process-gone', release)
      sessions.delete(id)
      void session.dispose('the window that started it closed or reloaded')
    }
    sender.on('destroyed', release)
    sender.on('did-navigate', release)
    sender.on('render-process-gone', release)
    return session
  }
}
