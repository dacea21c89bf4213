import type { PeekedMessage, XDeathEntry } from '../../../shared/messages'
import type { QsErrorShape } from '../../../shared/errors'
import type { SourceItem } from '../../../shared/model'
import type { SourceCapabilities } from '../../../shared/capabilities'
import type { AppState } from './app.store'
import type { BodyView, BrowseEntry, DetailsTab } from './messages.slice'

export const selectDetailsTab = (state: AppState): DetailsTab => state.detailsTab
export const selectBrowseCount = (state: AppState) => state.browseCount
export const selectStreamFrom = (state: AppState) => state.streamFrom
export const selectAcceptDeliveryLimitRisk = (state: AppState): boolean => state.acceptDeliveryLimitRisk
export const selectBodyView = (state: AppState): BodyView | null => state.bodyView

/** The browse of this source, or null when the one in the store is another source's. */
export const selectBrowseFor =
  (connectionId: string, source: string) =>
  (state: AppState): BrowseEntry | null => {
    const browse = state.browse
    return browse !== null && browse.connectionId === connectionId && browse.source === source ? browse : null
  }

export function selectedMessageOf(browse: BrowseEntry | null): PeekedMessage | null {
  if (browse === null || browse.result === null || browse.selectedMessageId === null) return null
  return browse.result.messages.find((m) => m.id === browse.selectedMessageId) ?? null
}

/** The tab to show: the chosen one when this source has it, otherwise Details. */
export function effectiveTab(tab: DetailsTab, capabilities: SourceCapabilities): DetailsTab {
  return capabilities.tabs.includes(tab) ? tab : 'details'
}

export function isStreamQueue(item: SourceItem): boolean {
  return item.kind === 'queue' && item.queueType === 'stream'
}

export interface PeekRefusal {
  message: string
  /** The core wants `acceptDeliveryLimitRisk: true` before it browses this queue. */
  requiresAcceptance: boolean
}

export function peekRefusalOf(error: QsErrorShape | null): PeekRefusal | null {
  if (error === null) return null
  const detail = error.detail
  const requiresAcceptance =
    error.code === 'UNSUPPORTED' &&
    typeof detail === 'object' &&
    detail !== null &&
    (detail as { reason?: unknown }).reason === 'delivery-limit' &&
    (detail as { requiresAcceptance?: unknown }).requiresAcceptance === true
  return { message: error.message, requiresAcceptance }
}

/** When the message was published (AMQP timestamp, whole seconds) or written (Redis stream id), epoch ms. */
export function messageTime(message: PeekedMessage): number | null {
  if (message.properties.timestamp !== undefined) return message.properties.timestamp * 1000
  const streamId = /^(\d{10,})-\d+$/.exec(message.id)
  return streamId ? Number(streamId[1]) : null
}

/** "2026-11-26 21:14:03" in local time; "—" when unknown. */
export function formatTime(ms: number | null): string {
  if (ms === null) return '—'
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** "11-26 21:14:03": the list's column; the year is in the tooltip and the detail pane. */
export function formatShortTime(ms: number | null): string {
  return ms === null ? '—' : formatTime(ms).slice(5)
}

/** "512 B", "1.5 KiB", "2.0 MiB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

/** "rejected × 3" for each x-death entry, newest first. */
export function xDeathBadges(message: PeekedMessage): string[] {
  return (message.xDeath ?? []).map((entry: XDeathEntry) => `${entry.reason} × ${entry.count}`)
}

export function bodyBytes(message: Pick<PeekedMessage, 'body' | 'encoding'>): Uint8Array {
  if (message.encoding === 'utf8') return new TextEncoder().encode(message.body)
  const binary = atob(message.body)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

type BodyText = Pick<PeekedMessage, 'body' | 'encoding'>
type WithDecoded = BodyText & Pick<PeekedMessage, 'decoded'>

/**
 * The body Pretty and Raw show: the core's decompressed body when it could decode one (gzip,
 * deflate, br), otherwise the bytes as stored. Hex always shows the stored bytes.
 */
export function shownBody(message: WithDecoded): BodyText {
  const decoded = message.decoded
  if (decoded === undefined || decoded.body === undefined) return message
  return { body: decoded.body, encoding: decoded.encoding ?? 'utf8' }
}

/** The shown body pretty-printed when it is JSON, else null. */
export function prettyJson(message: WithDecoded): string | null {
  const shown = shownBody(message)
  if (shown.encoding !== 'utf8') return null
  const text = shown.body.trim()
  if (!text.startsWith('{') && !text.startsWith('[') && !text.startsWith('"')) return null
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return null
  }
}

/** Hex for binary, pretty for JSON, raw text otherwise (of the decompressed body when there is one). */
export function defaultBodyView(message: WithDecoded): BodyView {
  if (shownBody(message).encoding === 'base64') return 'hex'
  return prettyJson(message) === null ? 'raw' : 'pretty'
}

/**
 * The body bar's summary: "text · 1,234 bytes", or for a compressed body the core decoded
 * "gzip · 1,234 bytes → 5,678 bytes decoded".
 */
export function bodySummary(message: WithDecoded & Pick<PeekedMessage, 'size'>): string {
  const stored = `${message.size.toLocaleString()} bytes`
  const decoded = message.decoded
  if (decoded === undefined) return `${message.encoding === 'base64' ? 'binary' : 'text'} · ${stored}`
  if (decoded.body === undefined) return `${decoded.contentEncoding} · ${stored}`
  const size = decoded.size ?? bodyBytes(shownBody(message)).length
  return `${decoded.contentEncoding} · ${stored} → ${size.toLocaleString()} bytes decoded`
}

/** Why a compressed body is shown as stored ("not shown decompressed: …"), or null. */
export function decodeNote(message: Pick<PeekedMessage, 'decoded'>): string | null {
  const error = message.decoded?.error
  return error === undefined ? null : error
}

/**
 * "Showing the first 4,194,304 of 20,971,520 bytes": the body (or its decompressed form, which is
 * what Pretty and Raw show) was cut for display by the core's byte budget; null when it is whole.
 */
export function cutNote(message: Pick<PeekedMessage, 'size' | 'shownBytes' | 'decoded'>): string | null {
  const decoded = message.decoded
  const [shown, size] = decoded?.body !== undefined ? [decoded.shownBytes, decoded.size] : [message.shownBytes, message.size]
  if (shown === undefined || size === undefined) return null
  return `showing the first ${shown.toLocaleString()} of ${size.toLocaleString()} bytes: the rest is cut for display (export reads the message whole)`
}

/** Hex dumps stop here: a browser pane is no place for megabytes of hex. */
export const HEX_DUMP_LIMIT = 16 * 1024

/** `00000000  7b 22 61 22 ...  |{"a"...|`, 16 bytes a line, at most `limit` bytes. */
export function hexDump(bytes: Uint8Array, limit = HEX_DUMP_LIMIT): string {
  const lines: string[] = []
  const end = Math.min(bytes.length, limit)
  for (let offset = 0; offset < end; offset += 16) {
    const chunk = bytes.subarray(offset, Math.min(offset + 16, end))
    const hex = [...chunk].map((b) => b.toString(16).padStart(2, '0'))
    const left = hex.slice(0, 8).join(' ')
    const right = hex.slice(8).join(' ')
    const ascii = [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`)
  }
  if (bytes.length > end) lines.push(`… ${(bytes.length - end).toLocaleString()} more bytes not shown`)
  return lines.join('\n')
}

/**
 * The body as the viewer shows it (and "Copy body" copies it): hex of the stored bytes, or the
 * shown body (decompressed when the core decoded it) pretty-printed or as text. Binary is decoded
 * leniently (U+FFFD for bad bytes).
 */
export function renderBody(message: WithDecoded, view: BodyView): string {
  if (view === 'hex') return hexDump(bodyBytes(message))
  if (view === 'pretty') {
    const pretty = prettyJson(message)
    if (pretty !== null) return pretty
  }
  const shown = shownBody(message)
  return shown.encoding === 'utf8' ? shown.body : new TextDecoder('utf-8', { fatal: false }).decode(bodyBytes(shown))
}

/** Header and property values as one line of text: strings as they are, anything else as JSON. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}
