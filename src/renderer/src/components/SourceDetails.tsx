import type { SourceItem, StreamSource } from '../../../shared/model'
import { formatCount, formatLag, NO_DATA } from '../format'
import { appStore } from '../store'
import { deadLetterOf, kindLabel, sourceKey } from '../store/sources.selectors'
import { CloseIcon } from './Icons'

/** The clicked row, in full: `<section aria-label="Details of stream:orders">`. */
export function SourceDetails({ item }: { item: SourceItem }) {
  const key = sourceKey(item)
  return (
    <section className="details" aria-label={`Details of ${key}`}>
      <header className="details-header">
        <span className={`badge kind-badge kind-${item.kind} type-${kindLabel(item)}`}>{kindLabel(item)}</span>
        <h2 className="mono" title={item.name}>
          {item.name === '' ? '(AMQP default)' : item.name}
        </h2>
        <button type="button" className="icon-btn" aria-label="Close details" onClick={() => appStore.getState().selectSource(null)}>
          <CloseIcon size={12} />
        </button>
      </header>
      <div className="details-body">
        <DetailsBody item={item} />
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
