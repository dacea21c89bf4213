// Plain-JS twin of e2e/support/electron-binary.ts for scripts that run before any build.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The Electron binary's path, found without triggering its download; null when absent. */
export function electronBinary(root = process.cwd()) {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const name = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron'
    const candidate = join(override, name)
    return existsSync(candidate) ? candidate : null
  }
  const pkg = join(root, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}
