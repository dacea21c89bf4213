import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { CALL_CHANNELS } from '../../shared/contract'
import type { Envelope } from '../../shared/api'
import type { Core } from '../core/core'
import { createDispatcher } from '../core/dispatch'
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
 * hand-written). Each checks the sender frame, then dispatches into the core, which parses the
 * payload with its schema. Returns a function that removes the handlers.
 */
export function registerIpc(ipcMain: IpcMain, core: Core, isTrusted: (event: IpcMainInvokeEvent) => boolean, dialogs: FileDialogs): () => void {
  const call = createDispatcher(core)
  // Export and import run as the user's own process, with a file the user picked (file-transfer.ts).
  const local = createDispatcher(core, { caller: 'local' })
  const ownTail = tailOwnership(core)
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Envelope<unknown>> => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'BAD_REQUEST', message: `refused ${channel}: the request did not come from the Queuescope window` } }
      }
      if (FILE_CALLS.has(channel)) return callWithChosenFile(channel, payload, event.sender, dialogs, local)
      const envelope = await call(channel, payload)
      if (channel === 'tail:start' && envelope.ok) ownTail(event.sender, (envelope.data as { tailId: string }).tailId)
      return envelope
    })
  }
  return () => {
    for (const channel of CALL_CHANNELS) ipcMain.removeHandler(channel)
  }
}

/**
 * Live tails belong to the window that started them: when it closes, reloads or its renderer
 * crashes, nobody will read their batches again, so they are stopped (docs/coding.md: what a client
 * starts ends when the client goes).
 */
function tailOwnership(core: Core): (sender: WebContents, tailId: string) => void {
  const owned = new Map<number, Set<string>>()
  return (sender, tailId) => {
    const existing = owned.get(sender.id)
    if (existing) {
      existing.add(tailId)
      return
    }
    const tails = new Set([tailId])
    const id = sender.id
    owned.set(id, tails)
    const release = (): void => {
      sender.off('destroyed', release)
      sender.off('did-navigate', release)
      sender.off('render-process-gone', release)
      owned.delete(id)
      for (const tail of tails) void core.tails.stop(tail, 'the window that started it closed or reloaded')
    }
    sender.on('destroyed', release)
    sender.on('did-navigate', release)
    sender.on('render-process-gone', release)
  }
}

/** Forwards every core event to a window; returns the unsubscribe. */
export function forwardEvents(core: Core, target: () => WebContents | null): () => void {
  return core.onEvent((channel, payload) => {
    const contents = target()
    if (contents && !contents.isDestroyed()) contents.send(channel, payload)
  })
}
