import { useMemo } from 'react'
import type { BrokerOverview } from '../../../shared/broker-overview'
import { viewsOf } from '../brokers/registry'
import type { Broker, ProfileView } from '../../../shared/model'
import { formatCount } from '../format'
import { useAutoRefresh } from '../hooks/useAutoRefresh'
import { appStore, useApp } from '../store'
import { countsFor, mergeWarnings, selectOverviewEntry, selectSwitchingScope } from '../store/broker.selectors'
import { selectStatus, stateOf } from '../store/connections.selectors'
import { selectSeriesMap } from '../store/metrics.selectors'
import { selectProfiles, selectProfilesLoad, selectSelectedProfile } from '../store/profiles.selectors'
import {
  selectFilterText,
  selectKeyPattern,
  selectSelectedSource,
  selectSelectedSourceKey,
  selectSort,
  selectSourcesEntry,
  sortsBySamples,
  visibleSources,
} from '../store/sources.selectors'
import { DiscoveryProgress } from './DiscoveryProgress'
import { WarningIcon } from './Icons'
import { SourceDetails } from './SourceDetails'
import { SourcesTable } from './SourcesTable'

export function Overview() {
  const profile = useApp(selectSelectedProfile)
  const profiles = useApp(selectProfiles)
  const load = useApp(selectProfilesLoad)

  if (profile) return <ConnectionOverview key={profile.id} profile={profile} />
  if (load === 'loading') return <div className="empty-state muted">Loading profiles…</div>
  if (profiles.length === 0 && load === 'ready') {
    return (
      <div className="empty-state">
        <h2>Point Queuescope at a broker</h2>
        <p>
          Add a profile for RabbitMQ (amqp://guest@127.0.0.1:5672/) or Redis (redis://127.0.0.1:6379), test it, and select it to see every queue, exchange,
          stream and list.
        </p>
        <button type="button" className="btn btn-primary" onClick={() => appStore.getState().openProfileDialog(null)}>
          Add your first profile
        </button>
      </div>
    )
  }
  return (
    <div className="empty-state">
      <h2>No profile selected</h2>
      <p>Select a profile in the sidebar: it connects and lists every source here.</p>
    </div>
  )
}

function ConnectionOverview({ profile }: { profile: ProfileView }) {
  const status = useApp(selectStatus(profile.id))
  const entry = useApp(selectSourcesEntry(profile.id))
  const filterText = useApp(selectFilterText)
  const sort = useApp(selectSort)
  const selectedKey = useApp(selectSelectedSourceKey)
  const selected = useApp(selectSelectedSource)
  const series = useApp(selectSeriesMap(profile.id))
  const overviewEntry = useApp(selectOverviewEntry(profile.id))
  const switching = useApp(selectSwitchingScope(profile.id))
  const keyPattern = useApp(selectKeyPattern(profile.id))
  const state = stateOf(status)
  useAutoRefresh(profile.id, state, status?.scope)

  const items = entry?.listing?.items
  // Samples only matter to the rate and trend sorts: other sorts do not re-run on every sample.
  const sortSeries = sortsBySamples(sort.column) ? series : undefined
  const rows = useMemo(() => (items ? visibleSources(items, filterText, sort, sortSeries) : []), [items, filterText, sort, sortSeries])
  const { connect, setFilterText } = appStore.getState()

  const overview = overviewEntry?.overview ?? null
  const counts = state === 'open' ? countsFor(overview, status?.scope ?? null) : null
  const overviewError = state === 'open' ? (overviewEntry?.error?.message ?? null) : null
  const listingWarnings = entry?.listing?.warnings
  const overviewWarnings = overview !== null && overview.scope === status?.scope ? overview.warnings : null
  const warnings = useMemo(
    () =>
      mergeWarnings(
        listingWarnings,
        overviewWarnings,
        overviewError === null ? null : [`the vhosts or databases and the connection counts could not be read: ${overviewError}`],
      ),
    [listingWarnings, overviewWarnings, overviewError],
  )

  const banner = (() => {
    // The picker closes the connection and opens it on the new scope: one line for the whole switch.
    if (switching !== null && state !== 'failed') {
      return (
        <div className="banner" role="status">
          Opening {overview?.scopeKind ?? 'scope'} {switching}…
        </div>
      )
    }
    switch (state) {
      case 'open':
        return null
      case 'connecting':
        return (
          <div className="banner" role="status">
            Connecting to {profile.name}…
          </div>
        )
      case 'reconnecting':
        return (
          <div className="banner banner-trouble" role="status">
            Connection lost; reconnecting (attempt {status?.attempt ?? 1}){status?.reason ? `: ${status.reason}` : ''}. The table shows the last listing.
          </div>
        )
      case 'failed':
        return (
          <div className="banner banner-trouble" role="alert">
            <span>Could not connect: {status?.reason ?? 'unknown error'}</span>
            {/* Retry what failed: after a switch of vhost, that vhost, not the profile's. */}
            <button type="button" className="btn btn-small" onClick={() => void connect(profile.id, status?.scope)}>
              Retry
            </button>
          </div>
        )
      case 'closed':
        return (
          <div className="banner">
            <span>Not connected.</span>
            <button type="button" className="btn btn-small" onClick={() => void connect(profile.id)}>
              Connect {profile.name}
            </button>
          </div>
        )
    }
  })()

  const listing = entry?.listing ?? null
  const emptyWithout = listing === null ? null : viewsOf(listing.broker).emptyWithout
  return (
    <div className="overview">
      {banner}
      {entry?.error ? (
        <div className="banner banner-trouble" role="alert">
          Could not list sources: {entry.error.message}
        </div>
      ) : null}
      {warnings.length > 0 ? (
        <ul className="warnings" aria-label="Warnings">
          {warnings.map((warning) => (
            <li key={warning}>
              <WarningIcon size={12} /> {warning}
            </li>
          ))}
        </ul>
      ) : null}

      {listing === null ? (
        state === 'open' ? (
          <div className="empty-state muted">
            <p>Listing sources…</p>
            <DiscoveryProgress connectionId={profile.id} entry={entry} />
          </div>
        ) : null
      ) : listing.items.length === 0 ? (
        <div className="empty-state">
          {/* An empty listing with a warning is the warning's fault, not an empty broker. */}
          <p>
            {listing.warnings.length > 0
              ? 'Nothing could be listed: see the warning above.'
              : keyPattern !== ''
                ? (viewsOf(listing.broker).discovery?.noMatch(keyPattern) ?? viewsOf(listing.broker).emptyHint)
                : viewsOf(listing.broker).emptyHint}
          </p>
          <DiscoveryProgress connectionId={profile.id} entry={entry} />
        </div>
      ) : (
        <div className={`overview-main${selected ? ' with-details' : ''}${state === 'open' ? '' : ' stale'}`}>
          <div className="table-pane">
            {/* A broker that always lists some built-in sources (RabbitMQ's exchanges) is empty without its kind of source. */}
            {emptyWithout !== null && !listing.items.some((item) => item.kind === emptyWithout) ? (
              <p className="teach">{viewsOf(listing.broker).emptyHint}</p>
            ) : null}
            <div className="table-meta muted">
              <span className="num">
                {rows.length === listing.items.length
                  ? `${listing.items.length.toLocaleString()} source${listing.items.length === 1 ? '' : 's'}`
                  : `${rows.length.toLocaleString()} of ${listing.items.length.toLocaleString()} source${listing.items.length === 1 ? '' : 's'}`}
              </span>
              {counts ? <BrokerCounts counts={counts} broker={listing.broker} /> : null}
              {entry?.partial ? (
                <span className="num" role="status">
                  loaded {entry.partial.loaded.toLocaleString()} of {entry.partial.total.toLocaleString()} queues…
                </span>
              ) : (
                <span>
                  listed {new Date(listing.listedAt).toLocaleTimeString()}
                  {keyPattern === '' ? '' : ` · keys ${keyPattern}`}
                  {entry?.loading ? ' · refreshing…' : ''}
                </span>
              )}
              <DiscoveryProgress connectionId={profile.id} entry={entry} />
            </div>
            {rows.length === 0 ? (
              <div className="empty-state">
                <p>No source name contains “{filterText}”.</p>
                <button type="button" className="btn btn-small" onClick={() => setFilterText('')}>
                  Clear filter
                </button>
              </div>
            ) : (
              <SourcesTable rows={rows} sort={sort} selectedKey={selectedKey} broker={listing.broker} series={series} compact={selected !== null} />
            )}
          </div>
          {selected ? <SourceDetails item={selected} connectionId={profile.id} readOnly={profile.readOnly} /> : null}
        </div>
      )}
    </div>
  )
}

/**
 * "Connections 3 · Channels 5 · Consumers 2 · vhost /": the broker's own counts where they apply
 * (which, is the broker's: brokers/<name>.ts), "—" when it does not report one, never 0.
 */
function BrokerCounts({ counts, broker }: { counts: BrokerOverview['counts']; broker: Broker }) {
  const stats = viewsOf(broker).counts(counts)
  return (
    <span className="broker-counts" role="group" aria-label={`Counts for ${counts.scope}`} title={`Counted over ${counts.scope}`}>
      {stats.map(([label, value]) => (
        <span key={label}>
          <span className="stat">
            {label} <span className="num stat-value">{formatCount(value)}</span>
          </span>
          <span className="stat-sep"> · </span>
        </span>
      ))}
      <span className="stat-scope">{counts.scope}</span>
    </span>
  )
}
