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
  const windows: { options: { webPreferences: Record<string, unknown> }; listeners: Map<string, (...a: unknown[]) => void>; openHandler?: (d: { url: string }) => { action: string }; loaded?: string }[] = []
  let resolveReady: () => void = () => undefined
  const ready = new Promise<void>((r) => (resolveReady = r))
  return { handlers, windows, ready, resolveReady: () => resolveReady(), opened: [] as string[] }
})

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => stub.windows
    webContents: Record<string, unknown>
    constructor(options: { webPreferences: Record<string, unknown> }) {
      const record = { options, listeners: new Map<string, (...a: unknown[]) => void>() } as (typeof stub.windows)[number]
      stub.windows.push(record)
      this.webContents = {
        on: (name: string, fn: (...a: unknown[]) => void) => record.listeners.set(name, fn),
        setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (record.openHandler = fn),
        session: { webRequest: { onHeadersReceived: () => undefined } },
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
  }
})

describe('Electron wiring (stubbed electron)', () => {
  beforeAll(async () => {
    process.env['QUEUESCOPE_CONFIG_DIR'] = mkdtempSync(join(tmpdir(), 'qs-electron-'))
    await import('../index')
    await stub.ready
    await vi.waitFor(() => expect(stub.windows).toHaveLength(1))
  })

  const rendererUrl = pathToFileURL(resolve(__dirname, '../../renderer/index.html')).href
  const frame = (url: string) => ({ senderFrame: { url } })

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

  it('parses payloads at the boundary', async () => {
    const save = stub.handlers.get('profiles:save') as Handler
    expect(await save(frame(rendererUrl), { name: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
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
})
