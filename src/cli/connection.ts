import { parseConnectionUrl } from '../shared/connection-url'
import type { AdapterConfig } from '../main/brokers/adapter'
import type { Core } from '../main/core/core'

export type ConnectionArgs = ({ url: string } | { profile: string }) & { managementUrl?: string; watchQueues?: string[] }

/** A URL (password inside it) or a saved profile (password from the secret store). */
export async function resolveConnection(core: Core, args: ConnectionArgs): Promise<{ config: AdapterConfig; readOnly: boolean }> {
  if ('url' in args) {
    const { target, password } = parseConnectionUrl(args.url, { managementUrl: args.managementUrl })
    return { config: { target, password, watchQueues: args.watchQueues ?? [] }, readOnly: false }
  }
  const profile = await core.profiles.findByName(args.profile)
  const withManagement = args.managementUrl ? { ...profile, managementUrl: args.managementUrl } : profile
  const config = await core.profileConfig(withManagement)
  if (args.watchQueues && args.watchQueues.length > 0) config.watchQueues = [...new Set([...(config.watchQueues ?? []), ...args.watchQueues])]
  return { config, readOnly: profile.readOnly }
}
