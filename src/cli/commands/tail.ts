import type { Command } from 'commander'
import { QsError } from '../../shared/errors'
import { parseSourceRef } from '../../shared/source-ref'
import type { TailBatch, TailMessage } from '../../shared/tail'
import { withConnection } from '../client'
import type { SafeIo } from '../io'
import { connectionArgs, connectionOptions, positiveNumber, UsageError, type ConnectionFlags } from '../usage'

interface TailOptions extends ConnectionFlags {
  max?: string
  timeout?: string
  pattern?: boolean
  routingKey?: string
  json?: boolean
}

export function tailCommand(program: Command, io: SafeIo): void {
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
      await withConnection(args, async (client, connectionId) => {
        let printed = 0
        let settle: (outcome: { ended?: string }) => void = () => undefined
        const finished = new Promise<{ ended?: string }>((resolve) => (settle = resolve))
        // The session gets the batches of the tails it started: this one.
        const off = client.onEvent((channel, payload) => {
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
          const { tailId } = await client.call('tail:start', { connectionId, source, pattern: options.pattern === true, routingKey: options.routingKey })
          const outcome = await finished
          // Ended by --max, --timeout or Ctrl-C: stop it (its last batch, printed above, says "stopped").
          if (outcome.ended === undefined) await client.call('tail:stop', { tailId })
          else if (outcome.ended !== 'stopped') throw new QsError('BROKER_ERROR', `the tail ended: ${outcome.ended}`)
        } finally {
          if (timer) clearTimeout(timer)
          process.off('SIGINT', onSigint)
          off()
        }
      })
    })
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
