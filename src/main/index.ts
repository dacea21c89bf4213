import { app, BrowserWindow, ipcMain } from 'electron'
import { fileURLToPath } from 'node:url'
import { dirname } from 'node:path'
import { createCore } from './core/core'
import { configDir } from './storage/paths'
import { osKeyring } from './storage/keyring'
import { safeStorageCipher } from './app/safe-storage'
import { createMainWindow, defaultWindowPaths } from './app/window'
import { nativeFileDialogs } from './app/file-dialogs'
import { installProcessGuards } from './app/process-guards'
import { isTrustedSender, registerIpc } from './ipc/register'

// The Electron shell is thin (docs/coding.md): start the core, wire IPC, open the window.
const mainDir = dirname(fileURLToPath(import.meta.url))
const devUrl = process.env['ELECTRON_RENDERER_URL']

async function main(): Promise<void> {
  // Logged rather than Electron's default for the main process (a modal error dialog, or an exit).
  installProcessGuards('queuescope')
  app.enableSandbox()
  await app.whenReady()
  const core = await createCore({
    configDir: configDir(),
    mode: 'electron',
    version: app.getVersion(),
    keyring: await osKeyring(),
    cipher: safeStorageCipher(),
  })
  const paths = defaultWindowPaths(mainDir, devUrl)
  // Each window is a core session of its own, made on its first call (ipc/register.ts).
  registerIpc(ipcMain, core, (event) => isTrustedSender(event.senderFrame?.url, { devOrigin: devUrl, rendererFile: paths.rendererFile }), nativeFileDialogs)

  const open = () => createMainWindow(paths)
  open()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('before-quit', () => {
    void core.close()
  })
}

main().catch((err: unknown) => {
  console.error('Queuescope failed to start:', err)
  app.exit(1)
})
