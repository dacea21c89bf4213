// `npm run screenshot`: the README's picture, of the real app in web mode showing the demo data.
// Run `npm run demo` (or `npm run demo -- --once`) first. Writes docs/screenshot.png.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { CHROMIUM_ARGS, chromiumExecutable } from '../e2e/support/chromium'

const out = process.argv[2] ?? 'docs/screenshot.png'
const theme = (process.env['QS_THEME'] ?? 'light') as 'light' | 'dark'

const child = spawn(process.execPath, ['out/main/web.js', '--port', '0'], {
  env: { ...process.env, QUEUESCOPE_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'qs-shot-')) },
  stdio: ['ignore', 'pipe', 'inherit'],
})
const url = await new Promise<string>((resolve, reject) => {
  let text = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString()
    // The token is in the URL's fragment; the page takes it from there (no cookie).
    const match = /Queuescope web UI: (http:\/\/\S+\/#token=\S+)/.exec(text)
    if (match) resolve(match[1]!)
  })
  child.once('exit', (code) => reject(new Error(`web mode exited with ${code}`)))
})

const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS })
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, colorScheme: theme, deviceScaleFactor: 1 })
  await page.goto(url)
  await page.locator('html[data-app-state="ready"]').waitFor()
  const profile = process.env['QS_PROFILE'] ?? 'Local RabbitMQ'
  await page.getByRole('navigation', { name: 'Profiles' }).getByRole('button', { name: profile, exact: true }).click()
  await page.getByRole('table', { name: 'Sources' }).getByRole('row').nth(3).waitFor()
  await page.getByLabel('Filter sources').fill(process.env['QS_FILTER'] ?? 'demo')
  // Sparklines and trends need a few samples (one every 5 s): QS_WAIT_S=60 lets them build up.
  await page.waitForTimeout(Number(process.env['QS_WAIT_S'] ?? 0) * 1000)
  const detail = process.env['QS_DETAIL']
  if (detail) await page.getByRole('table', { name: 'Sources' }).getByRole('cell', { name: detail, exact: true }).click()
  await page.waitForTimeout(300)
  await page.screenshot({ path: out })
  console.log(`wrote ${out}`)
} finally {
  await browser.close()
  child.kill('SIGTERM')
}
