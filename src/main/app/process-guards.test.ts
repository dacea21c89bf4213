/**
 * The guards in a real process: an unawaited rejection and an exception thrown from a timer are
 * logged and the process goes on (without the guards, the same script dies: the harness can tell).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

function run(installGuards: boolean): { status: number | null; stdout: string; stderr: string } {
  const script = join(mkdtempSync(join(tmpdir(), 'qs-guards-')), 'script.mts')
  const guards = pathToFileURL(resolve(__dirname, 'process-guards.ts')).href
  writeFileSync(
    script,
    [
      `import { installProcessGuards } from '${guards}'`,
      installGuards ? `installProcessGuards('test', (message, err) => console.error(message, err instanceof Error ? err.message : err))` : '',
      `void Promise.reject(new Error('nobody awaited this'))`,
      `setTimeout(() => { throw new Error('thrown from a timer') }, 0)`,
      // Timers of equal delay run in order: this one runs after the throw.
      `setTimeout(() => { console.log('still running'); process.exit(0) }, 0)`,
    ].join('\n'),
  )
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', cwd: resolve(__dirname, '../../..') })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('process guards', () => {
  it('log an unhandled rejection and an escaped exception, and the process keeps running', () => {
    const { status, stdout, stderr } = run(true)
    expect(stderr).toMatch(/test: a promise failed and nothing handled it .* nobody awaited this/)
    expect(stderr).toMatch(/test: an exception escaped .* thrown from a timer/)
    expect(stdout).toContain('still running')
    expect(status).toBe(0)
  })

  it('without them the same script ends the process', () => {
    const { status, stdout } = run(false)
    expect(stdout).not.toContain('still running')
    expect(status).not.toBe(0)
  })
})
