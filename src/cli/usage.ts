import { Option, type Command } from 'commander'

/** A usage error: wrong or missing arguments (exit 2). */
export class UsageError extends Error {}

/** How a command names its broker: a URL (password inside) or a saved profile, and RabbitMQ's management API. */
export type ConnectionArgs = ({ url: string } | { profile: string }) & { managementUrl?: string; watchQueues?: string[] }

export interface ConnectionFlags {
  profile?: string
  management?: string
}

export function connectionOptions(command: Command): Command {
  return command
    .argument('[url]', 'amqp(s)://user:pass@host:port/vhost or redis(s)://[user:pass@]host:port/db (or use --profile)')
    .addOption(new Option('--profile <name>', 'use a saved profile instead of a URL'))
    .addOption(new Option('--management <url>', 'RabbitMQ management API URL (default: port 15672 of the AMQP host)'))
}

export function connectionArgs(url: string | undefined, options: ConnectionFlags): ConnectionArgs {
  if (url && options.profile) throw new UsageError('give either <url> or --profile, not both')
  if (!url && !options.profile) throw new UsageError('missing <url> (or --profile NAME)')
  return url ? { url, managementUrl: options.management } : { profile: options.profile!, managementUrl: options.management }
}

export function positiveNumber(text: string | undefined, flag: string, whole: boolean): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new UsageError(`${flag} must be a positive ${whole ? 'whole ' : ''}number, not "${text}"`)
  }
  return value
}
