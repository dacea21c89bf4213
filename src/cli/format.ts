import type { SourceItem } from '../shared/model'

const number = new Intl.NumberFormat('en-US')

function count(value: number | null): string {
  return value === null ? '—' : number.format(value)
}

function details(item: SourceItem): string {
  switch (item.kind) {
    case 'queue':
      return [
        item.queueType,
        `ready ${count(item.ready)}`,
        `unacked ${count(item.unacked)}`,
        item.deadLetterExchange !== null ? `dlx ${item.deadLetterExchange || '(default)'}` : '',
      ]
        .filter(Boolean)
        .join(', ')
    case 'exchange':
      return item.exchangeType
    case 'stream':
      return item.groups.length === 0
        ? 'no groups'
        : item.groups.map((g) => `${g.name}: lag ${g.lag === null ? 'unknown' : number.format(g.lag)}, pending ${number.format(g.pending)}`).join('; ')
    case 'list':
      return ''
  }
}

/** A plain aligned table for people; scripts use --json. */
export function formatSourceTable(items: SourceItem[]): string {
  if (items.length === 0) return 'nothing here yet (no queues, exchanges, streams or lists)\n'
  const rows = items.map((item) => [item.kind, item.kind === 'exchange' && item.name === '' ? '(default)' : item.name, count(item.messages), count(item.consumers), details(item)])
  const header = ['KIND', 'NAME', 'MESSAGES', 'CONSUMERS', 'DETAILS']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]!) : i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return `${[line(header), ...rows.map(line)].join('\n')}\n`
}
