import { useId } from 'react'
import type { SourceItem, StreamSource } from '../../../shared/model'
import { formatCount, formatLag, NO_DATA } from '../format'
import { appStore, useApp } from '../store'
import { canPurge, effectiveTab, selectDetailsTab, tabsFor } from '../store/messages.selectors'
import type { DetailsTab } from '../store/messages.slice'
import { deadLetterOf, kindLabel, sourceKey } from '../store/sources.selectors'
import { CloseIcon } from './Icons'
import { MessagesTab } from './MessagesTab'
import { PublishTab } from './PublishTab'

const TAB_LABELS: Record<DetailsTab, string> = { messages: 'Messages', publish: 'Publish', details: 'Details' }

interface Props {
  item: SourceItem
  connectionId: string
  /** The profile is read-only: writes (publish, purge) are refused by the core, so the UI does not offer them. */
  readOnly: boolean
}

/** The clicked row, in full: `<section aria-label="Details of stream:orders">` with Messages, Publish and Details tabs. */
export function SourceDetails({ item, connectionId, readOnly }: Props) {
  const key = sourceKey(item)
  const chosen = useApp(selectDetailsTab)
  const tabs = tabsFor(item)
  const tab = effectiveTab(chosen, item)
  const baseId = useId()
  const { setDetailsTab, selectSource, openPurgeConfirm } = appStore.getState()

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
        {canPurge(item) ? (
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
        {readOnly && canPurge(item) ? (
          <span id={`${baseId}-purge-why`} className="visually-hidden">
            Read-only profile: purging is not allowed
          </span>
        ) : null}
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
        {tab === 'messages' ? <MessagesTab key={key} item={item} connectionId={connectionId} /> : null}
        {tab === 'publish' ? <PublishTab item={item} connectionId={connectionId} readOnly={readOnly} /> : null}
        {tab === 'details' ? <DetailsBody item={item} /> : null}
      </div>
    </section>
  )
}

function DetailsBody({ item }: { item: SourceItem }) {
  switch (item.kind) {
    case 'queue':
      return (
        <dl className="facts">
          <Fact term="Type" value={item.queueType} />
          <Fact term="State" value={item.state ?? NO_DATA} />
          <Fact term="Durable" value={item.durable ? 'yes' : 'no'} />
          <Fact term="Messages" value={formatCount(item.messages)} num />
          <Fact term="Ready" value={formatCount(item.ready)} num />
          <Fact term="Unacked" value={formatCount(item.unacked)} num />
          <Fact term="Consumers" value={formatCount(item.consumers)} num />
          <Fact term="Dead-letter exchange" value={item.deadLetterExchange === null ? NO_DATA : item.deadLetterExchange || '(default exchange)'} mono />
          <Fact term="Dead-letter routing key" value={item.deadLetterRoutingKey ?? NO_DATA} mono />
          {deadLetterOf(item) === null ? <p className="muted facts-note">No dead-letter target: rejected and expired messages are dropped.</p> : null}
        </dl>
      )
    case 'exchange':
      return (
        <dl className="facts">
          <Fact term="Type" value={item.exchangeType} />
          <Fact term="Durable" value={item.durable ? 'yes' : 'no'} />
          <Fact term="Internal" value={item.internal ? 'yes' : 'no'} />
          <p className="muted facts-note">Exchanges hold no messages: they route what is published to them to bound queues.</p>
        </dl>
      )
    case 'list':
      return (
        <dl className="facts">
          <Fact term="Length" value={formatCount(item.messages)} num />
        </dl>
      )
    case 'stream':
      return <StreamDetails stream={item} />
  }
}

function StreamDetails({ stream }: { stream: StreamSource }) {
  return (
    <>
      <dl className="facts">
        <Fact term="Length" value={formatCount(stream.messages)} num />
        <Fact term="Consumers" value={formatCount(stream.consumers)} num />
        <Fact term="First id" value={stream.firstId ?? NO_DATA} mono />
        <Fact term="Last id" value={stream.lastId ?? NO_DATA} mono />
      </dl>
      {stream.groups.length === 0 ? (
        <p className="muted empty-inline">
          No consumer groups. Create one with <code>XGROUP CREATE {stream.name} &lt;group&gt; $</code>.
        </p>
      ) : (
        <table className="groups-table" aria-label="Consumer groups">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col" className="num">
                Lag
              </th>
              <th scope="col" className="num">
                Pending
              </th>
              <th scope="col" className="num">
                Consumers
              </th>
              <th scope="col">Last delivered id</th>
            </tr>
          </thead>
          <tbody>
            {stream.groups.map((group) => (
              <tr key={group.name}>
                <td className="mono">{group.name}</td>
                <td
                  className={`num${group.lag === null || group.lag > 0 ? ' trouble' : ''}`}
                  title={group.lag === null ? 'Redis cannot know this lag (the group was moved with SETID, or entries were trimmed)' : undefined}
                >
                  {formatLag(group.lag)}
                </td>
                <td className="num">{formatCount(group.pending)}</td>
                <td className="num">{formatCount(group.consumers)}</td>
                <td className="mono">{group.lastDeliveredId}</td>
              </tr>
            ))}
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
