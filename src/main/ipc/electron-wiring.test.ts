/**
 * The Electron shell, tested without Electron (its binary may be absent): `electron` is replaced by
 * a stub that records what src/main/index.ts does with it.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { CALL_CHANNELS } from '../../shared/contract'
import type { Envelope } from '../../shared/api'

type Handler = (event: unknown, payload: unknown) => Promise<Envelope<unknown>>

const stub = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>()
  const windows: {
    options: { webPreferences: Record<string, unknown> }
    listeners: Map<string, (...a: unknown[]) => void>
    openHandler?: (d: { url: string }) => { action: string }
    loaded?: string
  }[] = []
  let resolveReady: () => void = () => undefined
  const ready = new Promise<void>((r) => (resolveReady = r))
  const session = {
    permissionRequest: null as null | ((webContents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void),
    permissionCheck: null as null | ((webContents: unknown, permission: string, origin: string, details: unknown) => boolean),
    devicePermission: null as null | ((details: unknown) => boolean),
    headers: null as
      null | ((details: { responseHeaders: Record<string, string[]> }, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void),
  }
  return {
    handlers,
    windows,
    ready,
    resolveReady: () => resolveReady(),
    opened: [] as string[],
    dialogs: [] as { kind: string; options: unknown }[],
    nextFile: null as string | null,
    session,
  }
})

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => stub.windows
    static fromWebContents = () => null
    webContents: Record<string, unknown>
    constructor(options: { webPreferences: Record<string, unknown> }) {
      const record = { options, listeners: new Map<string, (...a: unknown[]) => void>() } as (typeof stub.windows)[number]
      stub.windows.push(record)
      this.webContents = {
        on: (name: string, fn: (...a: unknown[]) => void) => record.listeners.set(name, fn),
        setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (record.openHandler = fn),
        session: {
          webRequest: { onHeadersReceived: (fn: typeof stub.session.headers) => (stub.session.headers = fn) },
          setPermissionRequestHandler: (fn: typeof stub.session.permissionRequest) => (stub.session.permissionRequest = fn),
          setPermissionCheckHandler: (fn: typeof stub.session.permissionCheck) => (stub.session.permissionCheck = fn),
          setDevicePermissionHandler: (fn: typeof stub.session.devicePermission) => (stub.session.devicePermission = fn),
        },
        isDestroyed: () => false,
        send: () => undefined,
      }
      ;(this as unknown as { record: typeof record }).record = record
    }
    once() {}
    on() {}
    show() {}
    loadFile(file: string) {
      ;(this as unknown as { record: { loaded?: string } }).record.loaded = file
      return Promise.resolve()
    }
    loadURL(url: string) {
      return this.loadFile(url)
    }
  }
  return {
    app: {
      enableSandbox: vi.fn(),
      whenReady: () => {
        stub.resolveReady()
        return Promise.resolve()
      },
      getVersion: () => '0.0.0-test',
      on: vi.fn(),
      quit: vi.fn(),
      exit: vi.fn(),
    },
    BrowserWindow,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => stub.handlers.set(channel, fn),
      removeHandler: (channel: string) => stub.handlers.delete(channel),
    },
    safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text' },
    shell: { openExternal: (url: string) => void stub.opened.push(url) },
    dialog: {
      showSaveDialog: async (...args: unknown[]) => {
        stub.dialogs.push({ kind: 'save', options: args.at(-1) })
        return stub.nextFile === null ? { canceled: true } : { canceled: false, filePath: stub.nextFile }
      },
      showOpenDialog: async (...args: unknown[]) => {
        stub.dialogs.push({ kind: 'open', options: args.at(-1) })
        return stub.nextFile === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [stub.nextFile] }
      },
    },
  }
})

describe('Electron wiring (stubbed electron)', () => {
  const guardsBefore = { rejection: 0, exception: 0 }
  beforeAll(async () => {
    process.env['QUEUESCOPE_CONFIG_DIR'] = mkdtempSync(join(tmpdir(), 'qs-electron-'))
    guardsBefore.rejection = process.listenerCount('unhandledRejection')
    guardsBefore.exception = process.listenerCount('uncaughtException')
    await import('../index')
    await stub.ready
    await vi.waitFor(() => expect(stub.windows).toHaveLength(1))
  })

  const rendererUrl = pathToFileURL(resolve(__dirname, '../../renderer/index.html')).href
  /** A window's webContents as ipcMain hands it over: what it was sent, and its lifecycle events. */
  function fakeSender(id: number) {
    const listeners = new Map<string, () => void>()
    return {
      id,
      sent: [] as { channel: string; payload: unknown }[],
      isDestroyed: () => false,
      send(channel: string, payload: unknown) {
        this.sent.push({ channel, payload })
      },
      on: (name: string, fn: () => void) => void listeners.set(name, fn),
      off: (name: string) => void listeners.delete(name),
      fire: (name: string) => listeners.get(name)?.(),
    }
  }
  const window1 = fakeSender(1)
  const frame = (url: string, sender = window1) => ({ senderFrame: { url }, sender })

  it('registers one ipcMain handler per contract call', () => {
    expect([...stub.handlers.keys()].sort()).toEqual([...CALL_CHANNELS].sort())
  })

  it('answers its own renderer and refuses foreign senders', async () => {
    const list = stub.handlers.get('profiles:list') as Handler
    expect(await list(frame(rendererUrl), {})).toMatchObject({ ok: true, data: { profiles: expect.any(Array) } })
    for (const url of ['https://evil.example/', 'file:///tmp/evil.html', `${rendererUrl}.evil.html`, 'about:blank', '']) {
      expect(await list(frame(url), {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/refused/) } })
    }
    expect(await list({ senderFrame: null }, {})).toMatchObject({ ok: false })
  })

  it('makes a session per window: its events go to that window, and end when it closes', async () => {
    const list = stub.handlers.get('connection:list') as Handler
    const window2 = fakeSender(2)
    expect(await list(frame(rendererUrl, window2), {})).toMatchObject({ ok: true })
    const cancel = stub.handlers.get('replay:cancel') as Handler
    // Connection status goes to every window (what a window started goes to it alone: core/session.test.ts).
    const connect = stub.handlers.get('connection:connect') as Handler
    const saved = (await (stub.handlers.get('profiles:list') as Handler)(frame(rendererUrl), {})) as { data: { profiles: { id: string }[] } }
    await connect(frame(rendererUrl), { profileId: saved.data.profiles[0]!.id })
    await vi.waitFor(() => expect(window2.sent.some((e) => e.channel === 'connection:status')).toBe(true))
    expect(window1.sent.some((e) => e.channel === 'connection:status')).toBe(true)
    // Closed: it gets nothing more, and its next call (after a reload) makes a fresh session.
    window2.fire('destroyed')
    const before = window2.sent.length
    await (stub.handlers.get('connection:disconnect') as Handler)(frame(rendererUrl), { connectionId: saved.data.profiles[0]!.id })
    await vi.waitFor(() => expect(window1.sent.filter((e) => e.channel === 'connection:status').length).toBeGreaterThan(1))
    expect(window2.sent).toHaveLength(before)
    expect(await cancel(frame(rendererUrl, window2), { id: 'none' })).toMatchObject({ ok: true, data: { cancelled: false } })
  })

  it('parses payloads at the boundary', async () => {
    const save = stub.handlers.get('profiles:save') as Handler
    expect(await save(frame(rendererUrl), { name: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
  })

  it('export and import: the user picks the file in a native dialog; a path from the window is refused', async () => {
    const exporting = stub.handlers.get('messages:export') as Handler
    const importing = stub.handlers.get('messages:import') as Handler
    stub.dialogs.length = 0
    expect(await exporting(frame(rendererUrl), { connectionId: 'c', source: 'queue:orders', path: '/home/me/.bash_profile' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
    expect(await importing(frame(rendererUrl), { connectionId: 'c', target: 'queue:orders', path: '/dev/zero' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
    expect(stub.dialogs).toEqual([])
    stub.nextFile = null
    expect(await exporting(frame(rendererUrl), { connectionId: 'c', source: 'queue:orders.dlq' })).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
    expect(stub.dialogs[0]).toMatchObject({ kind: 'save', options: { defaultPath: 'orders.dlq.ndjson' } })
    // With a file chosen the call goes on as the user's own (here: no connection "c" is open).
    stub.nextFile = join(tmpdir(), 'chosen.ndjson')
    expect(await exporting(frame(rendererUrl), { connectionId: 'c', source: 'queue:orders' })).toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } })
    expect(await importing(frame(rendererUrl), { connectionId: 'c', target: 'queue:orders' })).toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } })
    expect(stub.dialogs.map((d) => d.kind)).toEqual(['save', 'save', 'open'])
    // A foreign sender never gets as far as a dialog.
    expect(await exporting(frame('https://evil.example/'), { connectionId: 'c', source: 'queue:orders' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    })
    expect(stub.dialogs).toHaveLength(3)
  })

  it('opens the window with the secure webPreferences and denies navigation and new windows', () => {
    const [window] = stub.windows
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: expect.stringMatching(/preload[/\\]index\.cjs$/),
    })
    const event = { preventDefault: vi.fn() }
    window!.listeners.get('will-navigate')!(event, 'https://evil.example')
    expect(event.preventDefault).toHaveBeenCalled()
    expect(window!.openHandler!({ url: 'https://www.rabbitmq.com/docs' })).toEqual({ action: 'deny' })
    expect(window!.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(stub.opened).toEqual(['https://www.rabbitmq.com/docs'])
  })

  it('denies every permission request and check (camera, microphone, notifications, clipboard, devices...)', () => {
    const { permissionRequest, permissionCheck, devicePermission } = stub.session
    expect(permissionRequest).toBeTypeOf('function')
    expect(permissionCheck).toBeTypeOf('function')
    expect(devicePermission).toBeTypeOf('function')
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'clipboard-sanitized-write',
      'midiSysex',
      'openExternal',
      'fullscreen',
      'hid',
      'serial',
      'usb',
      'unknown',
    ]) {
      const callback = vi.fn()
      permissionRequest!({}, permission, callback, { requestingUrl: 'file:///x' })
      expect(callback).toHaveBeenCalledExactlyOnceWith(false)
      expect(permissionCheck!({}, permission, 'file://', {})).toBe(false)
    }
    expect(devicePermission!({ deviceType: 'usb', origin: 'file://' })).toBe(false)
  })

  it('sets the CSP header on every response: no connection beyond the page itself', () => {
    const callback = vi.fn()
    stub.session.headers!({ responseHeaders: { 'x-other': ['1'] } }, callback)
    const headers = callback.mock.calls[0]![0].responseHeaders as Record<string, string[]>
    expect(headers['x-other']).toEqual(['1'])
    const policy = headers['Content-Security-Policy']![0]!
    expect(policy).toContain("connect-src 'self';")
    expect(policy).not.toMatch(/ws:|wss:|\*/)
  })

  it('logs unhandled rejections and escaped exceptions instead of ending the app', () => {
    expect(process.listenerCount('unhandledRejection')).toBe(guardsBefore.rejection + 1)
    expect(process.listenerCount('uncaughtException')).toBe(guardsBefore.exception + 1)
  })
})
