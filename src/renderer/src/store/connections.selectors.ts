import type { ConnectionStatus } from '../../../shared/model'
import type { AppState } from './app.store'

export const selectStatus =
  (connectionId: string | null) =>
  (state: AppState): ConnectionStatus | null =>
    connectionId === null ? null : (state.statuses[connectionId] ?? null)

export const selectSelectedStatus = (state: AppState): ConnectionStatus | null =>
  state.selectedProfileId === null ? null : (state.statuses[state.selectedProfileId] ?? null)

/** A connection that never reported a status is closed. */
export function stateOf(status: ConnectionStatus | null): ConnectionStatus['state'] {
  return status === null ? 'closed' : status.state
}

/**
 * The state in words, as the status dot's label and the top bar say it: "open", "connecting",
 * "reconnecting (attempt 3)", "failed: <the broker's reason>", "closed".
 */
export function describeStatus(status: ConnectionStatus | null): string {
  if (status === null) return 'closed'
  switch (status.state) {
    case 'reconnecting':
      return `reconnecting (attempt ${status.attempt ?? 1})`
    case 'failed':
      return `failed: ${status.reason ?? 'unknown error'}`
    default:
      return status.state
  }
}

/** Open, or on its way there: Disconnect makes sense, Connect does not. */
export function isLive(status: ConnectionStatus | null): boolean {
  const state = stateOf(status)
  return state === 'open' || state === 'connecting' || state === 'reconnecting'
}
