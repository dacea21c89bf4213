import { createReadStream } from 'node:fs'
import { appendFile, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import type { ReplayFilter, ReplayReport } from '../../../shared/replay'

export type JournalLine =
  | {
      type: 'start'
      id: string
      at: number
      source: string
      sourceConnection: string
      target: string
      targetConnection?: string
      mode: 'move' | 'copy'
      dryRun: boolean
      filters: ReplayFilter[]
      limit?: number
    }
  | { type: 'ids'; id: string; at: number; ids: string[] }
  | { type: 'end'; id: string; at: number; report: ReplayReport }

export interface JournalEntry {
  start: Extract<JournalLine, { type: 'start' }>
  /** Absent while the replay runs, or when Queuescope stopped in the middle of it. */
  report?: ReplayReport
}

/**
 * Every replay, one JSON object a line (NDJSON) in the user's config folder: a start line, the ids
 * of the messages it moved or copied as they are confirmed, and the final report. Appended as it
 * goes, so a crash mid-replay still leaves a record of what was moved.
 */
export class ReplayJournal {
  readonly path: string
  private writing: Promise<void> = Promise.resolve()

  constructor(dir: string) {
    this.path = join(dir, 'replays.ndjson')
  }

  append(line: JournalLine): Promise<void> {
    const next = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 })
      await appendFile(this.path, `${JSON.stringify(line)}\n`, { mode: 0o600 })
    })
    this.writing = next.catch(() => undefined)
    return next
  }

  /** Past replays, newest first (ids lines are skipped: they can be millions). */
  async list(limit = 200): Promise<JournalEntry[]> {
    await this.writing
    const entries = new Map<string, JournalEntry>()
    let stream
    try {
      stream = createReadStream(this.path, { encoding: 'utf8' })
      await new Promise<void>((resolve, reject) => {
        stream!.once('open', () => resolve())
        stream!.once('error', reject)
      })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (!text.startsWith('{"type":"start"') && !text.startsWith('{"type":"end"')) continue
      let line: JournalLine
      try {
        line = JSON.parse(text) as JournalLine
      } catch {
        continue // a line cut short by a crash
      }
      if (line.type === 'start') entries.set(line.id, { start: line })
      else if (line.type === 'end') {
        const entry = entries.get(line.id)
        if (entry) entry.report = line.report
      }
    }
    return [...entries.values()].sort((a, b) => b.start.at - a.start.at).slice(0, limit)
  }
}
