import type { Setting } from '../../../shared/topology'
import type { AppState } from './app.store'
import type { TopologyEntry } from './topology.slice'

/** The details of this source, or null when the store holds another source's. */
export const selectTopologyFor =
  (connectionId: string, source: string) =>
  (state: AppState): TopologyEntry | null => {
    const entry = state.topology
    return entry !== null && entry.connectionId === connectionId && entry.source === source ? entry : null
  }

/** The small tag beside a setting that does not come from the queue's own arguments. */
export function settingOrigin(setting: Setting): string | null {
  switch (setting.from) {
    case 'argument':
      return null
    case 'policy':
      return 'policy'
    case 'operator-policy':
      return 'operator policy'
  }
}

/** "manual ack", "auto ack", "—" when the broker does not say. */
export function ackMode(ackRequired: boolean | null): string {
  if (ackRequired === null) return '—'
  return ackRequired ? 'manual ack' : 'auto ack'
}

/** RabbitMQ's default exchange has no name. */
export function exchangeName(name: string): string {
  return name === '' ? '(default exchange)' : name
}

/** The queue's max-length from its settings (argument or policy), for "full in …"; null when none. */
export function maxLengthOf(settings: readonly Setting[]): number | null {
  const setting = settings.find((s) => s.key === 'x-max-length' || s.key === 'max-length')
  if (!setting) return null
  const value = Number(setting.value.replace(/[^\d]/g, ''))
  return Number.isFinite(value) && value > 0 ? value : null
}
