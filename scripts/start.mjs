// `npm start` (and `npm run web` with --web): build when the sources changed, then open the
// desktop app, or, where the Electron binary is missing, serve the web UI and print its URL.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { electronBinary } from './electron-binary.mjs'

const root = process.cwd()
const webOnly = process.argv.includes('--web')
const passThrough = process.argv.slice(2).filter((a) => a !== '--web')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function buildIfStale() {
  const stamp = join(root, 'out', '.build-stamp')
  const inputs = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'electron.vite.config.ts')).mtimeMs, statSync(join(root, 'package.json')).mtimeMs)
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= inputs && existsSync(join(root, 'out', 'main', 'web.js'))) return
  console.log('Building Queuescope…')
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
  writeFileSync(stamp, new Date().toISOString())
}

function run(command, args, env = process.env) {
  const child = spawn(command, args, { stdio: 'inherit', env })
  const forward = (signal) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)))
}

buildIfStale()
const binary = webOnly ? null : electronBinary(root)
if (binary) {
  run(binary, ['.', ...passThrough])
} else {
  if (!webOnly) console.log('The Electron binary is not installed (its download was blocked or skipped); serving the web UI instead.')
  run(process.execPath, [join(root, 'out', 'main', 'web.js'), ...passThrough])
}
