/**
 * The soak tier's larger contract fuzz: the suites' own files (src/main/core/contract.fuzz*.test.ts,
 * whatever is there when the soak runs), through vitest, with many more cases than `npm test` runs.
 * The count is the suites' QS_FUZZ_RUNS (cases per property); the unit suite (fake brokers) gets
 * more than the integration one, whose cases wait on real brokers.
 */
import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIR = 'src/main/core'

export interface FuzzOutcome {
  suite: 'unit' | 'integration'
  files: string[]
  runs: number
  ok: boolean
  seconds: number
}

async function fuzzFiles(): Promise<{ unit: string[]; integration: string[] }> {
  const names = (await readdir(join(ROOT, DIR))).filter((name) => /^contract\.fuzz.*\.test\.ts$/.test(name)).sort()
  const files = names.map((name) => `${DIR}/${name}`)
  return { unit: files.filter((f) => !f.endsWith('.integration.test.ts')), integration: files.filter((f) => f.endsWith('.integration.test.ts')) }
}

function vitest(files: string[], runs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...files], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, QS_FUZZ_RUNS: String(runs) } })
    child.on('error', () => resolve(false))
    child.on('exit', (code) => resolve(code === 0))
  })
}

/** Runs each suite that exists; an empty list means no fuzz suite is there yet. */
export async function runFuzz(runs: { unit: number; integration: number }, log: (line: string) => void): Promise<FuzzOutcome[]> {
  const found = await fuzzFiles()
  const outcomes: FuzzOutcome[] = []
  for (const suite of ['unit', 'integration'] as const) {
    const files = found[suite]
    if (files.length === 0) {
      log(`fuzz (${suite}): no ${DIR}/contract.fuzz*.test.ts file, skipped`)
      continue
    }
    log(`fuzz (${suite}): QS_FUZZ_RUNS=${runs[suite]} npx vitest run ${files.join(' ')}`)
    const started = performance.now()
    const ok = await vitest(files, runs[suite])
    outcomes.push({ suite, files, runs: runs[suite], ok, seconds: (performance.now() - started) / 1000 })
  }
  return outcomes
}
