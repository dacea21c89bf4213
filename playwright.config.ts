import { defineConfig } from '@playwright/test'
import { electronBinary } from './e2e/support/electron-binary'
import { CHROMIUM_ARGS, chromiumExecutable } from './e2e/support/chromium'
import type { LauncherOptions } from './e2e/support/fixtures'

// One set of specs, two launchers (docs/coding.md "Tests"): web mode in Chromium always; the Electron
// app through Playwright's _electron whenever its binary is installed.
const hasElectron = electronBinary() !== null

export default defineConfig<LauncherOptions>({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // Each spec file has its own vhost, key prefix and web server, so files run side by side.
  workers: 2,
  retries: process.env['CI'] ? 1 : 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'web', use: { launcher: 'web' as const } }, ...(hasElectron ? [{ name: 'electron', use: { launcher: 'electron' as const } }] : [])],
})
