import type { Command } from 'commander'
import { MAX_PEEK_COUNT, type StreamFrom } from '../../shared/messages'
import { withConnection } from '../client'
import { formatMessages } from '../format'
import type { SafeIo } from '../io'
import { connectionArgs, connectionOptions, UsageError, type ConnectionFlags } from '../usage'

export function peekCommand(program: Command, io: SafeIo): void {
  connectionOptions(program.command('peek').description('browse messages without consuming them (queue, stream, list)'))
    .argument('<source>', 'queue:NAME, stream:KEY or list:KEY')
    .option('--count <n>', `how many messages (1-${MAX_PEEK_COUNT})`, '50')
    .option('--from <where>', 'RabbitMQ stream queues: first (default), last, next, offset:N or timestamp:ISO-8601|epoch-ms')
    .option('--json', 'print {"messages":[...]} as JSON')
    .action(async (url: string | undefined, source: string, options: ConnectionFlags & { count: string; from?: string; json?: boolean }) => {
      const args = connectionArgs(url, options)
      const count = Number(options.count)
      if (!Number.isInteger(count) || count < 1 || count > MAX_PEEK_COUNT)
        throw new UsageError(`--count must be a whole number from 1 to ${MAX_PEEK_COUNT}, not "${options.count}"`)
      const from = options.from === undefined ? undefined : parseFrom(options.from)
      await withConnection(args, async (client, connectionId) => {
        // No way to accept the delivery-limit risk here: the latch that stops a second read of a
        // queue where one had to stop lives in one process, and every CLI run is a new one.
        const result = await client.call('messages:peek', { connectionId, source, count, from })
        for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`)
        if (options.json) io.stdout(`${JSON.stringify({ messages: result.messages })}\n`)
        else io.stdout(formatMessages(result.messages))
      })
    })
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
