import type { Command } from 'commander'
import { parseSourceRef } from '../../shared/source-ref'
import { withConnection } from '../client'
import type { SafeIo } from '../io'
import { connectionArgs, connectionOptions, UsageError, type ConnectionFlags } from '../usage'

export function purgeCommand(program: Command, io: SafeIo): void {
  connectionOptions(program.command('purge').description('remove every ready message from a queue, stream or list'))
    .argument('<source>', 'queue:NAME (unacked messages stay), stream:KEY (groups stay) or list:KEY')
    .option('--yes', 'confirm: really purge')
    .option('--json', 'print {"purged":N} as JSON')
    .action(async (url: string | undefined, source: string, options: ConnectionFlags & { yes?: boolean; json?: boolean }) => {
      const args = connectionArgs(url, options)
      const ref = parseSourceRef(source)
      if (!options.yes) throw new UsageError(`purge removes every ready message from ${source} and cannot be undone: add --yes to confirm`)
      await withConnection(args, async (client, connectionId) => {
        // --yes is the CLI's typed confirmation (docs/semantics.md), so it confirms with the name itself.
        const result = await client.call('sources:purge', { connectionId, source, confirm: ref.name })
        const kept = ref.kind === 'queue' ? ' (unacked messages stay)' : ref.kind === 'stream' ? ' (its consumer groups stay)' : ''
        if (options.json) io.stdout(`${JSON.stringify({ purged: result.purged })}\n`)
        else io.stdout(`purged ${result.purged} message${result.purged === 1 ? '' : 's'} from ${source}${kept}\n`)
      })
    })
}
