/**
 * The layer rules are real: ESLint (with the project's config) rejects each forbidden import
 * and accepts the allowed ones (docs/coding.md "Layers, enforced by lint").
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message)
}

describe('layer rules', () => {
  it.each([
    ['src/main/core/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/main/brokers/x.ts', "import { ipcMain } from 'electron'\nexport const a = ipcMain"],
    ['src/main/web/x.ts', "import { safeStorage } from 'electron'\nexport const a = safeStorage"],
    ['src/cli/x.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync"],
    ['src/shared/x.ts', "import { join } from 'path'\nexport const a = join"],
    ['src/shared/x.ts', 'export const a = () => document.title'],
    ['src/shared/x.ts', "import { createCore } from '../main/core/core'\nexport const a = createCore"],
    ['src/renderer/src/x.ts', "import { createCore } from '../../main/core/core'\nexport const a = createCore"],
    ['src/renderer/src/x.ts', "import { readFileSync } from 'node:fs'\nexport const a = readFileSync"],
    ['src/renderer/src/x.ts', "import { ipcRenderer } from 'electron'\nexport const a = ipcRenderer"],
    ['src/main/core/x.ts', "import { getApi } from '../../renderer/src/ipc/client'\nexport const a = getApi"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await problems(filePath, code)).not.toEqual([])
  })

  it.each([
    ['src/main/index.ts', "import { app } from 'electron'\nexport const a = app"],
    ['src/main/app/x.ts', "import { BrowserWindow } from 'electron'\nexport const a = BrowserWindow"],
    ['src/main/ipc/x.ts', "import { ipcMain } from 'electron'\nexport const a = ipcMain"],
    ['src/renderer/src/x.ts', "import { QsError } from '../../shared/errors'\nexport const a = QsError"],
    ['src/main/core/x.ts', "import { readFile } from 'node:fs/promises'\nexport const a = readFile"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await problems(filePath, code)).toEqual([])
  })
})
