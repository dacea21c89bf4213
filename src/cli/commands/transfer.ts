import type { Command } from 'commander'
import { QsError } from '../../shared/errors'
import { parseSourceRef } from '../../shared/source-ref'
import { withConnection } from '../client'
import type { SafeIo } from '../io'
import { connectionArgs, connectionOptions, positiveNumber, type ConnectionFlags } from '../usage'

/** `export` and `import`: an NDJSON file on this machine, written or read by the user's own process. */
export function exportCommand(program: Command, io: SafeIo): void {
  connectionOptions(program.command('export').description('write messages to an NDJSON file without consuming them'))
    .argument('<source>', 'queue:NAME, stream:KEY or list:KEY')
    .requiredOption('--out <file>', 'the file to write (never overwritten)')
    .option('--count <n>', 'at most N messages (default: all that are in the source now)')
    .option('--json', 'print {"exported":N,"path"} as JSON')
    .action(async (url: string | undefined, source: string, options: ConnectionFlags & { out: string; count?: string; json?: boolean }) => {
      const args = connectionArgs(url, options)
      const count = positiveNumber(options.count, '--count', true)
      parseSourceRef(source)
      await withConnection(args, async (client, connectionId) => {
        const result = await client.call('messages:export', { connectionId, source, path: options.out, count })
        for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`)
        if (options.json) io.stdout(`${JSON.stringify(result)}\n`)
        else
          io.stdout(
            `exported ${result.exported.toLocaleString('en-US')} message${result.exported === 1 ? '' : 's'} from ${source} to ${result.path} (nothing consumed)\n`,
          )
      })
    })
}

export function importCommand(program: Command, io: SafeIo): void {
  connectionOptions(program.command('import').description('publish every message of an export file into a target, with confirms'))
    .argument('<target>', 'queue:NAME, exchange:NAME, stream:KEY, list:KEY or channel:NAME')
    .requiredOption('--in <file>', 'an NDJSON file written by queuescope export')
    .option('--routing-key <key>', 'exchanges: the routing key (default: each message’s original one)')
    .option('--json', 'print {"published":N,"failed":N} as JSON')
    .action(async (url: string | undefined, target: string, options: ConnectionFlags & { in: string; routingKey?: string; json?: boolean }) => {
      const args = connectionArgs(url, options)
      parseSourceRef(target)
      await withConnection(args, async (client, connectionId) => {
        const result = await client.call('messages:import', { connectionId, target, path: options.in, routingKey: options.routingKey })
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
    })
}
