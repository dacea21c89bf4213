import { capabilitiesOf, type BrokerDescription, type SourceCapabilities } from '../../../shared/capabilities'
import type { SourceItem } from '../../../shared/model'
import type { AppState } from './app.store'

/**
 * What a connection's broker can do, as the core described it with the connection's status; null
 * before it ever opened. The app draws tabs, buttons and the replay dialog from it, not from the
 * broker's name.
 */
export const selectDescription =
  (connectionId: string | null) =>
  (state: AppState): BrokerDescription | null =>
    connectionId === null ? null : (state.statuses[connectionId]?.description ?? null)

/**
 * What this source allows on its connection (Details only while the connection never opened). A
 * source not in the listing (filtered out, not loaded yet) gets its kind's: `{ kind }` will do.
 */
export const selectCapabilities =
  (connectionId: string | null, item: Pick<SourceItem, 'kind' | 'capabilities'>) =>
  (state: AppState): SourceCapabilities =>
    capabilitiesOf(selectDescription(connectionId)(state), item)
