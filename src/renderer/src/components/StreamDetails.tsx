import { useEffect } from 'react'
import type { StreamSource } from '../../../shared/model'
import type { StreamGroupDetail } from '../../../shared/streams'
import type { SourceDetails } from '../../../shared/topology'
import { formatCount, formatLag, NO_DATA } from '../format'
import { appStore, useApp } from '../store'
import { formatIdle, LAG_UNKNOWN_REASON } from '../store/redis.selectors'
import { selectSourcesEntry, sourceKey } from '../store/sources.selectors'
import { selectTopologyFor } from '../store/topology.selectors'

type StreamTopology = Extract<SourceDetails, { kind: 'stream' }>

/**
 * The Details tab of a Redis stream: its facts and every consumer group with lag,
 * pending, last-delivered id, entries read and its oldest pending entry's age, each with its
 * consumers. Read with `sources:details` (XINFO) and re-read with every listing, so idle times move.
 */
export function StreamDetails({ stream, connectionId }: { stream: StreamSource; connectionId: string }) {
  const key = sourceKey(stream)
  const entry = useApp(selectTopologyFor(connectionId, key))
  const listedAt = useApp(selectSourcesEntry(connectionId))?.listing?.listedAt
  useEffect(() => {
    void appStore.getState().loadSourceDetails(connectionId, key)
  }, [connectionId, key, listedAt])

  const details = entry?.details?.kind === 'stream' ? entry.details : null
  return (
    <>
      <dl className="facts">
        <Fact term="Length" value={formatCount(details?.length ?? stream.messages)} num />
        <Fact
          term="Entries added"
          value={formatCount(details?.entriesAdded ?? null)}
          num
          title="Every entry ever added (XINFO entries-added), trimmed and deleted ones included"
        />
        <Fact term="First id" value={(details ? details.firstId : stream.firstId) ?? NO_DATA} mono />
        <Fact term="Last id" value={(details ? details.lastId : stream.lastId) ?? NO_DATA} mono />
        {details?.maxDeletedId && details.maxDeletedId !== '0-0' ? <Fact term="Max deleted id" value={details.maxDeletedId} mono /> : null}
      </dl>
      {entry?.error ? (
        <p className="banner banner-trouble" role="alert">
          Could not read the consumer groups: {entry.error.message}
        </p>
      ) : null}
      {details === null ? entry?.error ? null : <p className="muted empty-inline">Reading consumer groups…</p> : <GroupsTable details={details} />}
    </>
  )
}

function GroupsTable({ details }: { details: StreamTopology }) {
  if (details.groups.length === 0) {
    return (
      <p className="muted empty-inline">
        No consumer groups. Create one with <code>XGROUP CREATE {details.name} &lt;group&gt; $</code>.
      </p>
    )
  }
  return (
    <>
      <h3>Consumer groups ({details.groups.length.toLocaleString()})</h3>
      <table className="groups-table stream-groups" aria-label="Consumer groups">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col" className="num">
              Lag
            </th>
            <th scope="col" className="num">
              Pending
            </th>
            <th scope="col" className="num" title="Oldest pending entry: how long since it was last delivered">
              Oldest pending
            </th>
            <th scope="col" className="num">
              Entries read
            </th>
            <th scope="col">Last delivered id</th>
          </tr>
        </thead>
        <tbody>
          {details.groups.map((group) => (
            <GroupRow key={group.name} group={group} />
          ))}
        </tbody>
      </table>
      {details.groups.map((group) => (
        <ConsumersTable key={group.name} group={group} />
      ))}
    </>
  )
}

function GroupRow({ group }: { group: StreamGroupDetail }) {
  const unknown = group.lag === null
  return (
    <tr>
      <th scope="row" className="mono">
        {group.name}
      </th>
      <td className={`num${unknown || (group.lag ?? 0) > 0 ? ' trouble' : ''}`} title={unknown ? (group.lagReason ?? LAG_UNKNOWN_REASON) : undefined}>
        {formatLag(group.lag)}
        {unknown ? <span className="visually-hidden"> ({group.lagReason ?? LAG_UNKNOWN_REASON})</span> : null}
      </td>
      <td className="num">{formatCount(group.pending)}</td>
      <td className="num" title={group.oldestPendingId === null ? undefined : `entry ${group.oldestPendingId}`}>
        {group.pending === 0 ? NO_DATA : formatIdle(group.oldestPendingIdleMs)}
      </td>
      <td className="num">{formatCount(group.entriesRead)}</td>
      <td className="mono wrap">{group.lastDeliveredId}</td>
    </tr>
  )
}

function ConsumersTable({ group }: { group: StreamGroupDetail }) {
  return (
    <section className="stream-consumers" aria-label={`Consumers of ${group.name}`}>
      <h4>
        <span className="mono">{group.name}</span> · {group.consumers.length.toLocaleString()} {group.consumers.length === 1 ? 'consumer' : 'consumers'}
      </h4>
      {group.consumers.length === 0 ? (
        <p className="muted empty-inline">No consumers: nobody has read from this group yet (XREADGROUP creates them).</p>
      ) : (
        <table className="groups-table" aria-label={`Consumers of group ${group.name}`}>
          <thead>
            <tr>
              <th scope="col">Consumer</th>
              <th scope="col" className="num">
                Pending
              </th>
              <th scope="col" className="num" title="Since its last attempted read, claim or acknowledge (XINFO idle)">
                Idle
              </th>
              <th scope="col" className="num" title="Since its last successful read (Redis 7.2+)">
                Inactive
              </th>
            </tr>
          </thead>
          <tbody>
            {group.consumers.map((consumer) => (
              <tr key={consumer.name}>
                <th scope="row" className="mono">
                  {consumer.name}
                </th>
                <td className="num">{formatCount(consumer.pending)}</td>
                <td className="num">{formatIdle(consumer.idleMs)}</td>
                <td className="num" title={consumer.inactiveMs === null ? 'Redis before 7.2 does not report it' : undefined}>
                  {consumer.inactiveMs === null || consumer.inactiveMs < 0 ? NO_DATA : formatIdle(consumer.inactiveMs)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function Fact({ term, value, num, mono, title }: { term: string; value: string; num?: boolean; mono?: boolean; title?: string }) {
  return (
    <div className="fact" title={title}>
      <dt>{term}</dt>
      <dd className={`${num ? 'num' : ''}${mono && value !== NO_DATA ? ' mono' : ''}`}>{value}</dd>
    </div>
  )
}
