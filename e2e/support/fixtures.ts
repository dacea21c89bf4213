import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, _electron, type Page } from '@playwright/test'
import { electronBinary } from './electron-binary'

export type Launcher = 'web' | 'electron'

interface Fixtures {
  /** The Queuescope UI, ready (data-app-state="ready"), with its own fresh config folder. */
  app: Page
}
export interface LauncherOptions {
  launcher: Launcher
}

/**
 * Starts `node out/main/web.js --port 0` and resolves with the URL it prints. The token rides in
 * the URL's fragment (`/#token=…`): the page keeps it for its tab and removes it from the address
 * bar, so `page.goto(url)` is all a test needs; no cookie is involved.
 */
export async function startWebMode(configDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['out/main/web.js', '--port', '0'], {
    env: { ...process.env, QUEUESCOPE_CONFIG_DIR: configDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL in 20 s:\n${output}`)), 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Queuescope web UI: (http:\/\/\S+\/#token=\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`web mode exited with ${code}:\n${output}`)))
  })
  return { url, child }
}

export const test = base.extend<Fixtures & LauncherOptions>({
  launcher: ['web', { option: true }],
  app: async ({ launcher, browser }, use, testInfo) => {
    const configDir = mkdtempSync(join(tmpdir(), `qs-e2e-${testInfo.workerIndex}-`))
    if (launcher === 'electron') {
      const app = await _electron.launch({
        executablePath: electronBinary()!,
        args: ['.', '--no-sandbox'],
        env: { ...process.env, QUEUESCOPE_CONFIG_DIR: configDir } as Record<string, string>,
      })
      const page = await app.firstWindow()
      await page.locator('html[data-app-state="ready"]').waitFor()
      await use(page)
      await app.close()
      return
    }
    const { url, child } = await startWebMode(configDir)
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    await page.goto(url)
    await page.locator('html[data-app-state="ready"]').waitFor()
    await use(page)
    await context.close()
    child.kill('SIGTERM')
  },
})

export { expect } from '@playwright/test'
