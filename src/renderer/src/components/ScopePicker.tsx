import { useMemo } from 'react'
import { appStore, useApp } from '../store'
import { scopeOptions, selectOverview, selectSwitchingScope } from '../store/broker.selectors'
import { selectStatus } from '../store/connections.selectors'

/**
 * The top bar's vhost (RabbitMQ) or database (Redis) picker (docs/ui.md "Top bar"). Choosing one
 * re-opens the profile's connection there; until the broker overview lists the scopes, the open
 * scope is shown as text.
 */
export function ScopePicker({ connectionId }: { connectionId: string }) {
  const status = useApp(selectStatus(connectionId))
  const overview = useApp(selectOverview(connectionId))
  const switching = useApp(selectSwitchingScope(connectionId))
  const current = switching ?? status?.scope ?? overview?.scope ?? null
  const options = useMemo(() => (overview ? scopeOptions(overview, current) : []), [overview, current])

  if (overview === null) {
    return current === null ? null : (
      <span className="muted mono connection-scope" title="vhost or database">
        {current}
      </span>
    )
  }
  return (
    <label className="scope-picker" title={`The ${overview.scopeKind} this connection has open; choose another to re-open it there`}>
      <span className="scope-kind">{overview.scopeKind}</span>
      <select
        aria-label={overview.scopeKind}
        className="mono"
        value={current ?? ''}
        disabled={switching !== null}
        onChange={(e) => void appStore.getState().switchScope(connectionId, e.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  )
}
