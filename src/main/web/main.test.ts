/**
 * `npm run web` as a process: what used to end it (one hostile frame, a malformed URL, a hostile
 * Host) leaves it running and answering, and it prints the URL with the token in the fragment.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeFrame, openRawWebSocket } from '../../test-support/raw-websocket'

describe('the web server process', () => {
  let child: ChildProcess
  let url: URL
  let exited: Promise<number | null>

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'main.ts'), '--port', '0'], {
      cwd: resolve(__dirname, '../../..'),
      env: { ...process.env, QUEUESCOPE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'qs-web-main-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)))
    let output = ''
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    url = await new Promise<URL>((resolveUrl, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /Queuescope web UI: (\S+)/.exec(output)
        if (match) resolveUrl(new URL(match[1]!))
      })
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)))
    })
  }, 30_000)
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  })

  const token = () => new URLSearchParams(url.hash.slice(1)).get('token')!

  async function appInfo(): Promise<unknown> {
    const ws = await openRawWebSocket(Number(url.port), `/ws?token=${token()}`)
    ws.sendText(JSON.stringify({ type: 'call', id: 1, channel: 'app:info' }))
    const answer = await ws.nextJson()
    ws.destroy()
    return answer
  }

  it('prints the token in the fragment only', () => {
    expect(url.search).toBe('')
    expect(token()).toMatch(/^[\w-]{20,}$/)
  })

  it('keeps running after the frames and requests that used to end it', async () => {
    for (const frame of [
      encodeFrame('null'),
      encodeFrame(Buffer.from([0xff, 0xfe])),
      encodeFrame('{}', { rsv: 4 }),
      encodeFrame(Buffer.alloc(8), { declaredLength: 97 * 1024 * 1024 }),
    ]) {
      const ws = await openRawWebSocket(Number(url.port), `/ws?token=${token()}`)
      ws.send(frame)
      await Promise.race([ws.nextJson(), ws.closed])
      ws.destroy()
    }
    expect((await fetch(new URL('/%', url))).status).toBe(400)
    await new Promise<void>((done) => {
      const socket = connect(Number(url.port), '127.0.0.1', () => socket.end('GET / HTTP/1.1\r\nHost: [\r\nConnection: close\r\n\r\n'))
      socket.on('error', () => done())
      socket.on('close', () => done())
      socket.resume()
    })
    expect(child.exitCode).toBeNull()
    expect(await appInfo()).toMatchObject({ type: 'result', id: 1, ok: true, data: { mode: 'web' } })
  })

  it('stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
