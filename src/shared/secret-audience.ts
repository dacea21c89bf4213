import type { ConnectionTarget, HostPort } from './connection-url'

/**
 * Who a saved password is for: the scheme, every address it is sent to, the user it signs in as,
 * and (RabbitMQ) the management API's origin. A saved password is reused only for a target with
 * the same audience: an edited or tested profile that points anywhere else must be given the
 * password again, so a stored secret can never be sent to a host the user did not save it for.
 * The vhost or database is not part of it (the same server, the same user).
 */
export function secretAudience(target: ConnectionTarget): string {
  if (target.broker === 'rabbitmq') {
    return JSON.stringify(['rabbitmq', target.tls, address(target), target.username, new URL(target.managementUrl).origin])
  }
  const topology = target.topology
  const nodes = topology.kind === 'sentinel' ? topology.sentinels : topology.kind === 'cluster' ? topology.nodes : [target]
  const master = topology.kind === 'sentinel' ? topology.master : null
  return JSON.stringify(['redis', target.tls, topology.kind, nodes.map(address).sort(), master, target.username ?? ''])
}

export function sameAudience(a: ConnectionTarget, b: ConnectionTarget): boolean {
  return secretAudience(a) === secretAudience(b)
}

/** Host names are case-insensitive; an IPv6 address is written one way here. */
function address({ host, port }: HostPort): string {
  return `${host.toLowerCase()}:${port}`
}
