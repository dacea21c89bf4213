import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { createExportFile, openImportFile, readLines } from './transfer-files'

/** What export and import may open: hostile paths get a clear error, and nothing blocks or grows. */
describe('export and import files', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qs-files-'))
  })

  const lines = async (path: string, max?: number): Promise<string[]> => {
    const file = await openImportFile(path)
    const out: string[] = []
    try {
      for await (const line of readLines(file, path, max)) out.push(line)
    } finally {
      await file.close()
    }
    return out
  }

  it('export creates a new 0600 file, never overwrites, never follows a symlink, never creates folders', async () => {
    const path = join(dir, 'out.ndjson')
    await (await createExportFile(path)).close()
    expect((await import('node:fs')).statSync(path).mode & 0o777).toBe(0o600)
    await expect(createExportFile(path)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('already exists') })
    const target = join(dir, 'target')
    await symlink(target, join(dir, 'link'))
    await expect(createExportFile(join(dir, 'link'))).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(readFile(target)).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(createExportFile(join(dir, 'missing', 'deeper', 'out.ndjson'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('creates no folders'),
    })
    await expect(readFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(createExportFile(dir)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('import refuses what is not a regular file before reading a byte: a folder, /dev/zero, a FIFO with no writer', async () => {
    await expect(openImportFile(dir)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('a folder') })
    await expect(openImportFile('/dev/zero')).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('a device') })
    const fifo = join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    // Without O_NONBLOCK this open would wait for a writer forever, holding a thread of the pool.
    await expect(openImportFile(fifo)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('a pipe') })
    await expect(openImportFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('reads lines across chunks, drops \\r, keeps a last line without newline, and caps a line', async () => {
    const path = join(dir, 'in.ndjson')
    const long = 'x'.repeat(3 * 1024 * 1024) // spans several 1 MiB reads
    await writeFile(path, `a\r\n${long}\n\nlast`)
    expect(await lines(path)).toEqual(['a', long, '', 'last'])
    await writeFile(path, `short\n${'y'.repeat(5000)}\n`)
    await expect(lines(path, 4096)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('line 2 is longer than') })
  })
})
