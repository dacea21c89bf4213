import { BrowserWindow, shell, type WebPreferences } from 'electron'
import { join } from 'node:path'
import { denyAllPermissions } from './permissions'

/** The renderer's Content-Security-Policy, also set as a header on every response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** The Electron security checklist (docs/broker-facts.md "Electron"), in one place the tests read. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  }
}

export interface WindowPaths {
  preload: string
  rendererFile: string
  devUrl?: string
}

export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 560,
    title: 'Queuescope',
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(paths.preload),
  })
  window.once('ready-to-show', () => window.show())

  const { webContents } = window
  denyAllPermissions(webContents.session)
  webContents.session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  // No navigation away from the app, no new windows; http(s) links open in the user's browser.
  webContents.on('will-navigate', (event) => event.preventDefault())
  webContents.setWindowOpenHandler(({ url }) => {
    try {
      const parsed = new URL(url)
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') void shell.openExternal(parsed.toString())
    } catch {
      // not a URL: ignore
    }
    return { action: 'deny' }
  })

  if (paths.devUrl) void window.loadURL(paths.devUrl)
  else void window.loadFile(paths.rendererFile)
  return window
}

export function defaultWindowPaths(mainDir: string, devUrl: string | undefined): WindowPaths {
  return {
    preload: join(mainDir, '../preload/index.cjs'),
    rendererFile: join(mainDir, '../renderer/index.html'),
    devUrl,
  }
}
