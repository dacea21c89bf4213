/**
 * The frames of the web UI's WebSocket (renderer client <-> src/main/web). Names and types only,
 * no zod: the renderer bundles it.
 */
import type { Envelope } from './api'

/**
 * The largest frame either side sends. The server refuses bigger ones (close code 1009) and the
 * renderer's client refuses to send them, so the user gets a message instead of a dropped link.
 * A publish body may be larger than this once JSON-escaped (a 64 MiB body of quotes doubles):
 * such messages go through the CLI, which has no frame limit.
 */
export const MAX_FRAME_BYTES = 96 * 1024 * 1024

export type ClientFrame = { type: 'call'; id: number; channel: string; payload: unknown }

export type ErrorShape = { code: string; message: string; detail?: unknown }

export type ServerFrame =
  | ({ type: 'result'; id: number } & Envelope<unknown>)
  | { type: 'event'; channel: string; payload: unknown }
  /** A frame the server could not tie to a call (not JSON, no numeric id). */
  | { type: 'error'; error: ErrorShape }

/**
 * UTF-8 bytes of a string, as the WebSocket will send it (a lone surrogate becomes U+FFFD). The
 * encoder is native: ten times faster than counting in a loop, at the cost of one transient copy.
 */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength
}
