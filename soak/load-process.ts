/** Starts soak/load.ts in a process of its own and talks to it over IPC (see protocol.ts). */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Broker, LoadConfig, LoadMessage, LoadStats, ProxyTargets, ServerMessage } from './protocol'

/** Setting up, or stopping clients that stop within seconds: past this the load has stalled. */
const STEP_MS = 60_000

export interface LoadProcess {
  /** The ports of its proxies, once they listen. */
  ports: Promise<Record<Broker, number>>
  /** Opens the clients and the publisher; resolves once they run. */
  start(config: LoadConfig): Promise<void>
  cut(broker: Broker): void
  /** Rejects when the load fails on its own or exits unasked; never settles otherwise. */
  failed: Promise<never>
  /** Ends the clients and the publisher and resolves with everything they counted. */
  stop(): Promise<LoadStats>
  /** Closes the proxies (after the server side closed its connections) and lets the process go. */
  exit(): Promise<void>
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`the load process did not ${what} within ${STEP_MS / 1000} s`)), STEP_MS)),
  )
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

export function startLoad(targets: ProxyTargets, onProgress: (stats: LoadStats) => void): LoadProcess {
  const script = fileURLToPath(new URL('./load.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(targets)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let exiting = false
  const waiters = new Map<LoadMessage['type'], (message: LoadMessage) => void>()
  const next = <K extends 'proxies' | 'ready' | 'done'>(type: K): Promise<Extract<LoadMessage, { type: K }>> =>
    new Promise((resolve) => waiters.set(type, resolve as (message: LoadMessage) => void))
  let onFailed: (err: Error) => void = () => undefined
  const failed = new Promise<never>((_, reject) => (onFailed = reject))
  failed.catch(() => undefined) // nobody may be waiting on it when it rejects
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))

  child.on('message', (message: LoadMessage) => {
    if (message.type === 'failed') onFailed(new Error(`the load process failed: ${message.error}`))
    else if (message.type !== 'progress') waiters.get(message.type)?.(message)
    else onProgress(message.stats)
  })
  child.on('exit', (code, signal) => {
    if (!exiting) onFailed(new Error(`the load process exited with ${code ?? signal}`))
  })
  child.on('error', (err) => onFailed(err))
  const send = (message: ServerMessage): void => {
    if (child.connected) child.send(message)
  }

  return {
    ports: within(Promise.race([next('proxies').then((m) => m.ports), failed]), 'start its proxies'),
    start: (config) => {
      const ready = next('ready')
      send({ type: 'start', config })
      return within(Promise.race([ready.then(() => undefined), failed]), 'start its clients')
    },
    cut: (broker) => send({ type: 'cut', broker }),
    failed,
    stop: () => {
      const done = next('done')
      send({ type: 'stop' })
      return within(Promise.race([done.then((m) => m.stats), failed]), 'stop its clients')
    },
    exit: async () => {
      exiting = true
      send({ type: 'exit' })
      await within(closed, 'exit').catch(() => child.kill('SIGKILL'))
    },
  }
}
