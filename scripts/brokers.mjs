// `npm run brokers`: checks the local brokers the tests and the demo need, and starts them.
//
//   node scripts/brokers.mjs            same as --ensure
//   node scripts/brokers.mjs --ensure   start installed brokers that are not running, enable the
//                                       RabbitMQ management plugin, wait (bounded) until all are up
//   node scripts/brokers.mjs --check    only check; never starts anything
//   --timeout=SECONDS                   how long to wait for each broker (default 90)
//
// Checks RabbitMQ AMQP (a real AMQP 0-9-1 handshake), the RabbitMQ management API (GET /api/overview)
// and Redis (PING over a raw socket). Prints one line per broker, and exits non-zero with exact
// instructions when something is missing. No dependencies: it runs before `npm ci` has finished
// anything else. Every wait is bounded, so it never hangs.
//
// Env: QS_RABBITMQ_URL (amqp://guest:guest@127.0.0.1:5672/), QS_RABBITMQ_MANAGEMENT_URL
// (http://127.0.0.1:15672), QS_REDIS_URL (redis://127.0.0.1:6379).
//
// `ensureBrokers({ start })` is exported for other scripts; it resolves to
// `{ ok, rabbitmq, redis, lines, help }` and prints nothing unless given `log`.
import { spawn } from 'node:child_process'
import { accessSync, closeSync, constants, mkdirSync, openSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import tls from 'node:tls'
import { fileURLToPath } from 'node:url'

export const DEFAULTS = {
  rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672/',
  managementUrl: 'http://127.0.0.1:15672',
  redisUrl: 'redis://127.0.0.1:6379',
}

const PROBE_TIMEOUT_MS = 3000
const POLL_MS = 1000

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function isLocalHost(host) {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || h.startsWith('127.')
}

/** Redacts the password of a URL for printing. */
export function redact(url) {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url
  }
}

/** Like `command -v`, plus the sbin folders that a non-root PATH or Homebrew may leave out. */
export function which(name) {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/local/sbin',
    '/usr/sbin',
    '/sbin',
    '/opt/homebrew/sbin',
    '/opt/homebrew/bin',
    '/usr/local/opt/rabbitmq/sbin',
    '/opt/homebrew/opt/rabbitmq/sbin',
  ]
  for (const dir of dirs) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {}
  }
  return null
}

/** Runs a command with a hard time limit; never rejects. Waits for 'exit' (daemons keep fds). */
function run(command, args, { timeoutMs = 60_000, logFile } = {}) {
  return new Promise((done) => {
    let out = ''
    let fd = null
    let stdio = ['ignore', 'pipe', 'pipe']
    if (logFile) {
      try {
        fd = openSync(logFile, 'a')
        stdio = ['ignore', fd, fd]
      } catch {
        stdio = ['ignore', 'ignore', 'ignore']
      }
    }
    let child
    try {
      child = spawn(command, args, { stdio, detached: Boolean(logFile) })
    } catch (error) {
      if (fd !== null) closeSync(fd)
      done({ code: -1, output: String(error) })
      return
    }
    if (fd !== null) closeSync(fd)
    child.stdout?.on('data', (d) => (out += d))
    child.stderr?.on('data', (d) => (out += d))
    const timer = setTimeout(() => {
      out += `\n(timed out after ${Math.round(timeoutMs / 1000)} s)`
      try {
        child.kill('SIGKILL')
      } catch {}
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      done({ code: -1, output: String(error) })
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (logFile) child.unref()
      done({ code: code ?? (signal ? -1 : 0), output: out.trim() })
    })
  })
}

/** Opens a TCP (or TLS) socket, writes `payload`, and hands every chunk to `onData` until it
 *  returns a non-undefined value. Always settles within `timeoutMs`. */
function talk({ host, port, secure = false, payload, onData, timeoutMs = PROBE_TIMEOUT_MS }) {
  return new Promise((done) => {
    let settled = false
    let buffer = Buffer.alloc(0)
    const h = host.replace(/^\[|\]$/g, '')
    const socket = secure ? tls.connect({ host: h, port, servername: net.isIP(h) ? undefined : h, rejectUnauthorized: false }) : net.connect({ host: h, port })
    const finish = (result) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      done(result)
    }
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs)
    socket.on(secure ? 'secureConnect' : 'connect', () => socket.write(payload))
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      let result
      try {
        result = onData(buffer)
      } catch (error) {
        result = { ok: false, reason: 'protocol', error: String(error?.message ?? error) }
      }
      if (result !== undefined) finish(result)
    })
    socket.on('error', (error) => {
      const refused = error.code === 'ECONNREFUSED' || error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
      finish({ ok: false, reason: refused ? 'down' : 'error', error: error.code ?? error.message })
    })
    socket.on('close', () => finish({ ok: false, reason: 'protocol', error: 'connection closed without an answer' }))
  })
}

// ---------------------------------------------------------------------------------------------
// Probes

function parseAmqpUrl(url) {
  const u = new URL(url)
  const secure = u.protocol === 'amqps:'
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || (secure ? 5671 : 5672)),
    secure,
    username: u.username ? decodeURIComponent(u.username) : 'guest',
    password: u.password ? decodeURIComponent(u.password) : 'guest',
  }
}

/** AMQP 0-9-1 handshake: send the protocol header, read connection.start, pull the version out of
 *  its server-properties table. Closes right after (the broker logs a short "client closed"). */
export function probeAmqp({ host, port, secure }) {
  return talk({
    host,
    port,
    secure,
    payload: Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]),
    onData(buf) {
      if (buf.length >= 4 && buf.subarray(0, 4).toString('latin1') === 'AMQP') {
        return { ok: false, reason: 'protocol', error: 'the server speaks another AMQP version' }
      }
      if (buf.length < 7) return undefined
      if (buf[0] !== 1) return { ok: false, reason: 'protocol', error: 'not an AMQP 0-9-1 server' }
      const size = buf.readUInt32BE(3)
      if (buf.length < 7 + size + 1) return undefined
      const frame = buf.subarray(7, 7 + size)
      const str = (key) => {
        const marker = Buffer.concat([Buffer.from([key.length]), Buffer.from(key, 'latin1'), Buffer.from('S')])
        const at = frame.indexOf(marker)
        if (at < 0) return null
        const len = frame.readUInt32BE(at + marker.length)
        return frame.subarray(at + marker.length + 4, at + marker.length + 4 + len).toString('utf8')
      }
      return { ok: true, product: str('product') ?? 'AMQP broker', version: str('version') }
    },
  })
}

/** GET /api/overview with basic auth; bounded by a timeout. */
export async function probeManagement(baseUrl, fallbackUser, fallbackPassword) {
  let url
  try {
    url = new URL(baseUrl)
  } catch {
    return { ok: false, reason: 'error', error: `invalid URL ${baseUrl}` }
  }
  const user = url.username ? decodeURIComponent(url.username) : fallbackUser
  const password = url.password ? decodeURIComponent(url.password) : fallbackPassword
  url.username = ''
  url.password = ''
  const endpoint = new URL('api/overview', url.toString().replace(/\/?$/, '/'))
  try {
    const response = await fetch(endpoint, {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
    if (response.status === 401) return { ok: false, reason: 'auth', error: `user "${user}" was refused (401)` }
    if (!response.ok) return { ok: false, reason: 'error', error: `HTTP ${response.status}` }
    const body = await response.json()
    return { ok: true, version: body.rabbitmq_version ?? null }
  } catch (error) {
    const code = error?.cause?.code ?? error?.name
    return { ok: false, reason: code === 'ECONNREFUSED' ? 'down' : 'error', error: code ?? String(error) }
  }
}

function parseRedisUrl(url) {
  const u = new URL(url)
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    secure: u.protocol === 'rediss:',
    username: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
  }
}

/** Parses as many complete RESP replies (simple, error, integer, bulk) as `buf` holds. */
function parseResp(buf) {
  const replies = []
  let at = 0
  while (at < buf.length) {
    const eol = buf.indexOf('\r\n', at)
    if (eol < 0) break
    const type = String.fromCharCode(buf[at])
    const line = buf.subarray(at + 1, eol).toString('utf8')
    if (type === '+' || type === '-' || type === ':') {
      replies.push({ type, value: line })
      at = eol + 2
    } else if (type === '$') {
      const len = Number(line)
      if (len < 0) {
        replies.push({ type, value: null })
        at = eol + 2
        continue
      }
      if (buf.length < eol + 2 + len + 2) break
      replies.push({ type, value: buf.subarray(eol + 2, eol + 2 + len).toString('utf8') })
      at = eol + 2 + len + 2
    } else {
      throw new Error('not a Redis server')
    }
  }
  return replies
}

const respCommand = (...args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`

/** Raw-socket PING (after AUTH when the URL has a password) plus INFO server for the version. */
export function probeRedis({ host, port, secure, username, password }) {
  const auth = password ? (username ? respCommand('AUTH', username, password) : respCommand('AUTH', password)) : ''
  const expected = (password ? 1 : 0) + 2
  return talk({
    host,
    port,
    secure,
    payload: auth + '*1\r\n$4\r\nPING\r\n' + respCommand('INFO', 'server'),
    onData(buf) {
      const replies = parseResp(buf)
      const error = replies.find((r) => r.type === '-')
      if (error) return { ok: false, reason: 'refused', error: error.value }
      if (replies.length < expected) return undefined
      const ping = replies[expected - 2]
      if (ping.value !== 'PONG') return { ok: false, reason: 'protocol', error: `PING answered ${ping.value}` }
      const version = /redis_version:([^\r\n]+)/.exec(replies[expected - 1].value ?? '')?.[1] ?? null
      return { ok: true, version }
    },
  })
}

// ---------------------------------------------------------------------------------------------
// Starting

function writableDir(candidates) {
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true })
      accessSync(dir, constants.W_OK)
      return dir
    } catch {}
  }
  return tmpdir()
}

async function waitFor(probe, { deadline, label, log }) {
  let last = await probe()
  let nextNote = Date.now() + 10_000
  while (!last.ok && Date.now() < deadline) {
    if (last.reason === 'auth' || last.reason === 'refused') break // answering, but refusing us: waiting won't help
    await sleep(POLL_MS)
    last = await probe()
    if (!last.ok && Date.now() >= nextNote) {
      log(`  … still waiting for ${label} (${last.error})`)
      nextNote = Date.now() + 10_000
    }
  }
  return last
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

async function ensureRedis({ url, start, timeoutMs, log }) {
  const target = parseRedisUrl(url)
  const where = `${target.host}:${target.port}`
  const probe = () => probeRedis(target)
  let state = await probe()
  const result = { name: 'Redis', ok: false, where, url: redact(url), version: null, installed: null, problem: null, fix: null }
  const binary = which('redis-server')
  result.installed = Boolean(binary)

  if (!state.ok && state.reason === 'down' && start && isLocalHost(target.host) && binary) {
    const logDir = writableDir(isRoot && process.platform === 'linux' ? ['/var/log/redis'] : [join(tmpdir(), 'queuescope-redis')])
    const dataDir = writableDir(isRoot && process.platform === 'linux' ? ['/var/lib/redis'] : [join(tmpdir(), 'queuescope-redis')])
    const logfile = join(logDir, 'ci.log')
    log(`  starting Redis on ${where} (${binary}, log ${logfile})`)
    // prettier-ignore
    const args = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', String(target.port), '--save', '', '--appendonly', 'no', '--dir', dataDir, '--logfile', logfile]
    const started = await run(binary, args, { timeoutMs: 20_000 })
    if (started.code !== 0) log(`  redis-server exited with ${started.code}: ${started.output.split('\n').slice(-3).join(' | ')}`)
    state = await waitFor(probe, { deadline: Date.now() + timeoutMs, label: 'Redis', log })
    if (!state.ok) result.logHint = logfile
  }

  if (state.ok) {
    result.ok = true
    result.version = state.version
    return result
  }
  if (state.reason === 'refused') {
    result.problem = `Redis on ${where} answered "${state.error}"`
    result.fix = 'check the password in QS_REDIS_URL (redis://:PASSWORD@host:port)'
  } else if (state.reason === 'protocol' || (isLocalHost(target.host) && state.reason !== 'down')) {
    result.problem = `something that is not Redis answers on ${where} (${state.error})`
    result.fix = 'free the port or point QS_REDIS_URL at your Redis'
  } else if (!isLocalHost(target.host)) {
    result.problem = `not reachable at ${where} (${state.error})`
    result.fix = 'check QS_REDIS_URL; remote brokers are never started by this script'
  } else if (!binary) {
    result.problem = 'not installed'
    result.fix = `apt-get install redis-server (Debian/Ubuntu) or brew install redis (macOS)`
    result.missing = true
  } else if (!start) {
    result.problem = `not running on ${where} (installed: ${binary})`
    result.fix = 'start it: npm run brokers'
  } else {
    result.problem = `started but not answering on ${where} after ${Math.round(timeoutMs / 1000)} s (${state.error})`
    result.fix = `see ${result.logHint ?? 'the Redis log'}`
  }
  return result
}

async function ensureRabbit({ url, managementUrl, start, timeoutMs, log }) {
  const target = parseAmqpUrl(url)
  const where = `${target.host}:${target.port}`
  const mgmtShown = (() => {
    try {
      const u = new URL(managementUrl)
      u.username = ''
      u.password = ''
      return u.toString().replace(/\/$/, '')
    } catch {
      return managementUrl
    }
  })()
  const amqp = () => probeAmqp(target)
  const mgmt = () => probeManagement(managementUrl, target.username, target.password)
  const result = { name: 'RabbitMQ', ok: false, where, url: redact(url), management: mgmtShown, version: null, installed: null, problem: null, fix: null }
  const server = which('rabbitmq-server')
  const plugins = which('rabbitmq-plugins')
  const ctl = which('rabbitmqctl')
  result.installed = Boolean(server)
  const local = isLocalHost(target.host)
  const deadline = Date.now() + timeoutMs
  const logHint = process.platform === 'linux' ? '/var/log/rabbitmq/' : 'the RabbitMQ log folder (rabbitmq-diagnostics log_location)'

  let amqpState = await amqp()
  if (!amqpState.ok && amqpState.reason === 'down' && start && local && server) {
    if (plugins) {
      // Offline: the node is not running yet, so this only writes enabled_plugins (idempotent).
      const enabled = await run(plugins, ['enable', '--offline', 'rabbitmq_management'], { timeoutMs: 60_000 })
      if (enabled.code !== 0) log(`  rabbitmq-plugins enable --offline failed: ${enabled.output.split('\n').slice(-2).join(' | ')}`)
    }
    const startLog = join(tmpdir(), 'queuescope-rabbitmq-start.log')
    log(`  starting RabbitMQ (${server} -detached; takes 10-20 s)`)
    await run(server, ['-detached'], { timeoutMs: 30_000, logFile: startLog })
    if (ctl) {
      const left = Math.max(5, Math.round((deadline - Date.now()) / 1000))
      await run(ctl, ['await_startup', '--timeout', String(left)], { timeoutMs: (left + 10) * 1000 })
    }
    amqpState = await waitFor(amqp, { deadline, label: 'RabbitMQ AMQP', log })
  }

  if (!amqpState.ok) {
    if (amqpState.reason === 'protocol' || (local && amqpState.reason !== 'down')) {
      result.problem = `something that is not RabbitMQ answers on ${where} (${amqpState.error})`
      result.fix = 'free the port or point QS_RABBITMQ_URL at your RabbitMQ'
    } else if (!local) {
      result.problem = `not reachable at ${where} (${amqpState.error})`
      result.fix = 'check QS_RABBITMQ_URL; remote brokers are never started by this script'
    } else if (!server) {
      result.problem = 'not installed'
      result.fix = 'apt-get install rabbitmq-server (Debian/Ubuntu) or brew install rabbitmq (macOS)'
      result.missing = true
    } else if (!start) {
      result.problem = `not running on ${where} (installed: ${server})`
      result.fix = 'start it: npm run brokers'
    } else {
      result.problem = `started but AMQP is not answering on ${where} after ${Math.round(timeoutMs / 1000)} s (${amqpState.error})`
      result.fix = `see ${logHint}${isRoot ? '' : '; on Linux RabbitMQ usually needs root: sudo rabbitmq-server -detached'}`
    }
    return result
  }
  result.version = amqpState.version

  let mgmtState = await mgmt()
  if (!mgmtState.ok && mgmtState.reason === 'down' && start && local && plugins) {
    log('  enabling the RabbitMQ management plugin (rabbitmq-plugins enable rabbitmq_management)')
    const enabled = await run(plugins, ['enable', 'rabbitmq_management'], { timeoutMs: Math.max(10_000, deadline - Date.now()) })
    if (enabled.code !== 0) log(`  rabbitmq-plugins failed: ${enabled.output.split('\n').slice(-3).join(' | ')}`)
    mgmtState = await waitFor(mgmt, { deadline: Math.max(deadline, Date.now() + 30_000), label: 'the management API', log })
  } else if (!mgmtState.ok && mgmtState.reason !== 'auth' && start && local) {
    // e.g. the plugin was enabled offline above and the listener is still coming up
    mgmtState = await waitFor(mgmt, { deadline: Math.max(deadline, Date.now() + 15_000), label: 'the management API', log })
  }
  if (!mgmtState.ok) {
    result.problem = `AMQP is up on ${where} but the management API at ${mgmtShown} is not (${mgmtState.error})`
    result.fix =
      mgmtState.reason === 'auth'
        ? 'give QS_RABBITMQ_MANAGEMENT_URL (http://USER:PASSWORD@host:15672) or QS_RABBITMQ_URL a user with the management tag'
        : 'enable it: rabbitmq-plugins enable rabbitmq_management' + (local ? '' : ' (on the broker host)')
    result.managementMissing = true
    return result
  }
  result.version = mgmtState.version ?? result.version
  result.ok = true
  return result
}

/**
 * Checks RabbitMQ (AMQP + management API) and Redis; with `start`, starts installed local brokers
 * that are down and enables the management plugin. Never rejects and never hangs.
 * @param {{ start?: boolean, timeoutMs?: number, log?: (line: string) => void, env?: NodeJS.ProcessEnv }} [options]
 */
export async function ensureBrokers({ start = true, timeoutMs = 90_000, log = () => {}, env = process.env } = {}) {
  const rabbitUrl = env.QS_RABBITMQ_URL || DEFAULTS.rabbitmqUrl
  const managementUrl = env.QS_RABBITMQ_MANAGEMENT_URL || DEFAULTS.managementUrl
  const redisUrl = env.QS_REDIS_URL || DEFAULTS.redisUrl
  const guard = (promise, name, url) =>
    promise.catch((error) => ({
      name,
      ok: false,
      url: redact(url),
      problem: `check failed: ${error?.message ?? error}`,
      fix: 'check the URL in the environment',
    }))
  const [rabbitmq, redis] = await Promise.all([
    guard(ensureRabbit({ url: rabbitUrl, managementUrl, start, timeoutMs, log }), 'RabbitMQ', rabbitUrl),
    guard(ensureRedis({ url: redisUrl, start, timeoutMs, log }), 'Redis', redisUrl),
  ])

  const lines = []
  if (rabbitmq.ok)
    lines.push(`✓ RabbitMQ ${rabbitmq.version ?? ''} (AMQP ${rabbitmq.where}, management ${rabbitmq.management})`.replace('RabbitMQ  (', 'RabbitMQ ('))
  else lines.push(`✗ RabbitMQ: ${rabbitmq.problem} — ${rabbitmq.fix}`)
  if (redis.ok) lines.push(`✓ Redis ${redis.version ?? ''} (${redis.where})`.replace('Redis  (', 'Redis ('))
  else lines.push(`✗ Redis: ${redis.problem} — ${redis.fix}`)

  const help = []
  const missing = [rabbitmq.missing && 'RabbitMQ', redis.missing && 'Redis'].filter(Boolean)
  if (missing.length > 0) {
    const debs = [rabbitmq.missing && 'rabbitmq-server', redis.missing && 'redis-server'].filter(Boolean).join(' ')
    const brews = [rabbitmq.missing && 'rabbitmq', redis.missing && 'redis'].filter(Boolean).join(' ')
    help.push(`Missing: ${missing.join(' and ')}. Queuescope's tests and demo need RabbitMQ (with the management plugin) and Redis on this machine.`)
    help.push(`  Debian/Ubuntu:  sudo apt-get install ${debs}`)
    help.push(`  macOS:          brew install ${brews}`)
    help.push('Then run `npm run brokers`: it starts them, enables the management plugin and waits until they answer.')
  } else if (!rabbitmq.ok || !redis.ok) {
    help.push('Run `npm run brokers` to start installed brokers, or set QS_RABBITMQ_URL / QS_RABBITMQ_MANAGEMENT_URL / QS_REDIS_URL to yours.')
  }
  return { ok: Boolean(rabbitmq.ok && redis.ok), rabbitmq, redis, lines, help }
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: node scripts/brokers.mjs [--ensure | --check] [--timeout=SECONDS]')
    return 0
  }
  const start = !argv.includes('--check')
  const timeoutArg = argv.find((a) => a.startsWith('--timeout='))
  const timeoutMs = timeoutArg ? Math.max(1, Number(timeoutArg.slice('--timeout='.length)) || 90) * 1000 : 90_000
  // A hard stop on top of the per-step bounds: whatever happens, this process ends.
  const watchdog = setTimeout(
    () => {
      console.error('✗ brokers: gave up after the overall time limit')
      process.exit(1)
    },
    3 * timeoutMs + 60_000,
  )
  watchdog.unref()
  const result = await ensureBrokers({ start, timeoutMs, log: (line) => console.log(line) })
  for (const line of result.lines) console.log(line)
  for (const line of result.help) console.error(line)
  return result.ok ? 0 : 1
}

const invoked = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (invoked) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`✗ brokers: ${error?.stack ?? error}`)
      process.exit(1)
    },
  )
}
