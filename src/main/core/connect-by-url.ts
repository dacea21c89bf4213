import { parseConnectionUrl, redactUrl } from '../../shared/connection-url'
import { QsError } from '../../shared/errors'
import type { ConnectionStatus } from '../../shared/model'
import { sameAudience } from '../../shared/secret-audience'
import { profileTarget } from '../storage/profiles.store'
import type { AdapterConfig } from '../brokers/adapter'
import type { Core } from './core'

export interface OpenByUrl {
  connectionId: string
  /** A URL with its password in it, or a saved profile's name (its password from the secret store). */
  url?: string | undefined
  profile?: string | undefined
  managementUrl?: string | undefined
  watchQueues?: string[] | undefined
}

/**
 * `connection:open`: a connection by URL or by profile name under an id the caller picks (the
 * CLI's), without saving a profile. A saved password goes only where it was saved for: a profile
 * opened with another management URL is refused rather than send it there.
 */
export async function openByUrl(core: Core, request: OpenByUrl): Promise<ConnectionStatus> {
  // Never in place of another connection: a typo in an id must not close someone's connection.
  if (core.workspace.status(request.connectionId) !== null) {
    throw new QsError('BAD_REQUEST', `connection "${request.connectionId}" is in use: disconnect it first, or pick another id`)
  }
  const { config, readOnly } = await resolve(core, request)
  return core.workspace.open(request.connectionId, config, { readOnly })
}

async function resolve(core: Core, request: OpenByUrl): Promise<{ config: AdapterConfig; readOnly: boolean }> {
  const watchQueues = request.watchQueues ?? []
  if (request.url !== undefined) {
    const { target, password } = parseConnectionUrl(request.url, { managementUrl: request.managementUrl })
    return { config: { target, password, watchQueues }, readOnly: false }
  }
  if (request.profile === undefined) throw new QsError('BAD_REQUEST', 'give a URL or a saved profile’s name')
  const profile = await core.profiles.findByName(request.profile)
  const withManagement = request.managementUrl ? { ...profile, managementUrl: request.managementUrl } : profile
  const saved = profileTarget(profile).target
  if (!sameAudience(saved, profileTarget(withManagement).target)) {
    const where = saved.broker === 'rabbitmq' ? saved.managementUrl : 'its own server'
    throw new QsError(
      'BAD_REQUEST',
      `profile "${profile.name}" sends its password to the management API at ${where} only, not to ${redactUrl(request.managementUrl ?? '')}: save the other management URL in the profile, or give a URL instead of --profile`,
    )
  }
  const config = await core.profileConfig(withManagement)
  if (watchQueues.length > 0) config.watchQueues = [...new Set([...(config.watchQueues ?? []), ...watchQueues])]
  return { config, readOnly: profile.readOnly }
}
