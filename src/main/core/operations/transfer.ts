import { unlink } from 'node:fs/promises'
import { once } from 'node:events'
import { z } from 'zod'
import { QsError, toQsErrorShape } from '../../../shared/errors'
import { headersSchema, messagePropertiesSchema } from '../../../shared/publish'
import { toHeaders } from '../../brokers/header-values'
import type { BatchReader, ReadMessage, Route, TargetWriter } from '../../brokers/replay'
import { createExportFile, openImportFile, readLines } from './transfer-files'

/**
 * Export and import: one message a JSON line, so files stream in both directions with
 * bounded memory and stay readable with jq. Documented in docs/cli.md.
 */
export const exportLineSchema = z.object({
  /** The body, base64 (binary-safe). */
  body: z.string(),
  properties: messagePropertiesSchema.default({}),
  headers: headersSchema.default({}),
  /** Where it was exported from; import ignores it (except exchange / routing key, see below). */
  origin: z
    .object({
      source: z.string(),
      id: z.string(),
      exchange: z.string().optional(),
      routingKey: z.string().optional(),
      redelivered: z.boolean().optional(),
      exportedAt: z.number(),
    })
    .partial()
    .optional(),
})
export type ExportLine = z.infer<typeof exportLineSchema>

export interface ExportResult {
  exported: number
  path: string
  warnings?: string[]
}

/**
 * Writes up to `count` messages (default: all that are in the source now) to `path`. Reading is
 * the replay reader in copy mode: every message read is given back to the source when the export
 * ends, so nothing is consumed.
 */
export async function exportMessages(
  openReader: () => Promise<BatchReader>,
  source: string,
  path: string,
  options: { count?: number; signal?: AbortSignal } = {},
): Promise<ExportResult> {
  // The file first: a path that cannot be written never touches the source.
  const file = await createExportFile(path)
  const out = file.createWriteStream()
  let exported = 0
  let reader: BatchReader | null = null
  let failedEmpty = false
  const warnings: string[] = []
  try {
    reader = await openReader()
    const total = options.count ?? reader.available
    if (total === null || total === undefined) throw new QsError('BAD_REQUEST', `cannot tell how many messages ${source} holds: give --count`)
    while (exported < total && !options.signal?.aborted) {
      const batch = await reader.read(Math.min(256, total - exported))
      if (batch.length === 0) break
      for (const message of batch) {
        const line: ExportLine = {
          body: message.body.toString('base64'),
          properties: message.properties,
          headers: toHeaders(message.headers),
          origin: {
            source,
            id: message.id,
            exchange: message.exchange,
            routingKey: message.routingKey,
            redelivered: message.redelivered,
            exportedAt: Date.now(),
          },
        }
        // Honour the file's back-pressure: memory stays bounded for any number of messages.
        if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain')
      }
      exported += batch.length
      reader.release(batch)
    }
    // A short export is a result, not a failure, but it must say so.
    const wanted = reader.available === null ? null : Math.min(options.count ?? reader.available, reader.available)
    if (!options.signal?.aborted && wanted !== null && exported < wanted) {
      warnings.push(
        `${source} held ${wanted.toLocaleString('en-US')} ready messages when the export started and ${exported.toLocaleString('en-US')} could be read: consumers took the others meanwhile`,
      )
    }
    const held = reader.heldElsewhere ?? 0
    if (held > 0)
      warnings.push(
        `${held.toLocaleString('en-US')} more message${held === 1 ? ' was' : 's were'} delivered to consumers and not acknowledged, so not exported (an export reads what is ready)`,
      )
  } catch (err) {
    const error = err instanceof QsError ? err : new QsError('BROKER_ERROR', toQsErrorShape(err).message)
    // An empty file would only block the next try ("already exists"); a partial one is kept and said.
    if (exported === 0) failedEmpty = true
    else error.message = `${error.message} (${exported} messages were written to ${path} before that; nothing was consumed)`
    throw error
  } finally {
    await reader?.close().catch(() => undefined)
    await new Promise<void>((resolve) => out.end(resolve))
    if (failedEmpty) await unlink(path).catch(() => undefined)
  }
  return warnings.length > 0 ? { exported, path, warnings } : { exported, path }
}

export interface ImportResult {
  published: number
  failed: number
  /** The first failures, "line 12: reason". */
  failures: string[]
}

/**
 * Publishes every line of `path` through `writer` with confirms, up to `window` in flight.
 * `route(line)` says where each goes. A malformed line stops the import (saying which line) before
 * anything after it is published; lines already confirmed stay published.
 */
export async function importMessages(
  writer: TargetWriter,
  path: string,
  route: (line: ExportLine) => Route,
  options: { window?: number } = {},
): Promise<ImportResult> {
  const window = options.window ?? 256
  const result: ImportResult = { published: 0, failed: 0, failures: [] }
  const input = await openImportFile(path)
  // Publishes in flight, and the reading loop waiting for one to settle (a counter, not a race over
  // every in-flight promise, which would cost the whole window per message).
  let active = 0
  let slot: (() => void) | null = null
  const settled = (): void => {
    active--
    const wake = slot
    slot = null
    wake?.()
  }
  const oneSettles = (): Promise<void> => new Promise((resolve) => (slot = resolve))
  let lineNumber = 0
  let fatal: QsError | null = null
  const failure = (line: number, reason: string): void => {
    result.failed++
    if (result.failures.length < 100) result.failures.push(`line ${line}: ${reason}`)
  }
  try {
    for await (const text of readLines(input, path)) {
      lineNumber++
      if (text.trim() === '') continue
      let line: ExportLine
      try {
        line = exportLineSchema.parse(JSON.parse(text))
      } catch (err) {
        fatal = new QsError(
          'BAD_REQUEST',
          `${path} line ${lineNumber} is not a Queuescope export line (${err instanceof SyntaxError ? 'not JSON' : 'missing or wrong fields'}); nothing after it was imported`,
        )
        break
      }
      const n = lineNumber
      const message: ReadMessage = {
        id: String(n),
        body: Buffer.from(line.body, 'base64'),
        properties: line.properties,
        headers: line.headers,
        redelivered: false,
        exchange: line.origin?.exchange ?? '',
        routingKey: line.origin?.routingKey ?? '',
      }
      active++
      void writer
        .write(message, route(line))
        .then(
          (outcome) => {
            if (outcome.routed) result.published++
            else failure(n, `not routed (${outcome.reason})`)
          },
          (err: unknown) => {
            failure(n, toQsErrorShape(err).message)
            fatal ??= new QsError('BROKER_ERROR', `import stopped at line ${n}: ${toQsErrorShape(err).message}`)
          },
        )
        .finally(settled)
      if (active >= window) await oneSettles()
      if (fatal) break
    }
  } finally {
    while (active > 0) await oneSettles()
    await input.close().catch(() => undefined)
    await writer.close().catch(() => undefined)
  }
  if (fatal) {
    fatal.message = `${fatal.message}; ${result.published} message${result.published === 1 ? ' was' : 's were'} published before it`
    throw Object.assign(fatal, { detail: result })
  }
  return result
}
