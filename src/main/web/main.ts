import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { version } from '../../../package.json'
import { createCore } from '../core/core'
import { osKeyring } from '../storage/keyring'
import { configDir } from '../storage/paths'
import { installProcessGuards } from '../app/process-guards'
import { startWebServer } from './server'

/** `npm run web`: the core plus the local web server, no Electron. */
const DEFAULT_PORT = 4710
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

async function main(): Promise<void> {
  installProcessGuards('queuescope web')
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: process.env['QUEUESCOPE_PORT'] ?? String(DEFAULT_PORT) },
      'allow-remote': { type: 'boolean', default: false },
    },
  })
  const host = values.host
  if (!LOOPBACK.has(host) && !values['allow-remote']) {
    console.error(`refusing to listen on ${host}: anyone who can reach it could control your brokers. Pass --allow-remote to do it anyway.`)
    process.exit(2)
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, not "${values.port}"`)
    process.exit(2)
  }
  const dir = configDir()
  const core = await createCore({ configDir: dir, mode: 'web', version, keyring: await osKeyring() })
  const rendererDir = join(dirname(fileURLToPath(import.meta.url)), '../renderer')
  let server
  try {
    server = await startWebServer({ core, rendererDir, host, port })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    console.error(code === 'EADDRINUSE' ? `port ${port} is in use: pass --port N (or --port 0 for any free port)` : String(err))
    process.exit(1)
  }
  const warning = core.secretStorage().warning
  if (warning) console.warn(`warning: ${warning}`)
  console.log(`Queuescope web UI: ${server.url}`)
  console.log('(the token after # in the URL is required; it changes every launch. Ctrl+C stops the server.)')

  const stop = async () => {
    await server.close()
    await core.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

// A failed start is fatal (the guards would only log it and leave a process serving nothing).
main().catch((err: unknown) => {
  console.error('Queuescope web failed to start:', err)
  process.exit(1)
})
