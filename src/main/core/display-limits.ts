import type { PeekedMessage, PeekResult } from '../../shared/messages'
import { MESSAGE_DISPLAY_BYTES, PAGE_DISPLAY_BYTES } from '../brokers/message-body'

/**
 * What one page or event batch may carry to a front end. Bodies are cut where they are made
 * (brokers/message-body.ts: per message and per page); this bounds the rest, whichever broker made
 * the message: header values (a Redis stream field can hold any amount), and how much one tail
 * batch carries.
 */

/** A header value longer than this is cut for display (export keeps it whole). */
export const HEADER_VALUE_CHARS = 64 * 1024
/** Characters of bodies and headers in one tail batch; what does not fit goes in the next one. */
export const BATCH_CHARS = 8 * 1024 * 1024
/** Characters a tail keeps buffered between two batches; past it the oldest are dropped (and counted). */
export const TAIL_BUFFER_CHARS = 32 * 1024 * 1024

/** Cuts long string values (at any depth) in place and says how many it cut. */
export function trimHeaderValues(headers: Record<string, unknown>): number {
  let cut = 0
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number, depth: number): void => {
    const value = (holder as Record<string | number, unknown>)[key]
    if (typeof value === 'string') {
      if (value.length > HEADER_VALUE_CHARS) {
        ;(holder as Record<string | number, unknown>)[key] =
          `${value.slice(0, HEADER_VALUE_CHARS)}… (cut for display: ${value.length.toLocaleString('en-US')} characters)`
        cut++
      }
    } else if (value !== null && typeof value === 'object' && depth < 32) {
      if (Array.isArray(value)) value.forEach((_, i) => visit(value, i, depth + 1))
      else for (const inner of Object.keys(value)) visit(value as Record<string, unknown>, inner, depth + 1)
    }
  }
  for (const key of Object.keys(headers)) visit(headers, key, 0)
  return cut
}

/** About how many characters a message takes on the wire: its body, decoded body and header strings. */
export function displaySize(message: { body: string; decoded?: { body?: string }; headers: Record<string, unknown> }): number {
  let size = message.body.length + (message.decoded?.body?.length ?? 0)
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'string') size += value.length
    else if (value !== null && typeof value === 'object' && depth < 32)
      for (const [key, inner] of Object.entries(value)) {
        size += key.length
        visit(inner, depth + 1)
      }
  }
  visit(message.headers, 0)
  return size
}

/** A page as a front end gets it: long header values cut, and a warning that says what was cut. */
export function fitPage(result: PeekResult): PeekResult {
  let headersCut = 0
  let bodiesCut = 0
  for (const message of result.messages) {
    headersCut += trimHeaderValues(message.headers)
    if (wasCut(message)) bodiesCut++
  }
  const warnings = [...result.warnings]
  if (bodiesCut > 0) {
    warnings.push(
      `${bodiesCut.toLocaleString('en-US')} ${bodiesCut === 1 ? 'body is' : 'bodies are'} cut for display (over ${MESSAGE_DISPLAY_BYTES / 1024 / 1024} MiB, or past the page's ${PAGE_DISPLAY_BYTES / 1024 / 1024} MiB): each says how much it shows; export reads messages whole`,
    )
  }
  if (headersCut > 0)
    warnings.push(
      `${headersCut.toLocaleString('en-US')} header ${headersCut === 1 ? 'value is' : 'values are'} cut for display (over ${HEADER_VALUE_CHARS / 1024} KiB characters)`,
    )
  return warnings.length === result.warnings.length ? result : { ...result, warnings }
}

function wasCut(message: PeekedMessage): boolean {
  return message.shownBytes !== undefined || message.decoded?.shownBytes !== undefined
}
