import type { Command } from 'commander'
import { QsError } from '../../shared/errors'
import { withConnection } from '../client'
import { parseKeyValues, readBody } from '../input'
import type { SafeIo } from '../io'
import { connectionArgs, connectionOptions, UsageError, type ConnectionFlags } from '../usage'

interface PublishOptions extends ConnectionFlags {
  body?: string
  file?: string
  routingKey?: string
  header: string[]
  property: string[]
  json?: boolean
}

export function publishCommand(program: Command, io: SafeIo): void {
  connectionOptions(program.command('publish').description('publish one message to a queue, exchange, stream, list or channel'))
    .argument('<target>', 'queue:NAME, exchange:NAME, stream:KEY, list:KEY or channel:NAME')
    .option('--body <text>', 'message body')
    .option('--file <path>', 'read the body from a file (binary-safe)')
    .option('--routing-key <key>', 'routing key (exchanges)')
    .option('--header <k=v>', 'a header (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--property <k=v>', 'a property such as contentType=application/json (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print the result as JSON')
    .action(async (url: string | undefined, target: string, options: PublishOptions) => {
      const args = connectionArgs(url, options)
      if ((options.body === undefined) === (options.file === undefined)) throw new UsageError('give exactly one of --body TEXT or --file PATH')
      const body = await readBody(options)
      const headers = parseKeyValues(options.header, '--header')
      const properties = parseKeyValues(options.property, '--property', true)
      await withConnection(args, async (client, connectionId) => {
        const result = await client.call('messages:publish', {
          connectionId,
          target,
          ...body,
          routingKey: options.routingKey,
          headers,
          properties: properties as Record<string, never>,
        })
        if (options.json) io.stdout(`${JSON.stringify(result)}\n`)
        else io.stdout(result.routed ? `published to ${target}${result.id ? ` as ${result.id}` : ''}\n` : `not routed: ${result.reason ?? 'unknown reason'}\n`)
        if (!result.routed) throw new QsError('UNROUTABLE', `${target}: the message was not routed (${result.reason ?? 'no route'})`)
      })
    })
}
