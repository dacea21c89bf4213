import type { SourceItem } from '../../../shared/model'
import type { AppState } from './app.store'
import { bodyBytes } from './messages.selectors'
import { TAIL_BUFFER, type TailEntry, type TailView } from './tail.slice'

export const selectTail = (state: AppState): TailView | null => state.tail

/** What the list shows: the frozen messages while paused, the live buffer otherwise. */
export function shownTailMessages(view: TailView): TailEntry[] {
  return view.frozen ?? view.messages
}

/** Messages received since Pause (still in the buffer, shown on Resume); 0 when not paused. */
export function newWhilePaused(view: TailView): number {
  return view.frozen === null ? 0 : view.received - view.receivedAtPause
}

export function isTailRunning(view: TailView | null): boolean {
  return view !== null && (view.status === 'starting' || view.status === 'live')
}

export function selectedTailMessage(view: TailView | null): TailEntry | null {
  if (view === null || view.selectedSeq === null) return null
  const seq = view.selectedSeq
  // The buffer is ordered by seq: a binary search keeps a 2,000-message buffer cheap to look in.
  const messages = shownTailMessages(view)
  let lo = 0
  let hi = messages.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const at = messages[mid]!.seq
    if (at === seq) return messages[mid]!
    if (at < seq) lo = mid + 1
    else hi = mid - 1
  }
  return null
}

/** "Live", "Paused: 12 new", "Stopped", "Ended: connection lost". */
export function tailStatusText(view: TailView): string {
  switch (view.status) {
    case 'starting':
      return 'Starting…'
    case 'live': {
      if (view.frozen === null) return 'Live'
      const fresh = newWhilePaused(view)
      return fresh === 0 ? 'Paused' : `Paused: ${fresh.toLocaleString()} new`
    }
    case 'stopped':
      return 'Stopped'
    case 'ended':
      return `Ended: ${view.ended ?? 'the core ended the tail'}`
    case 'failed':
      return `Could not start: ${view.error?.message ?? 'unknown error'}`
  }
}

/** "1,234 received · 512 older dropped · 40 dropped by the core": the counts that say nothing was hidden. */
export function tailCounts(view: TailView): string {
  const parts = [`${view.received.toLocaleString()} received`]
  if (view.droppedHere > 0) parts.push(`${view.droppedHere.toLocaleString()} older dropped (keeps the last ${TAIL_BUFFER.toLocaleString()})`)
  if (view.droppedByCore > 0) parts.push(`${view.droppedByCore.toLocaleString()} dropped by the core (arriving faster than shown)`)
  return parts.join(' · ')
}

const PREVIEW_CHARS = 200

/** One line of the body for the list: text with whitespace folded, or "binary, N bytes". */
export function bodyPreview(message: Pick<TailEntry, 'body' | 'encoding' | 'size'>): string {
  if (message.encoding === 'base64') {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bodyBytes(message).subarray(0, PREVIEW_CHARS))
    // Mostly printable: show it; otherwise say what it is.
    const printable = text.replace(/[^\x20-\x7e]/g, '').length
    if (printable < text.length * 0.8) return `binary, ${message.size.toLocaleString()} bytes`
    return text.replace(/\s+/g, ' ').trim()
  }
  return message.body.slice(0, PREVIEW_CHARS).replace(/\s+/g, ' ').trim()
}

/** The list's id column: the channel for pattern tails (the id alone says little there), else the id. */
export function tailLabel(message: TailEntry, pattern: boolean): string {
  return pattern && message.channel !== undefined ? message.channel : message.id
}

/** "21:14:03.123": arrival to the millisecond (a tail is read by time, and messages come in bursts). */
export function formatClock(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`
}

/** One line under the controls: what a tail of this source sees and what it costs the broker. */
export function tailNotice(item: SourceItem): string {
  switch (item.kind) {
    case 'channel':
      return 'Pub/sub keeps nothing: the tail sees what is published while it runs, as one more subscriber.'
    case 'stream':
      return 'Entries added from now on (XREAD BLOCK from $); reading changes no consumer group.'
    case 'exchange':
      return 'A temporary exclusive queue bound to the exchange gets a copy of what is routed; other queues lose nothing. Removed when the tail stops.'
    default:
      return 'Messages appended from now on, read with a stream offset consumer; nothing is consumed.'
  }
}
