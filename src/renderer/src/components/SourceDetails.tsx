import { useEffect, useId } from 'react'
import type { SourceItem } from '../../../shared/model'
import type { Binding, Setting, SourceDetails as Topology } from '../../../shared/topology'
import { formatCount, NO_DATA } from '../format'
import { appStore, useApp } from '../store'
import { effectiveTab, selectDetailsTab } from '../store/messages.selectors'
import { selectCapabilities } from '../store/capabilities.selectors'
import type { DetailsTab } from '../store/messages.slice'
import { kindLabel, sourceKey } from '../store/sources.selectors'
import { selectProfileById } from '../store/profiles.selectors'
import { ackMode, exchangeName, selectTopologyFor, settingOrigin } from '../store/topology.selectors'
import { BullmqTab } from './BullmqTab'
import { CloseIcon } from './Icons'
import { MessagesTab } from './MessagesTab'
import { MetricsChart } from './MetricsChart'
import { PendingTab } from './PendingTab'
import { PublishTab } from './PublishTab'
import { RedisActions } from './RedisDangerDialogs'
import { RedisMessagesTab } from './RedisMessagesTab'
import { StreamDetails } from './StreamDetails'
import { StreamLagChart } from './StreamLagChart'
import { TailTab } from './TailTab'

const TAB_LABELS: Record<DetailsTab, string> = {
  messages: 'Messages',
  chart: 'Chart',
  publish: 'Publish',
  details: 'Details',
  jobs: 'Jobs',
  live: 'Live',
  pending: 'Pending',
}

interface Props {
  item: SourceItem
  connectionId: string
  /** The profile is read-only: writes (publish, purge) are refused by the core, so the UI does not offer them. */
  readOnly: boolean
}

/** The clicked row, in full: `<section aria-label="Details of stream:orders">` with Messages, Chart (queues), Publish and Details tabs. */
export function SourceDetails({ item, connectionId, readOnly }: Props) {
  const key = sourceKey(item)
  const chosen = useApp(selectDetailsTab)
  const capabilities = useApp(selectCapabilities(connectionId, item))
  const { tabs } = capabilities
  const tab = effectiveTab(chosen, capabilities)
  const baseId = useId()
  const profile = useApp(selectProfileById(connectionId))
  const { setDetailsTab, selectSource, openPurgeConfirm, openReplayDialog } = appStore.getState()
  // A source that cannot be replayed from shows the button disabled, with why.
  const replayWhyNot = capabilities.replayFrom

  const onTabKeyDown = (event: React.KeyboardEvent) => {
    const index = tabs.indexOf(tab)
    let next: number | null = null
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = tabs.length - 1
    if (next === null) return
    event.preventDefault()
    const target = tabs[next]!
    setDetailsTab(target)
    document.getElementById(`${baseId}-tab-${target}`)?.focus()
  }

  return (
    <section className="details" aria-label={`Details of ${key}`}>
      <header className="details-header">
        <span className={`badge kind-badge kind-${item.kind} type-${kindLabel(item)}`}>{kindLabel(item)}</span>
        <h2 className="mono" title={item.name}>
          {item.name === '' ? '(AMQP default)' : item.name}
        </h2>
        {profile !== null ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={replayWhyNot !== null}
            title={replayWhyNot ?? 'Move or copy messages into another source on any open connection, or back to where they came from'}
            aria-describedby={replayWhyNot === null ? undefined : `${baseId}-replay-why`}
            onClick={() => openReplayDialog(connectionId, key)}
          >
            Replay…
          </button>
        ) : null}
        {replayWhyNot !== null ? (
          <span id={`${baseId}-replay-why`} className="visually-hidden">
            {replayWhyNot}
          </span>
        ) : null}
        {capabilities.purge ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={readOnly}
            title={readOnly ? 'Read-only profile: purging is not allowed' : 'Delete every ready message of this queue'}
            aria-describedby={readOnly ? `${baseId}-purge-why` : undefined}
            onClick={() => openPurgeConfirm(connectionId, item.name)}
          >
            Purge…
          </button>
        ) : null}
        {readOnly && capabilities.purge ? (
          <span id={`${baseId}-purge-why`} className="visually-hidden">
            Read-only profile: purging is not allowed
          </span>
        ) : null}
        <RedisActions item={item} connectionId={connectionId} readOnly={readOnly} />
        <button type="button" className="icon-btn" aria-label="Close details" onClick={() => selectSource(null)}>
          <CloseIcon size={12} />
        </button>
      </header>
      <div className="tabs" role="tablist" aria-label={`Views of ${key}`} onKeyDown={onTabKeyDown}>
        {tabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`${baseId}-tab-${t}`}
            aria-selected={t === tab}
            aria-controls={`${baseId}-panel`}
            tabIndex={t === tab ? 0 : -1}
            className={`tab${t === tab ? ' active' : ''}`}
            onClick={() => setDetailsTab(t)}
          >
            {TAB_LABELS[t]}
          </button>
        ))}
      </div>
      <div className={`details-body tab-${tab}`} role="tabpanel" id={`${baseId}-panel`} aria-labelledby={`${baseId}-tab-${tab}`}>
        {tab === 'messages' ? (
          item.kind === 'stream' || item.kind === 'list' ? (
            <RedisMessagesTab key={key} item={item} connectionId={connectionId} readOnly={readOnly} />
          ) : (
            <MessagesTab key={key} item={item} connectionId={connectionId} />
          )
        ) : null}
        {tab === 'publish' ? <PublishTab item={item} connectionId={connectionId} readOnly={readOnly} /> : null}
        {tab === 'chart' ? (
          item.kind === 'stream' ? (
            <StreamLagChart key={key} stream={item} connectionId={connectionId} />
          ) : (
            <MetricsChart key={key} connectionId={connectionId} sourceKey={key} />
          )
        ) : null}
        {tab === 'pending' && item.kind === 'stream' ? <PendingTab key={key} stream={item} connectionId={connectionId} readOnly={readOnly} /> : null}
        {tab === 'details' ? <DetailsBody item={item} connectionId={connectionId} /> : null}
        {tab === 'jobs' && item.kind === 'bullmq' ? <BullmqTab key={key} item={item} connectionId={connectionId} readOnly={readOnly} /> : null}
        {/* Keyed by source: leaving a source unmounts its tab, which stops its tail. */}
        {tab === 'live' ? <TailTab key={key} item={item} connectionId={connectionId} /> : null}
      </div>
    </section>
  )
}

function DetailsBody({ item, connectionId }: { item: SourceItem; connectionId: string }) {
  switch (item.kind) {
    case 'queue':
      return (
        <>
          <dl className="facts">
            <Fact term="Type" value={item.queueType} />
            <Fact term="State" value={item.state ?? NO_DATA} />
            <Fact term="Durable" value={item.durable ? 'yes' : 'no'} />
            <Fact term="Messages" value={formatCount(item.messages)} num />
            <Fact term="Ready" value={formatCount(item.ready)} num />
            <Fact term="Unacked" value={formatCount(item.unacked)} num />
            <Fact term="Consumers" value={formatCount(item.consumers)} num />
          </dl>
          <TopologyDetails item={item} connectionId={connectionId} />
        </>
      )
    case 'exchange':
      return (
        <>
          <dl className="facts">
            <Fact term="Type" value={item.exchangeType} />
            <Fact term="Durable" value={item.durable ? 'yes' : 'no'} />
            <Fact term="Internal" value={item.internal ? 'yes' : 'no'} />
            <p className="muted facts-note">Exchanges hold no messages: they route what is published to them to bound queues.</p>
          </dl>
          <TopologyDetails item={item} connectionId={connectionId} />
        </>
      )
    case 'list':
      return (
        <dl className="facts">
          <Fact term="Length" value={formatCount(item.messages)} num />
        </dl>
      )
    case 'stream':
      return <StreamDetails stream={item} connectionId={connectionId} />
    case 'channel':
      return (
        <dl className="facts">
          <Fact term="Kind" value={item.pattern ? 'pattern (PSUBSCRIBE)' : 'channel'} />
          <Fact term="Subscribers" value={formatCount(item.consumers)} num />
          <p className="muted facts-note">
            Pub/sub keeps no messages: the Live tab shows what is published while it runs. In a Cluster the count is one node's.
          </p>
        </dl>
      )
    case 'bullmq':
      return (
        <dl className="facts">
          <Fact term="Queue" value={item.queue} mono />
          <Fact term="Prefix" value={item.prefix} mono />
          <Fact term="BullMQ version" value={item.version ?? NO_DATA} mono />
          <Fact term="Paused" value={item.paused ? 'yes' : 'no'} />
          <Fact term="Not started" value={formatCount(item.messages)} num />
          <Fact term="Workers" value={formatCount(item.consumers)} num />
        </dl>
      )
  }
}

/** `sources:details` of a RabbitMQ queue or exchange: settings in words, consumers, bindings. */
function TopologyDetails({ item, connectionId }: { item: SourceItem; connectionId: string }) {
  const key = sourceKey(item)
  const entry = useApp(selectTopologyFor(connectionId, key))
  // Reloaded when the consumer count moves, so the consumers table follows the listing.
  const consumers = item.consumers
  useEffect(() => {
    void appStore.getState().loadSourceDetails(connectionId, key)
  }, [connectionId, key, consumers])

  const details = entry?.details ?? null
  if (details === null) {
    if (entry?.error) {
      return (
        <p className="banner banner-trouble" role="alert">
          Could not read the settings and bindings: {entry.error.message}
        </p>
      )
    }
    return <p className="muted empty-inline">Reading settings and bindings…</p>
  }
  return (
    <>
      {entry?.error ? (
        <p className="muted empty-inline" role="alert">
          Could not refresh: {entry.error.message}
        </p>
      ) : null}
      {details.kind === 'queue' ? <QueueTopology details={details} /> : details.kind === 'exchange' ? <ExchangeTopology details={details} /> : null}
    </>
  )
}

function QueueTopology({ details }: { details: Extract<Topology, { kind: 'queue' }> }) {
  return (
    <>
      <dl className="facts">
        <Fact term="Policy" value={details.policy ?? NO_DATA} mono />
        <Fact term="Node" value={details.node ?? NO_DATA} mono />
        <Fact term="Auto-delete" value={details.autoDelete ? 'yes' : 'no'} />
        <Fact term="Exclusive" value={details.exclusive ? 'yes' : 'no'} />
      </dl>
      <SettingsTable settings={details.settings} empty="No arguments or policy: RabbitMQ's defaults apply (no limit, no TTL, no dead-lettering)." />
      {details.settings.length > 0 && !details.settings.some((s) => s.key.endsWith('dead-letter-exchange')) ? (
        <p className="muted facts-note">No dead-letter target: rejected and expired messages are dropped.</p>
      ) : null}
      <h3>Consumers ({details.consumers.length.toLocaleString()})</h3>
      {details.consumers.length === 0 ? (
        <p className="muted empty-inline">No consumers: ready messages wait until one subscribes.</p>
      ) : (
        <table className="groups-table topology-table" aria-label="Consumers">
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Channel</th>
              <th scope="col" className="num">
                Prefetch
              </th>
              <th scope="col">Ack mode</th>
            </tr>
          </thead>
          <tbody>
            {details.consumers.map((consumer) => (
              <tr key={`${consumer.channel ?? ''}/${consumer.tag}`}>
                <td className="mono wrap">
                  {consumer.tag}
                  {consumer.active === false ? <span className="badge tag-badge">waiting</span> : null}
                </td>
                <td className="mono wrap">{consumer.channel ?? NO_DATA}</td>
                {/* RabbitMQ's prefetch 0 means "no limit", not zero messages. */}
                <td className="num">{consumer.prefetch === null ? NO_DATA : consumer.prefetch === 0 ? 'unlimited' : formatCount(consumer.prefetch)}</td>
                <td>{ackMode(consumer.ackRequired)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <BindingsTable title="Bindings" label="Bindings" bindings={details.bindings} empty="No bindings." />
    </>
  )
}

function ExchangeTopology({ details }: { details: Extract<Topology, { kind: 'exchange' }> }) {
  return (
    <>
      {details.settings.length > 0 ? <SettingsTable settings={details.settings} empty="" /> : null}
      <BindingsTable
        title="Routes to"
        label="Bindings out"
        bindings={details.outgoing}
        empty="Nothing is bound to this exchange: what is published to it is dropped (or goes to its alternate exchange)."
      />
      {details.incoming.length > 0 ? <BindingsTable title="Receives from" label="Bindings in" bindings={details.incoming} empty="" /> : null}
    </>
  )
}

function SettingsTable({ settings, empty }: { settings: Setting[]; empty: string }) {
  return (
    <>
      <h3>Settings</h3>
      {settings.length === 0 ? (
        <p className="muted empty-inline">{empty}</p>
      ) : (
        <dl className="facts" aria-label="Settings">
          {settings.map((setting) => {
            const origin = settingOrigin(setting)
            return (
              <div className="fact" key={setting.key} title={setting.key}>
                <dt>{setting.label}</dt>
                <dd>
                  {setting.value}
                  {origin === null ? null : <span className={`badge tag-badge from-${setting.from}`}>{origin}</span>}
                </dd>
              </div>
            )
          })}
        </dl>
      )}
    </>
  )
}

function BindingsTable({ title, label, bindings, empty }: { title: string; label: string; bindings: Binding[]; empty: string }) {
  return (
    <>
      <h3>
        {title} ({bindings.length.toLocaleString()})
      </h3>
      {bindings.length === 0 ? (
        <p className="muted empty-inline">{empty}</p>
      ) : (
        <table className="groups-table topology-table" aria-label={label}>
          <thead>
            <tr>
              <th scope="col">Source → destination</th>
              <th scope="col">Routing key</th>
            </tr>
          </thead>
          <tbody>
            {bindings.map((binding) => {
              const args = Object.keys(binding.arguments).length > 0 ? JSON.stringify(binding.arguments) : null
              return (
                <tr key={`${binding.source}|${binding.destinationType}|${binding.destination}|${binding.routingKey}|${args ?? ''}`}>
                  <td className="mono wrap">
                    {exchangeName(binding.source)} → {binding.destinationType === 'exchange' ? 'exchange ' : ''}
                    {binding.destination}
                  </td>
                  <td className="mono wrap" title={args === null ? undefined : `arguments: ${args}`}>
                    {binding.routingKey === '' ? <span className="muted">(empty)</span> : binding.routingKey}
                    {args === null ? null : <span className="muted"> + arguments</span>}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </>
  )
}

function Fact({ term, value, num, mono }: { term: string; value: string; num?: boolean; mono?: boolean }) {
  return (
    <div className="fact">
      <dt>{term}</dt>
      <dd className={`${num ? 'num' : ''}${mono && value !== NO_DATA ? ' mono' : ''}`}>{value}</dd>
    </div>
  )
}
