import { createStore, type StoreApi } from 'zustand/vanilla'
import type { QueuescopeApi } from '../../../shared/api'
import { createBrokerSlice, type BrokerSlice } from './broker.slice'
import { createBullmqSlice, type BullmqSlice } from './bullmq.slice'
import { createConnectionsSlice, type ConnectionsSlice } from './connections.slice'
import { createMetricsSlice, type MetricsSlice } from './metrics.slice'
import { createMessagesSlice, type MessagesSlice } from './messages.slice'
import { createProfilesSlice, type ProfilesSlice } from './profiles.slice'
import { createPublishSlice, type PublishSlice } from './publish.slice'
import { createPurgeSlice, type PurgeSlice } from './purge.slice'
import { createRedisSlice, type RedisSlice } from './redis.slice'
import { createReplaySlice, type ReplaySlice } from './replay.slice'
import { createSourcesSlice, type SourcesSlice } from './sources.slice'
import { createTailSlice, type TailSlice } from './tail.slice'
import { createTopologySlice, type TopologySlice } from './topology.slice'
import { createToastsSlice, type ToastsSlice } from './toasts.slice'
import { createUiSlice, type UiSlice } from './ui.slice'
import { createTransferSlice, type TransferSlice } from './transfer.slice'

/** The one renderer store, built from one slice per domain (docs/coding.md "The renderer's store"). */
export type AppState = ProfilesSlice &
  ConnectionsSlice &
  BrokerSlice &
  SourcesSlice &
  MessagesSlice &
  MetricsSlice &
  TopologySlice &
  PublishSlice &
  PurgeSlice &
  ReplaySlice &
  RedisSlice &
  BullmqSlice &
  TailSlice &
  ToastsSlice &
  TransferSlice &
  UiSlice

export interface StoreDeps {
  /** The core, behind the contract. In the app `getApi`; in unit tests a fake of the API. */
  api: () => QueuescopeApi
}

export type SetState = StoreApi<AppState>['setState']
export type GetState = StoreApi<AppState>['getState']
export type SliceCreator<T> = (set: SetState, get: GetState, deps: StoreDeps) => T

export type AppStore = StoreApi<AppState>

export function createAppStore(deps: StoreDeps): AppStore {
  return createStore<AppState>()((set, get) => ({
    ...createProfilesSlice(set, get, deps),
    ...createConnectionsSlice(set, get, deps),
    ...createBrokerSlice(set, get, deps),
    ...createSourcesSlice(set, get, deps),
    ...createMessagesSlice(set, get, deps),
    ...createMetricsSlice(set, get, deps),
    ...createTopologySlice(set, get, deps),
    ...createPublishSlice(set, get, deps),
    ...createPurgeSlice(set, get, deps),
    ...createReplaySlice(set, get, deps),
    ...createRedisSlice(set, get, deps),
    ...createBullmqSlice(set, get, deps),
    ...createTransferSlice(set, get, deps),
    ...createTailSlice(set, get, deps),
    ...createToastsSlice(set, get, deps),
    ...createUiSlice(set, get, deps),
  }))
}
