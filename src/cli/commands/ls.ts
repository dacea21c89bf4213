import type { Command } from 'commander'
import { brokerOfUrl } from '../../shared/connection-url'
import type { EventPayload } from '../../shared/contract'
import { withConnection } from '../client'
import { formatSourceTable } from '../format'
import type { SafeIo } from '../io'
import { connectionArgs, connectionOptions, UsageError, type ConnectionFlags } from '../usage'

export function lsCommand(program: Command, io: SafeIo): void {
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
    .action(async (url: string | undefined, options: ConnectionFlags & { json?: boolean; filter?: string; pattern?: string; watch: string[] }) => {
      const args = connectionArgs(url, options)
      if (options.filter !== undefined && options.pattern !== undefined) throw new UsageError('give either --filter TEXT or --pattern GLOB, not both')
      if (options.pattern !== undefined && 'url' in args && brokerOfUrl(args.url) !== 'redis')
        throw new UsageError('--pattern applies to Redis; use --filter TEXT for RabbitMQ')
      await withConnection({ ...args, watchQueues: options.watch }, async (client, connectionId) => {
        // On a terminal, a large Redis key space shows how far the scan is, and Ctrl-C keeps what was found.
        const discoveryId = io.stderrIsTTY ? `cli-ls-${process.pid}` : undefined
        const off = discoveryId
          ? client.onEvent((channel, payload) => {
              if (channel !== 'sources:progress') return
              const p = payload as EventPayload<'sources:progress'>
              io.progress(
                p.done
                  ? '\r\x1b[K'
                  : `\rscanning ${p.scanned.toLocaleString('en-US')}${p.total === null ? '' : ` of ${p.total.toLocaleString('en-US')}`} keys, found ${p.found.toLocaleString('en-US')}\x1b[K`,
              )
            })
          : () => {}
        const onSigint = (): void => void client.call('sources:cancel', { id: discoveryId! }).catch(() => {})
        if (discoveryId) process.once('SIGINT', onSigint)
        const list = await client.call('sources:list', { connectionId, filter: options.filter, pattern: options.pattern, discoveryId }).finally(() => {
          off()
          process.off('SIGINT', onSigint)
        })
        if (options.pattern !== undefined && list.broker === 'rabbitmq') throw new UsageError('--pattern applies to Redis; use --filter TEXT for RabbitMQ')
        const items = list.items
        for (const warning of list.warnings) io.stderr(`warning: ${warning}\n`)
        if (options.json) io.stdout(`${JSON.stringify({ items })}\n`)
        else io.stdout(formatSourceTable(items))
      })
    })
}
