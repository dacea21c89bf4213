import type { ReplayReport } from '../shared/replay'
import type { PeekedMessage } from '../shared/messages'
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
        : item.groups
            .map(
              (g) =>
                `group ${g.name}: lag ${g.lag === null ? 'unknown' : number.format(g.lag)}, pending ${number.format(g.pending)}, consumers ${number.format(g.consumers)}`,
            )
            .join('; ')
    case 'list':
      return ''
    case 'channel':
      // Pub/sub keeps nothing: CONSUMERS is who is subscribed right now.
      return item.pattern ? 'pub/sub pattern, subscribers now' : 'pub/sub, subscribers now'
    case 'bullmq': {
      const counts = Object.entries(item.counts)
        .map(([state, n]) => `${state} ${number.format(n)}`)
        .join(', ')
      return `${item.paused ? 'PAUSED, ' : ''}${counts}`
    }
  }
}

/** A plain aligned table for people; scripts use --json. */
export function formatSourceTable(items: SourceItem[]): string {
  if (items.length === 0) return 'nothing here yet (no queues, exchanges, streams, lists, channels or BullMQ queues)\n'
  const rows = items.map((item) => [
    item.kind,
    item.kind === 'exchange' && item.name === '' ? '(default)' : item.name,
    count(item.messages),
    count(item.consumers),
    details(item),
  ])
  const header = ['KIND', 'NAME', 'MESSAGES', 'CONSUMERS', 'DETAILS']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]!) : i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return `${[line(header), ...rows.map(line)].join('\n')}\n`
}

const BODY_PREVIEW = 2000

/** A readable listing of browsed messages; scripts use --json (bodies there are never cut). */
export function formatMessages(messages: PeekedMessage[]): string {
  if (messages.length === 0) return 'no messages\n'
  const blocks = messages.map((m) => {
    const flags = [
      `${number.format(m.size)} B`,
      m.encoding,
      m.redelivered ? 'redelivered' : '',
      m.deliveryCount !== undefined ? `delivery count ${m.deliveryCount}` : '',
      m.streamOffset !== undefined ? `offset ${m.streamOffset}` : '',
    ]
    const lines = [`#${m.id}  ${flags.filter(Boolean).join(', ')}`]
    const props = Object.entries(m.properties)
    if (props.length > 0) lines.push(`  properties: ${props.map(([k, v]) => `${k}=${String(v)}`).join(' ')}`)
    const headers = Object.entries(m.headers).filter(([k]) => k !== 'x-death')
    if (headers.length > 0) lines.push(`  headers: ${JSON.stringify(Object.fromEntries(headers))}`)
    for (const d of m.xDeath ?? []) {
      const when = d.time === null ? '' : ` at ${new Date(d.time).toISOString()}`
      lines.push(
        `  x-death: ${d.reason} x${d.count} from queue ${d.queue} (exchange ${d.exchange || '(default)'}, routing keys ${d.routingKeys.join(', ') || '(none)'})${when}`,
      )
    }
    const body = m.encoding === 'utf8' ? m.body : `(base64) ${m.body}`
    lines.push(
      `  body: ${body.length > BODY_PREVIEW ? `${body.slice(0, BODY_PREVIEW)}… (${number.format(body.length - BODY_PREVIEW)} more characters; use --json)` : body}`,
    )
    return lines.join('\n')
  })
  return `${blocks.join('\n\n')}\n`
}

/** A replay's report for people: what happened, then the first failures. */
export function formatReplayReport(report: ReplayReport): string {
  const n = (value: number): string => value.toLocaleString('en-US')
  const verb = report.dryRun ? 'would replay' : report.mode === 'move' ? 'moved' : 'copied'
  const lines = [
    `${report.dryRun ? 'dry run: ' : ''}${verb} ${n(report.published)} of ${n(report.total)} message${report.total === 1 ? '' : 's'} from ${report.source} to ${report.target}`,
    `  looked at ${n(report.scanned)}, acknowledged ${n(report.acknowledged)}, failed ${n(report.failed)}, skipped (filters) ${n(report.skipped)}, left in the source ${n(report.left)}`,
  ]
  if (report.duplicates > 0) lines.push(`  at most ${n(report.duplicates)} may now be in both the source and the target (at-least-once)`)
  if (report.cancelled) lines.push('  cancelled before the end')
  if (report.error) lines.push(`  stopped: ${report.error}`)
  for (const failure of report.failures.slice(0, 10)) lines.push(`  failed ${failure.id}: ${failure.reason ?? 'unknown'}`)
  if (report.dryRun)
    for (const item of report.preview.slice(0, 20))
      lines.push(`  ${item.id} -> ${item.exchange === '' ? '(default exchange)' : item.exchange} ${item.routingKeys.join(', ')} (${n(item.size)} bytes)`)
  if (report.dryRun && report.preview.length > 20) lines.push(`  … and ${n(report.published - 20)} more`)
  return `${lines.join('\n')}\n`
}
