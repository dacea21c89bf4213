import { ORIGIN_HEADER } from '../../shared/replay'
import { parseSourceRef, type SourceRef } from '../../shared/source-ref'
import type { ReadMessage } from './replay'

/**
 * The source a message's qs-origin header (ORIGIN_HEADER) names, `<kind>:<name>`, or why there is
 * none: `missing` when the header is absent or empty. Each broker decides which kinds it takes back.
 */
export function recordedOrigin(message: ReadMessage, missing: string): { ref: SourceRef; text: string } | { reason: string } {
  const recorded = message.headers[ORIGIN_HEADER]
  const text = Buffer.isBuffer(recorded) ? recorded.toString('utf8') : typeof recorded === 'string' ? recorded : ''
  if (text.trim() === '') return { reason: missing }
  try {
    return { ref: parseSourceRef(text.trim()), text }
  } catch {
    return { reason: `${ORIGIN_HEADER} "${text}" is not <kind>:<name> (stream:<key>, list:<key>, queue:<name> or exchange:<name>)` }
  }
}
