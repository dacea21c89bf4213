// `npm test`: everything, in order, failing fast. Brokers first (started if installed, clear
// instructions if not), then lint and types, the build (which needs no Electron binary), the
// unit, component, integration and e2e suites (the load-sized tier is `npm run test:soak`).
// Ends with one "N passed, N failed" line over every suite.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = process.cwd()
const tmp = join(root, '.tmp')
rmSync(tmp, { recursive: true, force: true })
mkdirSync(tmp, { recursive: true })
const bin = (name) => join(root, 'node_modules', '.bin', name)
const totals = { passed: 0, failed: 0, skipped: 0 }

function step(title, command, args, env = {}) {
  console.log(`\n=== ${title} ===`)
  const started = Date.now()
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status !== 0) {
    console.error(`\n✗ ${title} failed (${seconds} s)`)
    finish(result.status ?? 1)
  }
  console.log(`✓ ${title} (${seconds} s)`)
}

function countVitest(file) {
  if (!existsSync(file)) return
  const report = JSON.parse(readFileSync(file, 'utf8'))
  totals.passed += report.numPassedTests ?? 0
  totals.failed += report.numFailedTests ?? 0
  totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
}

function countPlaywright(file) {
  if (!existsSync(file)) return
  const { stats } = JSON.parse(readFileSync(file, 'utf8'))
  totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0)
  totals.failed += stats.unexpected ?? 0
  totals.skipped += stats.skipped ?? 0
}

function finish(code) {
  countVitest(join(tmp, 'vitest-unit.json'))
  countVitest(join(tmp, 'vitest-component.json'))
  countVitest(join(tmp, 'vitest-integration.json'))
  countPlaywright(join(tmp, 'playwright.json'))
  if (code !== 0 && totals.failed === 0) totals.failed = 1 // a failing step that is not a test still fails the run
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
  process.exit(code)
}

step('brokers', process.execPath, [join(root, 'scripts', 'brokers.mjs'), '--ensure'])
step('lint', bin('eslint'), ['.'])
step('format', bin('prettier'), ['--check', '.', '--log-level', 'warn'])
step('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.node.json'])
step('typecheck (web)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.web.json'])
step('typecheck (e2e)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.e2e.json'])
step('build', bin('electron-vite'), ['build'])
const vitestReporters = (name) => ['--reporter=default', '--reporter=json', `--outputFile.json=${join(tmp, `vitest-${name}.json`)}`]
step('unit tests', bin('vitest'), ['run', '--project', 'unit', ...vitestReporters('unit')])
step('component tests', bin('vitest'), ['run', '--project', 'component', ...vitestReporters('component')])
step('integration tests', bin('vitest'), ['run', '--project', 'integration', ...vitestReporters('integration')])
step('e2e tests', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: join(tmp, 'playwright.json') })
finish(0)
