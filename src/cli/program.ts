import { Command, CommanderError, Option } from 'commander'
import { version } from '../../package.json'
import { QsError, toQsErrorShape } from '../shared/errors'
import { createCore, type Core } from '../main/core/core'
import { createDispatcher } from '../main/core/dispatch'
import { osKeyring } from '../main/storage/keyring'
import { configDir } from '../main/storage/paths'
import type { CallChannel, CallRequest, CallResponse, EventPayload } from '../shared/contract'
import { brokerOfUrl } from '../shared/connection-url'
import { resolveConnection, type ConnectionArgs } from './connection'
import { formatMessages, formatSourceTable } from './format'
import { terminalSafe } from './terminal-safe'
import { MAX_PEEK_COUNT, type StreamFrom } from '../shared/messages'
import { parseSourceRef } from '../shared/source-ref'
import { parseKeyValues, readBody } from './input'
import { MAX_REPLAY_RATE, MIN_REPLAY_RATE, parseFilterExpression, replayRequestSchema, type ReplayProgress } from '../shared/replay'
import { formatDuration } from '../shared/trend'
import { formatReplayReport } from './format'
import type { TailBatch, TailMessage } from '../shared/tail'

/** Exit codes (docs/cli.md): 0 success, 1 operational failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Draw a progress bar on stderr (only when it is a terminal). */
  stderrIsTTY?: boolean
  /** Progress lines of our own making (carriage returns, erase-line): written as they are. */
  progress?: (text: string) => void
}

/**
 * The io every command writes through: broker data made terminal-safe (terminal-safe.ts); only the
 * progress lines, which hold nothing but our own words and numbers, keep their control codes.
 */
function safeIo(io: CliIo): CliIo & { progress: (text: string) => void } {
  return {
    stdout: (text) => io.stdout(terminalSafe(text)),
    stderr: (text) => io.stderr(terminalSafe(text)),
    stderrIsTTY: io.stderrIsTTY,
    progress: io.progress ?? io.stderr,
  }
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
}

/** A usage error: wrong or missing arguments (exit 2). */
class UsageError extends Error {}

type Call = <C extends CallChannel>(channel: C, request: CallRequest<C>) => Promise<CallResponse<C>>

/** Opens the core and one connection, runs `work`, and always closes everything. */
async function withConnection<T>(
  args: ConnectionArgs,
  work: (call: Call, connectionId: string, core: Core) => Promise<T>,
  extra: Record<string, ConnectionArgs> = {},
): Promise<T> {
  const core: Core = await createCore({ configDir: configDir(), mode: 'web', version, keyring: await osKeyring() })
  try {
    const connectionId = 'cli'
    // The main connection first, then any others (a replay's target on another broker).
    for (const [id, connection] of [[connectionId, args], ...Object.entries(extra)] as [string, ConnectionArgs][]) {
      const { config, readOnly } = await resolveConnection(core, connection)
      const status = await core.workspace.open(id, config, { readOnly })
      if (status.state !== 'open') throw new QsError('UNREACHABLE', status.reason ?? `connection ${status.state}`)
    }
    const dispatch = createDispatcher(core, { caller: 'local' })
    const call = async <C extends CallChannel>(channel: C, request: CallRequest<C>): Promise<CallResponse<C>> => {
      const envelope = await dispatch(channel, request)
      if (!envelope.ok) throw QsError.from(envelope.error as ReturnType<QsError['toJSON']>)
      return envelope.data as CallResponse<C>
    }
    return await work(call, connectionId, core)
  } finally {
    await core.close()
  }
}

function connectionOptions(command: Command): Command {
  return command
    .argument('[url]', 'amqp(s)://user:pass@host:port/vhost or redis(s)://[user:pass@]host:port/db (or use --profile)')
    .addOption(new Option('--profile <name>', 'use a saved profile instead of a URL'))
    .addOption(new Option('--management <url>', 'RabbitMQ management API URL (default: port 15672 of the AMQP host)'))
}

function connectionArgs(url: string | undefined, options: { profile?: string; management?: string }): ConnectionArgs {
  if (url && options.profile) throw new UsageError('give either <url> or --profile, not both')
  if (!url && !options.profile) throw new UsageError('missing <url> (or --profile NAME)')
  return url ? { url, managementUrl: options.management } : { profile: options.profile!, managementUrl: options.management }
}

export function buildProgram(raw: CliIo = defaultIo): Command {
  const io = safeIo(raw)
  const program = new Command()
    .name('queuescope')
    .description('Inspect RabbitMQ and Redis from the command line (same core as the Queuescope app).')
    .version(version)
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()

  connectionOptions(program.command('ls').description('list queues, exchanges, streams, lists, pub/sub channels and BullMQ queues'))
    .option('--json', 'print {"items":[...]} as JSON')
    .option('--filter <text>', 'only names containing this text (filtered by the broker)')
    .option('--pattern <glob>', 'Redis: only keys and channels matching this SCAN MATCH glob, e.g. "orders:*"')
    .option(
      '--watch <queue>',
      'RabbitMQ without the management plugin: a queue to show from a passive declare (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(
      async (
        url: string | undefined,
        options: { json?: boolean; filter?: string; pattern?: string; watch: string[]; profile?: string; management?: string },
      ) => {
        const args = connectionArgs(url, options)
        if (options.filter !== undefined && options.pattern !== undefined) throw new UsageError('give either --filter TEXT or --pattern GLOB, not both')
        if (options.pattern !== undefined && 'url' in args && brokerOfUrl(args.url) !== 'redis')
          throw new UsageError('--pattern applies to Redis; use --filter TEXT for RabbitMQ')
        await withConnection({ ...args, watchQueues: options.watch }, async (call, connectionId, core) => {
          // On a terminal, a large Redis key space shows how far the scan is, and Ctrl-C keeps what was found.
          const discoveryId = io.stderrIsTTY ? `cli-ls-${process.pid}` : undefined
          const off = discoveryId
            ? core.onEvent((channel, payload) => {
                if (channel !== 'sources:progress') return
                const p = payload as EventPayload<'sources:progress'>
                io.progress(
                  p.done
                    ? '\r\x1b[K'
                    : `\rscanning ${p.scanned.toLocaleString('en-US')}${p.total === null ? '' : ` of ${p.total.toLocaleString('en-US')}`} keys, found ${p.found.toLocaleString('en-US')}\x1b[K`,
                )
              })
            : () => {}
          const onSigint = (): void => void call('sources:cancel', { id: discoveryId! }).catch(() => {})
          if (discoveryId) process.once('SIGINT', onSigint)
          const list = await call('sources:list', { connectionId, filter: options.filter, pattern: options.pattern, discoveryId }).finally(() => {
            off()
            process.off('SIGINT', onSigint)
          })
          if (options.pattern !== undefined && list.broker === 'rabbitmq') throw new UsageError('--pattern applies to Redis; use --filter TEXT for RabbitMQ')
          const items = list.items
          for (const warning of list.warnings) io.stderr(`warning: ${warning}\n`)
          if (options.json) io.stdout(`${JSON.stringify({ items })}\n`)
          else io.stdout(formatSourceTable(items))
        })
      },
    )

  connectionOptions(program.command('publish').description('publish one message to a queue, exchange, stream, list or channel'))
    .argument('<target>', 'queue:NAME, exchange:NAME, stream:KEY, list:KEY or channel:NAME')
    .option('--body <text>', 'message body')
    .option('--file <path>', 'read the body from a file (binary-safe)')
    .option('--routing-key <key>', 'routing key (exchanges)')
    .option('--header <k=v>', 'a header (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--property <k=v>', 'a property such as contentType=application/json (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print the result as JSON')
    .action(
      async (
        url: string | undefined,
        target: string,
        options: {
          body?: string
          file?: string
          routingKey?: string
          header: string[]
          property: string[]
          json?: boolean
          profile?: string
          management?: string
        },
      ) => {
        const args = connectionArgs(url, options)
        if ((options.body === undefined) === (options.file === undefined)) throw new UsageError('give exactly one of --body TEXT or --file PATH')
        const body = await readBody(options)
        const headers = parseKeyValues(options.header, '--header')
        const properties = parseKeyValues(options.property, '--property', true)
        await withConnection(args, async (call, connectionId) => {
          const result = await call('messages:publish', {
            connectionId,
            target,
            ...body,
            routingKey: options.routingKey,
            headers,
            properties: properties as Record<string, never>,
          })
          if (options.json) io.stdout(`${JSON.stringify(result)}\n`)
          else
            io.stdout(result.routed ? `published to ${target}${result.id ? ` as ${result.id}` : ''}\n` : `not routed: ${result.reason ?? 'unknown reason'}\n`)
          if (!result.routed) throw new QsError('UNROUTABLE', `${target}: the message was not routed (${result.reason ?? 'no route'})`)
        })
      },
    )

  connectionOptions(program.command('peek').description('browse messages without consuming them (queue, stream, list)'))
    .argument('<source>', 'queue:NAME, stream:KEY or list:KEY')
    .option('--count <n>', `how many messages (1-${MAX_PEEK_COUNT})`, '50')
    .option('--from <where>', 'RabbitMQ stream queues: first (default), last, next, offset:N or timestamp:ISO-8601|epoch-ms')
    .option('--json', 'print {"messages":[...]} as JSON')
    .action(
      async (url: string | undefined, source: string, options: { count: string; from?: string; json?: boolean; profile?: string; management?: string }) => {
        const args = connectionArgs(url, options)
        const count = Number(options.count)
        if (!Number.isInteger(count) || count < 1 || count > MAX_PEEK_COUNT)
          throw new UsageError(`--count must be a whole number from 1 to ${MAX_PEEK_COUNT}, not "${options.count}"`)
        const from = options.from === undefined ? undefined : parseFrom(options.from)
        await withConnection(args, async (call, connectionId) => {
          // No way to accept the delivery-limit risk here: the latch that stops a second read of a
          // queue where one had to stop lives in one process, and every CLI run is a new one.
          const result = await call('messages:peek', { connectionId, source, count, from })
          for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`)
          if (options.json) io.stdout(`${JSON.stringify({ messages: result.messages })}\n`)
          else io.stdout(formatMessages(result.messages))
        })
      },
    )

  connectionOptions(program.command('purge').description('remove every ready message from a queue, stream or list'))
    .argument('<source>', 'queue:NAME (unacked messages stay), stream:KEY (groups stay) or list:KEY')
    .option('--yes', 'confirm: really purge')
    .option('--json', 'print {"purged":N} as JSON')
    .action(async (url: string | undefined, source: string, options: { yes?: boolean; json?: boolean; profile?: string; management?: string }) => {
      const args = connectionArgs(url, options)
      const ref = parseSourceRef(source)
      if (!options.yes) throw new UsageError(`purge removes every ready message from ${source} and cannot be undone: add --yes to confirm`)
      await withConnection(args, async (call, connectionId) => {
        // --yes is the CLI's typed confirmation (docs/semantics.md), so it confirms with the name itself.
        const result = await call('sources:purge', { connectionId, source, confirm: ref.name })
        const kept = ref.kind === 'queue' ? ' (unacked messages stay)' : ref.kind === 'stream' ? ' (its consumer groups stay)' : ''
        if (options.json) io.stdout(`${JSON.stringify({ purged: result.purged })}\n`)
        else io.stdout(`purged ${result.purged} message${result.purged === 1 ? '' : 's'} from ${source}${kept}\n`)
      })
    })

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
        async (_call, connectionId, core) => {
          const id = `cli-${process.pid}-${Date.now()}`
          const to = options.to
            ? { connectionId: options.toUrl ? 'cli-target' : connectionId, target: options.to, routingKey: options.routingKey }
            : { toOrigin: true as const }
          const request = replayRequestSchema.parse({
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
          const bar = io.stderrIsTTY ? progressBar(io, mode, options.dryRun === true) : null
          const onSigint = (): void => {
            io.stderr('\ncancelling: waiting for the messages in flight…\n')
            core.replays.cancel(id)
          }
          process.once('SIGINT', onSigint)
          let report
          try {
            // Straight into the core's replay service (the guard and confirmation checks are there).
            report = await core.replays.run({ ...request, id }, bar ?? undefined)
          } finally {
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

  connectionOptions(program.command('export').description('write messages to an NDJSON file without consuming them'))
    .argument('<source>', 'queue:NAME, stream:KEY or list:KEY')
    .requiredOption('--out <file>', 'the file to write (never overwritten)')
    .option('--count <n>', 'at most N messages (default: all that are in the source now)')
    .option('--json', 'print {"exported":N,"path"} as JSON')
    .action(
      async (url: string | undefined, source: string, options: { out: string; count?: string; json?: boolean; profile?: string; management?: string }) => {
        const args = connectionArgs(url, options)
        const count = positiveNumber(options.count, '--count', true)
        parseSourceRef(source)
        await withConnection(args, async (call, connectionId) => {
          const result = await call('messages:export', { connectionId, source, path: options.out, count })
          for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`)
          if (options.json) io.stdout(`${JSON.stringify(result)}\n`)
          else
            io.stdout(
              `exported ${result.exported.toLocaleString('en-US')} message${result.exported === 1 ? '' : 's'} from ${source} to ${result.path} (nothing consumed)\n`,
            )
        })
      },
    )

  connectionOptions(program.command('import').description('publish every message of an export file into a target, with confirms'))
    .argument('<target>', 'queue:NAME, exchange:NAME, stream:KEY, list:KEY or channel:NAME')
    .requiredOption('--in <file>', 'an NDJSON file written by queuescope export')
    .option('--routing-key <key>', 'exchanges: the routing key (default: each message’s original one)')
    .option('--json', 'print {"published":N,"failed":N} as JSON')
    .action(
      async (url: string | undefined, target: string, options: { in: string; routingKey?: string; json?: boolean; profile?: string; management?: string }) => {
        const args = connectionArgs(url, options)
        parseSourceRef(target)
        await withConnection(args, async (call, connectionId) => {
          const result = await call('messages:import', { connectionId, target, path: options.in, routingKey: options.routingKey })
          if (options.json) io.stdout(`${JSON.stringify({ published: result.published, failed: result.failed })}\n`)
          else
            io.stdout(
              `imported ${result.published.toLocaleString('en-US')} message${result.published === 1 ? '' : 's'} into ${target}${result.failed ? `, ${result.failed} failed` : ''}\n`,
            )
          if (result.failed > 0)
            throw new QsError(
              'BROKER_ERROR',
              `${result.failed} message${result.failed === 1 ? '' : 's'} were not imported (first: ${result.failures[0] ?? 'unknown'})`,
            )
        })
      },
    )

  connectionOptions(program.command('tail').description('print messages as they arrive, consuming nothing (stream, channel, exchange, stream queue)'))
    .argument('<source>', 'stream:KEY, channel:NAME (a glob with --pattern), exchange:NAME or queue:NAME (a stream queue)')
    .option('--max <n>', 'stop after N messages')
    .option('--timeout <s>', 'stop after S seconds in all (connecting included)')
    .option('--pattern', 'channel:GLOB is a pattern (PSUBSCRIBE)')
    .option('--routing-key <key>', 'exchanges: the binding key to watch (a direct exchange needs one; topic: default #)')
    .option('--json', 'one JSON object a line: {"id","channel"?,"at","body","encoding","headers"}')
    .action(async (url: string | undefined, source: string, options: TailOptions) => {
      const started = Date.now()
      const args = connectionArgs(url, options)
      const max = positiveNumber(options.max, '--max', true)
      const timeout = positiveNumber(options.timeout, '--timeout', false)
      const ref = parseSourceRef(source)
      if (options.pattern && ref.kind !== 'channel') throw new UsageError('--pattern goes with channel:GLOB')
      await withConnection(args, async (call, connectionId, core) => {
        let printed = 0
        let settle: (outcome: { ended?: string }) => void = () => undefined
        const finished = new Promise<{ ended?: string }>((resolve) => (settle = resolve))
        // This process runs one tail, so every batch is this tail's.
        const off = core.onEvent((channel, payload) => {
          if (channel !== 'tail:batch') return
          const batch = payload as TailBatch
          if (batch.dropped > 0)
            io.stderr(`warning: ${batch.dropped} message${batch.dropped === 1 ? '' : 's'} dropped: they arrived faster than they could be printed\n`)
          for (const message of batch.messages) {
            if (max !== undefined && printed >= max) break
            io.stdout(options.json ? `${JSON.stringify(tailJson(message))}\n` : tailLine(message))
            printed++
          }
          if (max !== undefined && printed >= max) settle({})
          if (batch.ended !== undefined) settle({ ended: batch.ended })
        })
        const timer = timeout === undefined ? null : setTimeout(() => settle({}), Math.max(0, timeout * 1000 - (Date.now() - started)))
        const onSigint = (): void => settle({})
        process.once('SIGINT', onSigint)
        try {
          const { tailId } = await call('tail:start', { connectionId, source, pattern: options.pattern === true, routingKey: options.routingKey })
          const outcome = await finished
          // Ended by --max, --timeout or Ctrl-C: stop it (its last batch, printed above, says "stopped").
          if (outcome.ended === undefined) await call('tail:stop', { tailId })
          else if (outcome.ended !== 'stopped') throw new QsError('BROKER_ERROR', `the tail ended: ${outcome.ended}`)
        } finally {
          if (timer) clearTimeout(timer)
          process.off('SIGINT', onSigint)
          off()
        }
      })
    })

  return program
}

interface TailOptions {
  max?: string
  timeout?: string
  pattern?: boolean
  routingKey?: string
  json?: boolean
  profile?: string
  management?: string
}

/** `tail --json`: one object a line (docs/cli.md); routingKey and properties only where the broker has them. */
function tailJson(m: TailMessage): Record<string, unknown> {
  return {
    id: m.id,
    ...(m.channel !== undefined ? { channel: m.channel } : {}),
    at: m.at,
    body: m.body,
    encoding: m.encoding,
    headers: m.headers,
    ...(m.routingKey !== undefined ? { routingKey: m.routingKey } : {}),
    ...(m.properties !== undefined ? { properties: m.properties } : {}),
  }
}

/** `tail` for people: one line a message — time, id, channel or routing key, body (newlines as \n). */
function tailLine(m: TailMessage): string {
  const where = m.channel ?? (m.routingKey !== undefined ? `rk=${m.routingKey}` : '')
  const body = m.encoding === 'utf8' ? m.body.replace(/\r?\n/g, '\\n') : `(base64) ${m.body}`
  return `${[new Date(m.at).toISOString(), m.id, ...(where ? [where] : []), body].join('  ')}\n`
}

interface ReplayOptions {
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
  profile?: string
  management?: string
}

function positiveNumber(text: string | undefined, flag: string, whole: boolean): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new UsageError(`${flag} must be a positive ${whole ? 'whole ' : ''}number, not "${text}"`)
  }
  return value
}

/** One line on stderr, redrawn: "moving  1,234 / 10,000  ████░░░░  2,345 msg/s  ETA 4s". */
function progressBar(io: ReturnType<typeof safeIo>, mode: 'move' | 'copy', dryRun: boolean): (progress: ReplayProgress) => void {
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

/** `--from first|last|next|offset:N|timestamp:ISO-or-epoch-ms`. */
function parseFrom(text: string): StreamFrom {
  if (text === 'first' || text === 'last' || text === 'next') return { type: text }
  const colon = text.indexOf(':')
  const kind = colon > 0 ? text.slice(0, colon) : ''
  const value = text.slice(colon + 1)
  if (kind === 'offset' && /^\d+$/.test(value)) return { type: 'offset', value: Number(value) }
  if (kind === 'timestamp') {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
    if (Number.isFinite(ms) && ms >= 0) return { type: 'timestamp', value: ms }
  }
  throw new UsageError(`--from "${text}" must be first, last, next, offset:N or timestamp:ISO-8601 (or epoch ms)`)
}

/** Runs the CLI and returns the exit code; never calls process.exit (tests call it in-process). */
export async function runCli(argv: string[], raw: CliIo = defaultIo): Promise<number> {
  const io = safeIo(raw)
  const program = buildProgram(raw)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return EXIT.ok
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok
      return EXIT.usage
    }
    if (err instanceof UsageError) {
      io.stderr(`queuescope: ${err.message} (see queuescope --help)\n`)
      return EXIT.usage
    }
    const { code, message: said, detail } = toQsErrorShape(err)
    const message =
      (detail as { requiresAcceptance?: unknown } | undefined)?.requiresAcceptance === true
        ? `${said} The CLI never takes that risk (each run is a new process, so it cannot remember a queue where a read had to stop): do it from the app.`
        : said
    if (code === 'BAD_URL' || code === 'BAD_REQUEST') {
      io.stderr(`queuescope: ${oneLine(message)}\n`)
      return EXIT.usage
    }
    io.stderr(`queuescope: ${oneLine(message)}\n`)
    return EXIT.failure
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
