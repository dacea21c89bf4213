import { memo, useMemo, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { SourceSample } from '../../../shared/metrics'
import type { Broker, SourceItem } from '../../../shared/model'
import { formatCount, formatGroupsLag, formatPercent, NO_DATA } from '../format'
import { appStore } from '../store'
import { formatRateCell, trendCellText, trendOf, trendSentence } from '../store/metrics.selectors'
import {
  capacityOf,
  deadLetterOf,
  hasGroupTrouble,
  hasIdleBacklog,
  consumersMeaning,
  kindLabel,
  readyOf,
  sourceKey,
  unackedOf,
} from '../store/sources.selectors'
import { groupsLagTitle } from '../store/redis.selectors'
import type { SortColumn, SortState } from '../store/sources.slice'
import { viewsOf } from '../brokers/registry'
import { BullmqCountsCell } from './BullmqCountsCell'
import { SortIcon } from './Icons'
import { Sparkline } from './Sparkline'

export const ROW_HEIGHT = 26

/** The lag sparkline is not sortable: its latest value is the Ready column, which is. */
type ColumnId = SortColumn | 'lag'

interface Column {
  id: ColumnId
  label: string
  numeric: boolean
  /** Its track in the grid template: wide enough for the bold label and its sort arrow (about 30 px besides the text). */
  width: string
  /** The narrowest it gets, for the row's min-width. */
  min: number
  sortable: boolean
}

const col = (id: ColumnId, label: string, width: string, min: number, numeric = false, sortable = true): Column => ({
  id,
  label,
  numeric,
  width,
  min,
  sortable,
})

const C = {
  name: col('name', 'Name', 'minmax(160px, 2.4fr)', 160),
  nameNarrow: col('name', 'Name', 'minmax(130px, 1.6fr)', 130),
  kind: col('kind', 'Kind', '76px', 76),
  messages: col('messages', 'Messages', '94px', 94, true),
  ready: col('ready', 'Ready', '74px', 74, true),
  unacked: col('unacked', 'Unacked', '86px', 86, true),
  consumers: col('consumers', 'Consumers', '100px', 100, true),
  capacity: col('capacity', 'Capacity', '86px', 86, true),
  publishRate: col('publishRate', 'Publish/s', '90px', 90, true),
  ackRate: col('ackRate', 'Ack/s', '66px', 66, true),
  lag: col('lag', 'Lag', '88px', 88, false, false),
  trend: col('trend', 'Trend', 'minmax(150px, 1.3fr)', 150),
  groups: col('groups', 'Groups / lag', 'minmax(150px, 1.3fr)', 150),
  deadLetter: col('deadLetter', 'Dead-letter', 'minmax(104px, 1fr)', 104),
}

export type ColumnName = keyof typeof C

interface Layout {
  columns: Column[]
  style: React.CSSProperties
}

const layouts = new Map<string, Layout>()
function layoutFor(broker: Broker, compact: boolean): Layout {
  const id = `${broker}:${compact}`
  let layout = layouts.get(id)
  if (!layout) {
    // Which columns a broker's sources have is the broker's own (brokers/<name>.ts, docs/ui.md "Overview").
    const columns = viewsOf(broker).columns[compact ? 'compact' : 'full'].map((name) => C[name])
    const style = {
      '--cols': columns.map((c) => c.width).join(' '),
      '--table-min': `${columns.reduce((n, c) => n + c.min, 0)}px`,
    } as React.CSSProperties
    layouts.set(id, (layout = { columns, style }))
  }
  return layout
}

const NO_SAMPLES: SourceSample[] = []

interface Props {
  rows: SourceItem[]
  sort: SortState
  selectedKey: string | null
  broker: Broker
  /** Samples per `<kind>:<name>` (metrics:history); a row re-renders only when its own series changes. */
  series: Record<string, SourceSample[]>
  /** The details panel is open beside the table: fewer, narrower columns. */
  compact: boolean
}

/** Every source of the connection in one virtualized table (docs/ui.md "Overview"); ARIA table roles for tests and screen readers. */
export function SourcesTable({ rows, sort, selectedKey, broker, series, compact }: Props) {
  const { columns, style } = layoutFor(broker, compact)
  const bodyRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is not compiler-safe; this component opts out by design.
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => bodyRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => {
      const item = rows[index]
      return item ? sourceKey(item) : index
    },
  })
  const { toggleSort, selectSource } = appStore.getState()
  const selectedIndex = selectedKey === null ? -1 : rows.findIndex((item) => sourceKey(item) === selectedKey)

  const onKeyDown = (event: React.KeyboardEvent) => {
    let next: number | null = null
    if (event.key === 'ArrowDown') next = Math.min(rows.length - 1, selectedIndex + 1)
    else if (event.key === 'ArrowUp') next = Math.max(0, selectedIndex - 1)
    else if (event.key === 'Home') next = 0
    else if (event.key === 'End') next = rows.length - 1
    else if (event.key === 'Escape' && selectedKey !== null) {
      event.preventDefault()
      selectSource(null)
      return
    }
    if (next === null) return
    const item = rows[next]
    if (!item) return
    event.preventDefault()
    selectSource(sourceKey(item))
    virtualizer.scrollToIndex(next)
  }

  return (
    <div className="sources-table" role="table" aria-label="Sources" aria-rowcount={rows.length + 1} style={style}>
      <div role="rowgroup" className="thead">
        <div role="row" aria-rowindex={1} className="tr">
          {columns.map((column) => {
            const sorted = sort.column === column.id
            if (!column.sortable) {
              return (
                <div key={column.id} role="columnheader" className={`th${column.numeric ? ' num' : ''}`}>
                  <span className="th-label">{column.label}</span>
                </div>
              )
            }
            const id = column.id as SortColumn
            return (
              <div
                key={column.id}
                role="columnheader"
                aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                className={`th${column.numeric ? ' num' : ''}${sorted ? ' sorted' : ''}`}
              >
                <button type="button" onClick={() => toggleSort(id)}>
                  {/* Right-aligned numbers keep their label flush with the digits: the arrow goes first. */}
                  {column.numeric ? <SortIcon direction={sorted ? sort.direction : null} /> : null}
                  {column.label}
                  {column.numeric ? null : <SortIcon direction={sorted ? sort.direction : null} />}
                </button>
              </div>
            )
          })}
        </div>
      </div>
      <div role="rowgroup" className="tbody" ref={bodyRef} tabIndex={0} aria-label="Sources rows: arrow keys move the selection" onKeyDown={onKeyDown}>
        <div className="tbody-space" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((virtual) => {
            const item = rows[virtual.index]
            if (!item) return null
            const key = sourceKey(item)
            return (
              <SourceRow
                key={key}
                item={item}
                index={virtual.index}
                top={virtual.start}
                selected={key === selectedKey}
                columns={columns}
                samples={series[key] ?? NO_SAMPLES}
              />
            )
          })}
        </div>
      </div>
    </div>
  )
}

interface RowProps {
  item: SourceItem
  index: number
  top: number
  selected: boolean
  columns: Column[]
  samples: SourceSample[]
}

/** Same source, same numbers: the listing is rebuilt every 5 s, but most rows did not change. */
function sameItem(a: SourceItem, b: SourceItem): boolean {
  if (a === b) return true
  const ra = a as unknown as Record<string, unknown>
  const rb = b as unknown as Record<string, unknown>
  const keys = Object.keys(ra)
  if (keys.length !== Object.keys(rb).length) return false
  return keys.every((k) => ra[k] === rb[k] || (typeof ra[k] === 'object' && JSON.stringify(ra[k]) === JSON.stringify(rb[k])))
}

const SourceRow = memo(
  function SourceRow({ item, index, top, selected, columns, samples }: RowProps) {
    const idleBacklog = hasIdleBacklog(item)
    const groupTrouble = hasGroupTrouble(item)
    const deadLetter = deadLetterOf(item)
    const isQueue = item.kind === 'queue'
    const trend = useMemo(() => trendOf(samples), [samples])
    const latest = samples.at(-1) ?? null
    // A stream queue keeps its messages by design (consumers read by offset): growing is no trouble.
    const growing = trend.trend === 'growing' && !(item.kind === 'queue' && item.queueType === 'stream')
    const key = sourceKey(item)

    const cell = (column: Column) => {
      switch (column.id) {
        case 'name':
          return (
            <div key="name" role="cell" className="td mono name" title={item.name}>
              {/* RabbitMQ's default exchange is the one without a name. */}
              {item.name === '' ? <span className="unnamed">(AMQP default)</span> : item.name}
            </div>
          )
        case 'kind':
          return (
            <div key="kind" role="cell" className="td">
              <span className={`badge kind-badge kind-${item.kind} type-${kindLabel(item)}`}>{kindLabel(item)}</span>
            </div>
          )
        case 'messages':
          return (
            <div
              key="messages"
              role="cell"
              className={`td num${idleBacklog ? ' trouble' : ''}`}
              title={idleBacklog ? 'messages waiting and no consumer' : undefined}
            >
              {formatCount(item.messages)}
            </div>
          )
        case 'ready':
          return (
            <div key="ready" role="cell" className="td num">
              {formatCount(readyOf(item))}
            </div>
          )
        case 'unacked':
          return (
            <div key="unacked" role="cell" className="td num">
              {formatCount(unackedOf(item))}
            </div>
          )
        case 'consumers':
          return (
            <div
              key="consumers"
              role="cell"
              className={`td num${idleBacklog ? ' trouble' : ''}`}
              title={idleBacklog ? 'messages waiting and no consumer' : consumersMeaning(item)}
            >
              {formatCount(item.consumers)}
            </div>
          )
        case 'capacity':
          return (
            <div
              key="capacity"
              role="cell"
              className="td num"
              title={isQueue ? 'consumer capacity: share of time the queue could deliver to its consumers at once' : undefined}
            >
              {formatPercent(capacityOf(item))}
            </div>
          )
        case 'publishRate':
          return (
            <div key="publishRate" role="cell" className="td num">
              {formatRateCell(isQueue && latest ? latest.publishRate : null)}
            </div>
          )
        case 'ackRate':
          return (
            <div key="ackRate" role="cell" className="td num">
              {formatRateCell(isQueue && latest ? latest.ackRate : null)}
            </div>
          )
        case 'lag':
          return (
            <div key="lag" role="cell" className="td spark">
              {isQueue ? <Sparkline samples={samples} trouble={growing} /> : NO_DATA}
            </div>
          )
        case 'trend':
          return (
            <div
              key="trend"
              role="cell"
              className={`td${growing ? ' trouble' : ''}`}
              title={isQueue && trend.trend !== 'unknown' ? trendSentence(trend) : undefined}
            >
              {isQueue ? trendCellText(trend) : NO_DATA}
            </div>
          )
        case 'groups':
          if (item.kind === 'bullmq') return <BullmqCountsCell key="groups" counts={item.counts} />
          return (
            <div key="groups" role="cell" className={`td${groupTrouble ? ' trouble' : ''}`} title={item.kind === 'stream' ? groupsLagTitle(item) : undefined}>
              {formatGroupsLag(item)}
            </div>
          )
        case 'deadLetter':
          return (
            <div key="deadLetter" role="cell" className={`td${deadLetter === null ? '' : ' mono'}`} title={deadLetter ?? undefined}>
              {deadLetter ?? NO_DATA}
            </div>
          )
      }
    }

    return (
      <div
        role="row"
        aria-rowindex={index + 2}
        aria-selected={selected}
        className={`tr${selected ? ' selected' : ''}${index % 2 ? ' odd' : ''}`}
        style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
        onClick={() => appStore.getState().selectSource(key)}
      >
        {columns.map(cell)}
      </div>
    )
  },
  (a, b) =>
    a.index === b.index && a.top === b.top && a.selected === b.selected && a.columns === b.columns && a.samples === b.samples && sameItem(a.item, b.item),
)
