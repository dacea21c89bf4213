import type { SourceSample } from '../../../shared/metrics'
import type { SourceItem, StreamSource } from '../../../shared/model'
import { formatSourceRef } from '../../../shared/source-ref'
import type { AppState } from './app.store'
import { trendOf } from './metrics.selectors'
import type { SortColumn, SortState, SourcesEntry } from './sources.slice'

const NO_ITEMS: SourceItem[] = []

/** `<kind>:<name>`: unique within a connection (a queue and an exchange may share a name). */
export function sourceKey(item: SourceItem): string {
  return formatSourceRef({ kind: item.kind, name: item.name })
}

export const selectSourcesEntry =
  (connectionId: string | null) =>
  (state: AppState): SourcesEntry | null =>
    connectionId === null ? null : (state.sources[connectionId] ?? null)

export const selectSourceItems =
  (connectionId: string | null) =>
  (state: AppState): SourceItem[] =>
    (connectionId === null ? undefined : state.sources[connectionId]?.listing?.items) ?? NO_ITEMS

export const selectFilterText = (state: AppState): string => state.filterText
/** Redis: the SCAN MATCH glob of the connection's listing ('' = every key). */
export const selectKeyPattern =
  (connectionId: string | null) =>
  (state: AppState): string =>
    (connectionId === null ? undefined : state.keyPatterns[connectionId]) ?? ''
export const selectSort = (state: AppState): SortState => state.sort
export const selectSelectedSourceKey = (state: AppState): string | null => state.selectedSourceKey

/** The selected row's item in the selected connection's listing, or null when it went away. */
export const selectSelectedSource = (state: AppState): SourceItem | null => {
  const { selectedProfileId, selectedSourceKey } = state
  if (selectedProfileId === null || selectedSourceKey === null) return null
  const items = state.sources[selectedProfileId]?.listing?.items ?? NO_ITEMS
  return items.find((item) => sourceKey(item) === selectedSourceKey) ?? null
}

/** The badge: queue type for queues, exchange type for exchanges, the kind otherwise. */
export function kindLabel(item: SourceItem): string {
  switch (item.kind) {
    case 'queue':
      return item.queueType
    case 'exchange':
      return item.exchangeType
    case 'stream':
    case 'list':
    case 'bullmq':
      return item.kind
    case 'channel':
      return item.pattern ? 'pattern' : 'channel'
  }
}

/** What the Consumers column counts for kinds where "consumers" is not the broker's word. */
export function consumersMeaning(item: SourceItem): string | undefined {
  if (item.kind === 'channel') return item.pattern ? 'pattern subscribers are not counted per pattern' : 'subscribers (PUBSUB NUMSUB; one node in a Cluster)'
  if (item.kind === 'bullmq') return 'workers'
  return undefined
}

export function readyOf(item: SourceItem): number | null {
  return item.kind === 'queue' ? item.ready : null
}

export function unackedOf(item: SourceItem): number | null {
  return item.kind === 'queue' ? item.unacked : null
}

/** RabbitMQ's consumer capacity (0..1) of a queue; null for anything else or when not reported. */
export function capacityOf(item: SourceItem): number | null {
  return item.kind === 'queue' ? item.consumerCapacity : null
}

/** Columns whose values come from the metrics samples rather than the listing. */
export function sortsBySamples(column: SortColumn): boolean {
  return column === 'publishRate' || column === 'ackRate' || column === 'trend'
}

export interface StreamLag {
  groups: number
  /** Largest known lag over the groups; null when there are no groups. */
  maxLag: number | null
  /** Some group's lag cannot be known (Redis after SETID or a trimmed window). */
  unknown: boolean
}

export function streamLag(stream: StreamSource): StreamLag {
  let maxLag: number | null = null
  let unknown = false
  for (const group of stream.groups) {
    if (group.lag === null) unknown = true
    else maxLag = Math.max(maxLag ?? 0, group.lag)
  }
  return { groups: stream.groups.length, maxLag, unknown }
}

/** Queue's dead-letter target as RabbitMQ's arguments say it ("" is the default exchange). */
export function deadLetterOf(item: SourceItem): string | null {
  if (item.kind !== 'queue' || item.deadLetterExchange === null) return null
  const exchange = item.deadLetterExchange === '' ? '(default exchange)' : item.deadLetterExchange
  return item.deadLetterRoutingKey ? `${exchange} → ${item.deadLetterRoutingKey}` : exchange
}

/** Trouble worth colour: messages piling up with nobody consuming them. */
export function hasIdleBacklog(item: SourceItem): boolean {
  // A stream queue keeps its messages by design (consumers read by offset): no backlog to flag.
  return item.kind === 'queue' && item.queueType !== 'stream' && (item.messages ?? 0) > 0 && item.consumers === 0
}

/** Trouble worth colour: some consumer group is behind, or we cannot tell. */
export function hasGroupTrouble(item: SourceItem): boolean {
  if (item.kind !== 'stream') return false
  const lag = streamLag(item)
  return lag.unknown || (lag.maxLag ?? 0) > 0
}

type SortValue = string | number | null

const NO_SERIES: Record<string, readonly SourceSample[]> = {}

function sortValue(item: SourceItem, column: SortColumn, series: Record<string, readonly SourceSample[]>): SortValue {
  switch (column) {
    case 'name':
      return item.name
    case 'kind':
      return kindLabel(item)
    case 'messages':
      return item.messages
    case 'ready':
      return readyOf(item)
    case 'unacked':
      return unackedOf(item)
    case 'consumers':
      return item.consumers
    case 'capacity':
      return capacityOf(item)
    case 'groups': {
      // BullMQ: the failed jobs, the number in that cell worth sorting by.
      if (item.kind === 'bullmq') return item.counts.failed
      if (item.kind !== 'stream') return null
      const lag = streamLag(item)
      // Unknown lag sorts as the worst: it is what the user has to look at.
      return lag.unknown ? Number.POSITIVE_INFINITY : lag.maxLag
    }
    case 'deadLetter':
      return deadLetterOf(item)
    // The table shows rates and trends for queues only; the rest have no value ("—") here either.
    case 'publishRate':
      return item.kind === 'queue' ? (series[sourceKey(item)]?.at(-1)?.publishRate ?? null) : null
    case 'ackRate':
      return item.kind === 'queue' ? (series[sourceKey(item)]?.at(-1)?.ackRate ?? null) : null
    case 'trend': {
      const samples = item.kind === 'queue' ? series[sourceKey(item)] : undefined
      // Net messages/s (positive = growing): descending puts the fastest-growing backlog first.
      return samples ? trendOf(samples).netRate : null
    }
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return collator.compare(String(a), String(b))
}

/**
 * The rows to show: names containing the filter (case-insensitive), sorted by the column. Rows
 * without a value ("—") stay at the bottom in both directions; ties fall back to the name.
 * `series` (metrics samples per `<kind>:<name>`) feeds the rate and trend columns; pass it only
 * when sorting by one of them (`sortsBySamples`), so other sorts do not re-run on every sample.
 */
export function visibleSources(
  items: readonly SourceItem[],
  filterText: string,
  sort: SortState,
  series: Record<string, readonly SourceSample[]> = NO_SERIES,
): SourceItem[] {
  const needle = filterText.trim().toLowerCase()
  const rows = needle ? items.filter((item) => item.name.toLowerCase().includes(needle)) : items
  const sign = sort.direction === 'asc' ? 1 : -1
  // Each value once per row (a trend reads minutes of samples), not once per comparison.
  const keyed = rows.map((item) => ({ item, value: sortValue(item, sort.column, series) }))
  keyed.sort((a, b) => {
    const va = a.value
    const vb = b.value
    if (va === null && vb !== null) return 1
    if (vb === null && va !== null) return -1
    const byValue = va === null || vb === null ? 0 : sign * compareValues(va, vb)
    return byValue || collator.compare(a.item.name, b.item.name) || collator.compare(a.item.kind, b.item.kind)
  })
  return keyed.map((row) => row.item)
}
