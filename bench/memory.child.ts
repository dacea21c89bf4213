/**
 * Run by the memory benchmarks in a process of its own, so the peak is the operation's alone (not
 * what a fill or an earlier benchmark left in the benchmark process): opens the core, then either
 *   move <amqp url> <management url>       moves every message of queue `src` to queue `dst`, or
 *   export <redis url> <source> <file>     exports the source to an NDJSON file,
 * and prints one JSON line with how many it moved or exported and the resident memory before and
 * at its peak (sampled every 20 ms, and the kernel's high-water mark at the end, whichever is higher).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createCore } from '../src/main/core/core'
import { createDispatcher } from '../src/main/core/dispatch'
import type { ReplayReport } from '../src/shared/replay'

/**
 * The kernel's own peak resident size of this process (VmHWM, Linux), which a 20 ms sampler can
 * miss between two samples; 0 where /proc is not there.
 */
function highWaterMark(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
    return kb ? Number(kb) * 1024 : 0
  } catch {
    return 0
  }
}

/** From here on VmHWM counts the move or export only, not loading the code and opening the core (Linux; elsewhere a no-op). */
function resetHighWaterMark(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
  } catch {
    // no /proc: the sampled peak stands alone
  }
}

type Call = ReturnType<typeof createDispatcher>

async function ok<T>(call: Call, channel: string, payload: unknown): Promise<T> {
  const envelope = await call(channel, payload)
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`)
  return envelope.data as T
}

/** Connects the profile the operation needs and returns the operation, ready to run. */
async function prepare(call: Call, args: string[]): Promise<() => Promise<{ done: number; error: string | null }>> {
  const [operation, url, second, file] = args
  if (operation === 'move' && url && second) {
    const profile = await ok<{ id: string }>(call, 'profiles:save', {
      name: 'bench',
      broker: 'rabbitmq',
      url: url.replace('guest:guest@', 'guest@'),
      password: 'guest',
      managementUrl: second,
    })
    await ok(call, 'connection:connect', { profileId: profile.id })
    return async () => {
      const report = await ok<ReplayReport>(call, 'replay:start', {
        connectionId: profile.id,
        source: 'queue:src',
        to: { connectionId: profile.id, target: 'queue:dst' },
        mode: 'move',
        confirm: 'src',
      })
      return { done: report.acknowledged, error: report.error ?? null }
    }
  }
  if (operation === 'export' && url && second && file) {
    const profile = await ok<{ id: string }>(call, 'profiles:save', { name: 'bench', broker: 'redis', url })
    await ok(call, 'connection:connect', { profileId: profile.id })
    return async () => {
      const result = await ok<{ exported: number }>(call, 'messages:export', { connectionId: profile.id, source: second, path: file })
      return { done: result.exported, error: null }
    }
  }
  throw new Error('usage: memory.child.ts move <amqp url> <management url> | export <redis url> <source> <file>')
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'qs-bench-memory-'))
  const core = await createCore({ configDir: dir, mode: 'web', version: 'bench' })
  try {
    // The bench measures what the CLI does: a local caller may name files.
    const run = await prepare(createDispatcher(core, { caller: 'local' }), process.argv.slice(2))
    const before = process.memoryUsage().rss
    resetHighWaterMark()
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss())
    }, 20)
    const started = performance.now()
    const result = await run().finally(() => clearInterval(sampler))
    peak = Math.max(peak, process.memoryUsage().rss, highWaterMark())
    process.stdout.write(`${JSON.stringify({ ...result, seconds: (performance.now() - started) / 1000, before, peak })}\n`)
  } finally {
    await Promise.race([core.close(), new Promise((resolve) => setTimeout(resolve, 10_000))])
    await rm(dir, { recursive: true, force: true })
  }
}

main().then(
  // Whatever handle is still open, the measurement is done.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  },
)
