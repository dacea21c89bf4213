/**
 * Run by move-memory.bench.ts in a process of its own, so the peak is the move's alone: opens the
 * core, moves every message of queue `src` to queue `dst` in the vhost at argv[2], and prints one
 * JSON line with the resident memory before and at its peak (sampled every 20 ms, and the kernel's
 * high-water mark at the end, whichever is higher).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createCore } from '../src/main/core/core'
import { createDispatcher } from '../src/main/core/api'
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

/** From here on VmHWM counts the move only, not loading the code and opening the core (Linux; elsewhere a no-op). */
function resetHighWaterMark(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
  } catch {
    // no /proc: the sampled peak stands alone
  }
}

async function main(): Promise<void> {
  const [url, managementUrl] = process.argv.slice(2)
  if (!url || !managementUrl) throw new Error('usage: move-memory.child.ts <amqp url> <management url>')
  const dir = await mkdtemp(join(tmpdir(), 'qs-bench-move-memory-'))
  const core = await createCore({ configDir: dir, mode: 'web', version: 'bench' })
  try {
    const call = createDispatcher(core)
    const profile = await call('profiles:save', { name: 'bench', broker: 'rabbitmq', url: url.replace('guest:guest@', 'guest@'), password: 'guest', managementUrl })
    if (!profile.ok) throw new Error(profile.error.message)
    const id = (profile.data as { id: string }).id
    const connected = await call('connection:connect', { profileId: id })
    if (!connected.ok) throw new Error(connected.error.message)
    const before = process.memoryUsage().rss
    resetHighWaterMark()
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss())
    }, 20)
    const started = performance.now()
    const result = await call('replay:start', { connectionId: id, source: 'queue:src', to: { connectionId: id, target: 'queue:dst' }, mode: 'move', confirm: 'src' })
    clearInterval(sampler)
    if (!result.ok) throw new Error(result.error.message)
    const report = result.data as ReplayReport
    peak = Math.max(peak, process.memoryUsage().rss, highWaterMark())
    process.stdout.write(`${JSON.stringify({ moved: report.acknowledged, seconds: (performance.now() - started) / 1000, before, peak, error: report.error ?? null })}\n`)
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
