import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

/** Flags for a closed network (no background fetches, no GPU in containers). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/**
 * Playwright's own Chromium where it was installed (a developer laptop: `npx playwright install
 * chromium`), else the system's (Debian's chromium package), else null. QS_CHROMIUM overrides.
 */
export function chromiumExecutable(): string | undefined {
  const explicit = process.env['QS_CHROMIUM']
  if (explicit) return explicit
  try {
    const bundled = chromium.executablePath()
    if (bundled && existsSync(bundled)) return undefined // Playwright finds its own
  } catch {
    // not installed
  }
  const system = SYSTEM_CHROMIUM.find((path) => existsSync(path))
  if (!system) {
    throw new Error(
      'No Chromium found: run `npx playwright install chromium`, or install your system chromium (apt-get install chromium), or set QS_CHROMIUM=/path/to/chrome',
    )
  }
  return system
}
