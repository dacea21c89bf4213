import { calls, type CallChannel } from '../../shared/contract'
import { QsError } from '../../shared/errors'
import type { ReadConsent } from '../brokers/read-purpose'
import type { Workspace } from './workspace'

/**
 * The read-only guard (docs/semantics.md "Read-only is enforced in the core": read-only profiles
 * refuse writes in the core, not just in the UI). Every call the contract marks `writes` passes
 * through here before its handler runs, whichever front end sent it.
 */
export function assertWritable(workspace: Workspace, channel: CallChannel, request: unknown): void {
  if (!calls[channel].writes) return
  const connectionId = (request as { connectionId?: unknown }).connectionId
  if (typeof connectionId !== 'string') {
    throw new QsError('INTERNAL', `${channel} is a write call but names no connection`)
  }
  const status = workspace.status(connectionId)
  if (status?.readOnly) {
    throw new QsError('READ_ONLY', `refused: this profile is read-only, so ${channel} is not allowed. Edit the profile to allow writes.`)
  }
}

/**
 * The same rule for calls that write to more than one connection, or only sometimes (a replay
 * writes to its target, and to its source only when it moves).
 */
export function assertConnectionWritable(workspace: Workspace, connectionId: string, what: string): void {
  if (workspace.status(connectionId)?.readOnly) {
    throw new QsError('READ_ONLY', `refused: connection "${connectionId}" is read-only, so ${what} is not allowed. Edit the profile to allow writes.`)
  }
}

/**
 * The user's say about reads that spend delivery attempts (RabbitMQ quorum queues), with the
 * connection's read-only flag: the adapter's read rule never honours the acceptance on a read-only
 * profile, so a read-only profile changes nothing whatever a front end sends.
 */
export function readConsent(workspace: Workspace, connectionId: string, acceptDeliveryLimitRisk: boolean | undefined): ReadConsent {
  return { acceptDeliveryLimitRisk: acceptDeliveryLimitRisk === true, readOnly: workspace.status(connectionId)?.readOnly === true }
}
