import type { BrokerOverview } from '../../../shared/broker-overview'
import type { SourceKind } from '../../../shared/model'
import type { ColumnName } from '../components/SourcesTable'

/**
 * What the app shows differently per broker, kept with the broker (src/renderer/src/brokers/<name>.ts)
 * and found through the registry (registry.ts); what a source allows comes from the core instead
 * (its capabilities, store/capabilities.selectors.ts).
 */
export interface BrokerViews {
  /** The sources table's columns, and the fewer when the details panel is open beside it. */
  columns: { full: ColumnName[]; compact: ColumnName[] }
  /** What an empty listing says. */
  emptyHint: string
  /** A listing without a source of this kind is empty in effect (RabbitMQ always lists its built-in exchanges). */
  emptyWithout: SourceKind | null
  /** The broker's own counts in the bar above the table; null values show as "—", never 0. */
  counts(counts: BrokerOverview['counts']): [label: string, value: number | null][]
  /**
   * Listed by a discovery that reports progress and can be cancelled, narrowed by a key glob in the
   * top bar (null: listed at once), and what it says when the glob matched nothing.
   */
  discovery: { noMatch(pattern: string): string } | null
}
