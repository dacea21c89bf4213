import type { ConnectionStatus } from '../../../shared/model'
import { describeStatus, stateOf } from '../store/connections.selectors'

/** The live dot; its label says the state in words ("status: reconnecting (attempt 3)"). */
export function StatusDot({ status }: { status: ConnectionStatus | null }) {
  const text = describeStatus(status)
  return <span className={`status-dot status-${stateOf(status)}`} role="img" aria-label={`status: ${text}`} title={text} />
}
