/** Unit tests only: small, typed examples of what the core returns. */
import type { ConnectionStatus, ProfileView, SourceItem, StreamSource } from '../../../shared/model'

export function profile(overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    id: 'p1',
    name: 'Local Redis',
    broker: 'redis',
    url: 'redis://127.0.0.1:6379',
    readOnly: false,
    color: 'none',
    watchQueues: [],
    hasPassword: false,
    ...overrides,
  }
}

export function status(overrides: Partial<ConnectionStatus> = {}): ConnectionStatus {
  return { connectionId: 'p1', state: 'open', readOnly: false, at: 1000, ...overrides }
}

export function queue(name: string, overrides: Partial<Extract<SourceItem, { kind: 'queue' }>> = {}): SourceItem {
  return {
    kind: 'queue',
    name,
    queueType: 'classic',
    messages: 0,
    ready: 0,
    unacked: 0,
    consumers: 0,
    consumerCapacity: null,
    state: 'running',
    durable: true,
    deadLetterExchange: null,
    deadLetterRoutingKey: null,
    ...overrides,
  }
}

export function stream(name: string, lags: (number | null)[]): StreamSource {
  return {
    kind: 'stream',
    name,
    messages: 12,
    consumers: lags.length,
    firstId: '1-0',
    lastId: '12-0',
    groups: lags.map((lag, i) => ({ name: `g${i}`, lag, pending: 0, consumers: 1, lastDeliveredId: '0-0', entriesRead: null })),
  }
}
