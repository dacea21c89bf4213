import { Option, type Command } from 'commander'
import type { EventPayload } from '../../shared/contract'
import { QsError } from '../../shared/errors'
import { MAX_REPLAY_RATE, MIN_REPLAY_RATE, parseFilterExpression, type ReplayProgress } from '../../shared/replay'
import { parseSourceRef } from '../../shared/source-ref'
import { formatDuration } from '../../shared/trend'
import { withConnection } from '../client'
import { formatReplayReport } from '../format'
import type { SafeIo } from '../io'
import { connectionArgs, connectionOptions, positiveNumber, UsageError, type ConnectionArgs, type ConnectionFlags } from '../usage'

interface ReplayOptions extends ConnectionFlags {
  to?: string
  toUrl?: string
  toOrigin?: boolean
  group?: string
  routingKey?: string
  mode: string
  limit?: string
  rate?: string
  filter: string[]
  dryRun?: boolean
  yes?: boolean
  json?: boolean
}

export function replayCommand(program: Command, io: SafeIo): void {
  connectionOptions(program.command('replay').description('move or copy messages to a queue, exchange, stream, list or channel, or back to their origin'))
    .argument('<source>', 'queue:NAME, stream:KEY or list:KEY')
    .option('--to <target>', 'queue:NAME or exchange:NAME (RabbitMQ); stream:KEY, list:KEY or channel:NAME (Redis)')
    .option('--to-url <url>', 'the target is on another broker (default: the source connection)')
    .option('--to-origin', 'send each message back where it came from: its x-death (RabbitMQ), else its qs-origin header or field')
    .option('--group <name>', 'with a stream source: only the pending entries of this consumer group (a move acknowledges them with XACK)')
    .option('--routing-key <key>', 'with --to exchange:NAME: the routing key (default: each message keeps its own)')
    .addOption(new Option('--mode <mode>', 'move removes from the source once the target confirmed; copy leaves it').choices(['move', 'copy']).default('move'))
    .option('--limit <n>', 'at most N messages (default: all that are in the source when it starts)')
    .option('--rate <n>', 'at most N messages per second')
    .option(
      '--filter <expr>',
      'only matching messages (repeatable, all must match): header.K=V, property.type~=text, body.path=V, body=~regex, xdeath.reason=rejected, header.K?',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--dry-run', 'show what would be replayed and change nothing')
    .option('--yes', 'confirm a move (it removes messages from the source)')
    .option('--json', 'print {"published","acknowledged","failed","skipped","left","dryRun"} as JSON')
    .action(async (url: string | undefined, source: string, options: ReplayOptions) => {
      const args = connectionArgs(url, options)
      const ref = parseSourceRef(source)
      if ((options.to === undefined) === (options.toOrigin !== true)) throw new UsageError('give exactly one of --to <target> or --to-origin')
      if (options.toUrl && !options.to) throw new UsageError('--to-url goes with --to <target>')
      if (options.group !== undefined && ref.kind !== 'stream')
        throw new UsageError(`--group reads a consumer group's pending entries: the source must be stream:KEY, not ${source}`)
      const limit = positiveNumber(options.limit, '--limit', true)
      const rate = positiveNumber(options.rate, '--rate', false)
      if (rate !== undefined && (rate < MIN_REPLAY_RATE || rate > MAX_REPLAY_RATE))
        throw new UsageError(
          `--rate must be from ${MIN_REPLAY_RATE.toPrecision(2)} (one a day) to ${MAX_REPLAY_RATE.toLocaleString('en-US')} messages per second, not "${options.rate}"`,
        )
      const filters = options.filter.map((expr) => parseFilterExpression(expr))
      const mode = options.mode as 'move' | 'copy'
      if (mode === 'move' && !options.dryRun && !options.yes) {
        throw new UsageError(`a move removes the replayed messages from ${source}: add --yes to confirm (or --mode copy, or --dry-run)`)
      }
      const extra: Record<string, ConnectionArgs> = options.toUrl ? { 'cli-target': { url: options.toUrl } } : {}
      await withConnection(
        args,
        async (client, connectionId) => {
          const id = `cli-${process.pid}-${Date.now()}`
          const to = options.to
            ? { connectionId: options.toUrl ? 'cli-target' : connectionId, target: options.to, routingKey: options.routingKey }
            : { toOrigin: true as const }
          const bar = io.stderrIsTTY ? progressBar(io, mode, options.dryRun === true) : null
          const off = bar ? client.onEvent((channel, payload) => channel === 'replay:progress' && bar(payload as EventPayload<'replay:progress'>)) : () => {}
          const onSigint = (): void => {
            io.stderr('\ncancelling: waiting for the messages in flight…\n')
            void client.call('replay:cancel', { id }).catch(() => {})
          }
          process.once('SIGINT', onSigint)
          let report
          try {
            // The core checks the read-only guard and the confirmation (--yes confirms with the name itself).
            report = await client.call('replay:start', {
              id,
              connectionId,
              source,
              sourceGroup: options.group,
              to,
              mode,
              limit,
              rate,
              filters,
              dryRun: options.dryRun === true,
              confirm: ref.name,
            })
          } finally {
            off()
            process.off('SIGINT', onSigint)
            if (bar) io.stderr('\n')
          }
          if (options.json) {
            const { published, acknowledged, failed, skipped, left, dryRun } = report
            io.stdout(
              `${JSON.stringify({ published, acknowledged, failed, skipped, left, dryRun, duplicates: report.duplicates, cancelled: report.cancelled, ...(report.error ? { error: report.error } : {}) })}\n`,
            )
          } else {
            io.stdout(formatReplayReport(report))
          }
          if (report.error) throw new QsError('BROKER_ERROR', `replay stopped: ${report.error}`)
          if (report.cancelled) throw new QsError('CANCELLED', 'replay cancelled; the report above says what was moved')
          if (report.failed > 0)
            throw new QsError(
              'BROKER_ERROR',
              `${report.failed} message${report.failed === 1 ? '' : 's'} could not be replayed and stayed in ${source} (first: ${report.failures[0]?.reason ?? 'unknown'})`,
            )
        },
        extra,
      )
    })
}

/** One line on stderr, redrawn: "moving  1,234 / 10,000  ████░░░░  2,345 msg/s  ETA 4s". */
function progressBar(io: SafeIo, mode: 'move' | 'copy', dryRun: boolean): (progress: ReplayProgress) => void {
  const verb = dryRun ? 'checking' : mode === 'move' ? 'moving' : 'copying'
  return (p) => {
    const width = 24
    const filled = p.total > 0 ? Math.round((p.scanned / p.total) * width) : 0
    const eta = p.etaMs === null ? '' : `  ETA ${formatDuration(p.etaMs)}`
    io.progress(
      `\r${verb} ${p.scanned.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}  ${'█'.repeat(filled)}${'░'.repeat(width - filled)}  ${Math.round(p.rate).toLocaleString('en-US')} msg/s${eta}   `,
    )
  }
}
