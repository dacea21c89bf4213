import type { SourceItem } from '../../shared/model'
import { streamLag } from './store/sources.selectors'

/** Shown wherever the broker cannot tell us a value: never a fake 0 (docs/ui.md "Layout"). */
export const NO_DATA = '—'

const formatters = new Map<string, Intl.NumberFormat>()

/** Integer with thousands separators in the user's locale (or the given one), "—" for null. */
export function formatCount(value: number | null, locale?: string): string {
  if (value === null) return NO_DATA
  const key = locale ?? ''
  let formatter = formatters.get(key)
  if (!formatter) formatters.set(key, (formatter = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })))
  return formatter.format(value)
}

/** "2 groups · max lag 5", "1 group · lag unknown", "no groups"; "—" for anything but a stream. */
export function formatGroupsLag(item: SourceItem, locale?: string): string {
  if (item.kind !== 'stream') return NO_DATA
  const lag = streamLag(item)
  if (lag.groups === 0) return 'no groups'
  const groups = `${formatCount(lag.groups, locale)} ${lag.groups === 1 ? 'group' : 'groups'}`
  if (lag.unknown) return `${groups} · lag unknown`
  return `${groups} · max lag ${formatCount(lag.maxLag, locale)}`
}

/** A stream group's lag: "unknown" when Redis cannot know it (the details table says it in words). */
export function formatLag(lag: number | null, locale?: string): string {
  return lag === null ? 'unknown' : formatCount(lag, locale)
}

/**
 * A 0..1 share as a whole percent: "87%", "—" for null. Never rounds to a value it is not:
 * 0.996 is "99%" (not full), 0.004 is "<1%" (not none).
 */
export function formatPercent(share: number | null): string {
  if (share === null) return NO_DATA
  const percent = Math.round(share * 100)
  if (percent === 100 && share < 1) return '99%'
  if (percent === 0 && share > 0) return '<1%'
  return `${percent}%`
}
