import type { BrokerOverview } from '../../../shared/broker-overview'
import { formatCount } from '../format'
import type { AppState } from './app.store'
import type { OverviewEntry } from './broker.slice'

export const selectOverviewEntry =
  (connectionId: string | null) =>
  (state: AppState): OverviewEntry | null =>
    connectionId === null ? null : (state.overviews[connectionId] ?? null)

export const selectOverview =
  (connectionId: string | null) =>
  (state: AppState): BrokerOverview | null =>
    connectionId === null ? null : (state.overviews[connectionId]?.overview ?? null)

/** The scope the picker is opening for this connection, or null. */
export const selectSwitchingScope =
  (connectionId: string | null) =>
  (state: AppState): string | null =>
    connectionId === null ? null : (state.switchingScope[connectionId] ?? null)

export interface ScopeOption {
  value: string
  label: string
}

function plural(n: number, one: string, many: string, locale?: string): string {
  return `${formatCount(n, locale)} ${n === 1 ? one : many}`
}

/** "/ (1,234 msgs)", "orders", "db 3 (12 keys)", "db 0": the count only when the broker told it. */
export function scopeLabel(kind: BrokerOverview['scopeKind'], name: string, items: number | null, locale?: string): string {
  const shown = kind === 'database' ? `db ${name}` : name
  if (items === null) return shown
  return `${shown} (${kind === 'database' ? plural(items, 'key', 'keys', locale) : plural(items, 'msg', 'msgs', locale)})`
}

/**
 * The picker's options in the broker's order. The open scope is always one of them, even when the
 * broker does not list it (a vhost the user may open but not see, a switch that just failed).
 */
export function scopeOptions(overview: BrokerOverview, current: string | null, locale?: string): ScopeOption[] {
  const options = overview.scopes.map((s) => ({ value: s.name, label: scopeLabel(overview.scopeKind, s.name, s.items, locale) }))
  if (current !== null && !options.some((o) => o.value === current)) {
    options.unshift({ value: current, label: scopeLabel(overview.scopeKind, current, null) })
  }
  return options
}

/**
 * The connection / channel / consumer counts, only when they were read on the scope the connection
 * has open: after a switch, the old vhost's counts must not show under the new one's name.
 */
export function countsFor(overview: BrokerOverview | null, openScope: string | null | undefined): BrokerOverview['counts'] | null {
  if (overview === null || openScope === null || openScope === undefined) return null
  return overview.scope === openScope ? overview.counts : null
}

/** Warnings of the listing and of the overview, each said once, in the order they came. */
export function mergeWarnings(...lists: (readonly string[] | null | undefined)[]): string[] {
  const seen = new Set<string>()
  for (const list of lists) for (const warning of list ?? []) seen.add(warning)
  return [...seen]
}
