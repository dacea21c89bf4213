import { useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { SourceItem } from '../../../shared/model'
import { formatCount, formatGroupsLag, NO_DATA } from '../format'
import { appStore } from '../store'
import {
  deadLetterOf,
  hasGroupTrouble,
  hasIdleBacklog,
  kindLabel,
  readyOf,
  sourceKey,
  unackedOf,
} from '../store/sources.selectors'
import type { SortColumn, SortState } from '../store/sources.slice'
import { SortIcon } from './Icons'

export const ROW_HEIGHT = 26

interface Column {
  id: SortColumn
  label: string
  numeric: boolean
}

const COLUMNS: Column[] = [
  { id: 'name', label: 'Name', numeric: false },
  { id: 'kind', label: 'Kind', numeric: false },
  { id: 'messages', label: 'Messages', numeric: true },
  { id: 'ready', label: 'Ready', numeric: true },
  { id: 'unacked', label: 'Unacked', numeric: true },
  { id: 'consumers', label: 'Consumers', numeric: true },
  { id: 'groups', label: 'Groups / lag', numeric: false },
  { id: 'deadLetter', label: 'Dead-letter', numeric: false },
]

interface Props {
  rows: SourceItem[]
  sort: SortState
  selectedKey: string | null
}

/** Every source of the connection in one virtualized table (UI.md "Overview"); ARIA table roles for tests and screen readers. */
export function SourcesTable({ rows, sort, selectedKey }: Props) {
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
    <div className="sources-table" role="table" aria-label="Sources" aria-rowcount={rows.length + 1}>
      <div role="rowgroup" className="thead">
        <div role="row" aria-rowindex={1} className="tr">
          {COLUMNS.map((column) => {
            const sorted = sort.column === column.id
            return (
              <div
                key={column.id}
                role="columnheader"
                aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                className={`th${column.numeric ? ' num' : ''}${sorted ? ' sorted' : ''}`}
              >
                <button type="button" onClick={() => toggleSort(column.id)}>
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
      <div
        role="rowgroup"
        className="tbody"
        ref={bodyRef}
        tabIndex={0}
        aria-label="Sources rows: arrow keys move the selection"
        onKeyDown={onKeyDown}
      >
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
                onSelect={() => selectSource(key)}
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
  onSelect: () => void
}

function SourceRow({ item, index, top, selected, onSelect }: RowProps) {
  const idleBacklog = hasIdleBacklog(item)
  const groupTrouble = hasGroupTrouble(item)
  const deadLetter = deadLetterOf(item)
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`tr${selected ? ' selected' : ''}${index % 2 ? ' odd' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={onSelect}
    >
      <div role="cell" className="td mono name" title={item.name}>
        {/* RabbitMQ's default exchange is the one without a name. */}
        {item.name === '' ? <span className="unnamed">(AMQP default)</span> : item.name}
      </div>
      <div role="cell" className="td">
        <span className={`badge kind-badge kind-${item.kind} type-${kindLabel(item)}`}>{kindLabel(item)}</span>
      </div>
      <div role="cell" className={`td num${idleBacklog ? ' trouble' : ''}`} title={idleBacklog ? 'messages waiting and no consumer' : undefined}>
        {formatCount(item.messages)}
      </div>
      <div role="cell" className="td num">
        {formatCount(readyOf(item))}
      </div>
      <div role="cell" className="td num">
        {formatCount(unackedOf(item))}
      </div>
      <div role="cell" className={`td num${idleBacklog ? ' trouble' : ''}`}>
        {formatCount(item.consumers)}
      </div>
      <div role="cell" className={`td${groupTrouble ? ' trouble' : ''}`} title={groupTrouble ? 'a consumer group is behind, or its lag cannot be known' : undefined}>
        {formatGroupsLag(item)}
      </div>
      <div role="cell" className={`td${deadLetter === null ? '' : ' mono'}`} title={deadLetter ?? undefined}>
        {deadLetter ?? NO_DATA}
      </div>
    </div>
  )
}
