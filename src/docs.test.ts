/**
 * The repository stands alone (docs/coding.md "Comments and docs"): no file points to a design
 * document that is not in it, and no comment, test title or doc cites an issue number. The reason a
 * reference carried belongs in docs/ or in the comment itself.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = process.cwd()

interface Rule {
  what: string
  pattern: RegExp
}

const RULES: Rule[] = [
  // A markdown document in a `shared` folder next to the repository (`../shared/...`); code imports
  // such as '../shared/errors' name no .md file and are not matched.
  { what: 'a document outside the repository', pattern: /(?:\.\.\/)+shared\/[\w.-]+\.md\b/ },
  // The design documents that used to live outside the repository, named bare. A file of that name
  // inside it (docs/…) is written with its folder, so a name after a slash is not matched.
  { what: 'a design document outside the repository', pattern: /(?<![\w/.-])(?:DESIGN|STYLE|UI|BROKER-NOTES)\.md\b/ },
  { what: 'an issue number', pattern: /\bissues?\s*#\s*\d+/i },
  { what: 'an issue number', pattern: /\(#\d+\)/ },
]

/** Every place in `text` that breaks a rule, as "path:line: what: the line". */
function findOutsideReferences(path: string, text: string): string[] {
  const found: string[] = []
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    for (const rule of RULES) {
      if (rule.pattern.test(line)) found.push(`${path}:${index + 1}: ${rule.what}: ${line.trim().slice(0, 160)}`)
    }
  })
  return found
}

function isGitCheckout(): boolean {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Tracked files and new ones not ignored yet (so a file is checked before its first commit). */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
  return [...new Set(out.toString('utf8').split('\0'))].filter((path) => path !== '')
}

function textOf(path: string): string | null {
  const full = join(root, path)
  if (!existsSync(full) || !statSync(full).isFile()) return null // deleted in the working tree
  const bytes = readFileSync(full)
  if (bytes.subarray(0, 8000).includes(0)) return null // binary (screenshots)
  return bytes.toString('utf8')
}

describe('the repository stands alone', () => {
  it.skipIf(!isGitCheckout())('no file references a document outside the repository or an issue number', () => {
    const files = repositoryFiles()
    expect(files.length).toBeGreaterThan(100)
    const found = files.flatMap((path) => {
      const text = textOf(path)
      return text === null ? [] : findOutsideReferences(path, text)
    })
    expect(found, `write the rule into docs/ (or the reason into the comment) instead:\n${found.join('\n')}`).toEqual([])
  })

  // The names are assembled here so this file does not match its own rules.
  const md = (name: string) => `${name}.md`
  const hash = (n: number) => `#${n}`

  it.each([
    `// parallel-safe (${md('DESIGN')})`,
    ` * the checklist (${md('BROKER-NOTES')} "Electron")`,
    `/* dense look (${md('UI')}) */`,
    `// one store per domain (${md('STYLE')} "From LobeChat")`,
    `It grows from \`../shared/${md('DESIGN')}\` (the map)`,
    `// a replay (issue ${hash(5)}'s engine)`,
    ` * Issue ${hash(3)} benchmark: list 10,000 queues`,
    `it('lists pages (${hash(12)})', () => {})`,
  ])('finds %s', (line) => {
    expect(findOutsideReferences('x.ts', line)).toHaveLength(1)
  })

  it.each([
    "import { QsError } from '../shared/errors'",
    "import type { SourceRef } from '../../shared/source-ref'",
    '// the principles: docs/ui.md "Dialogs"',
    '[ui.md](ui.md#dialogs), [decisions/0002](decisions/0002-delivery-limit-read-rule.md)',
    '// 10,000 bad ids must not come back as 10,000 issues: parsed.error.issues[0]',
    'expect(out).toMatch(/^#1 .*redelivered/)',
  ])('leaves %s alone', (line) => {
    expect(findOutsideReferences('x.ts', line)).toEqual([])
  })
})
