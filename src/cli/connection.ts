import { parseConnectionUrl, redactUrl } from '../shared/connection-url'
import { QsError } from '../shared/errors'
import { profileTarget } from '../main/storage/profiles.store'
import { sameAudience } from '../shared/secret-audience'
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
  // The saved password goes only where it was saved for: not to another management API.
  const saved = profileTarget(profile).target
  if (!sameAudience(saved, profileTarget(withManagement).target)) {
    const where = saved.broker === 'rabbitmq' ? saved.managementUrl : 'its own server'
    throw new QsError(
      'BAD_REQUEST',
      `profile "${profile.name}" sends its password to the management API at ${where} only, not to ${redactUrl(args.managementUrl ?? '')}: save the other management URL in the profile, or give a URL instead of --profile`,
    )
  }
  const config = await core.profileConfig(withManagement)
  if (args.watchQueues && args.watchQueues.length > 0) config.watchQueues = [...new Set([...(config.watchQueues ?? []), ...args.watchQueues])]
  return { config, readOnly: profile.readOnly }
}
