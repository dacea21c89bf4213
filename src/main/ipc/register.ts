import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { CALL_CHANNELS } from '../../shared/contract'
import type { Envelope } from '../../shared/api'
import type { Core } from '../core/core'
import { createDispatcher } from '../core/api'

/**
 * Is this frame our own renderer? Parses the URL (never `startsWith` on strings, STYLE.md): in
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
export function registerIpc(
  ipcMain: IpcMain,
  core: Core,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  const call = createDispatcher(core)
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Envelope<unknown>> => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'BAD_REQUEST', message: `refused ${channel}: the request did not come from the Queuescope window` } }
      }
      return call(channel, payload)
    })
  }
  return () => {
    for (const channel of CALL_CHANNELS) ipcMain.removeHandler(channel)
  }
}

/** Forwards every core event to a window; returns the unsubscribe. */
export function forwardEvents(core: Core, target: () => WebContents | null): () => void {
  return core.onEvent((channel, payload) => {
    const contents = target()
    if (contents && !contents.isDestroyed()) contents.send(channel, payload)
  })
}
