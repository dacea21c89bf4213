/** Unit tests only: small, typed examples of what the core returns. */
import type { BrokerDescription } from '../../../shared/capabilities'
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

/**
 * Descriptions as a connection's status carries them, for the renderer's own tests: small and made
 * up (the brokers' real ones are tested where they live, in src/main/brokers). The app must draw
 * whatever a description says, so these differ from any real broker on purpose where it helps.
 */
export const QUEUE_BROKER: BrokerDescription = {
  label: 'Queue broker',
  sources: {
    queue: { tabs: ['messages', 'chart', 'publish', 'details'], purge: true, replayFrom: null, hasOrigin: true, browseNotice: 'Browsing puts messages back.' },
    'queue:stream': { tabs: ['messages', 'live', 'publish', 'details'], purge: false, replayFrom: null, hasOrigin: true, browseNotice: null },
    exchange: { tabs: ['publish', 'details'], purge: false, replayFrom: 'Exchanges hold no messages', hasOrigin: false, browseNotice: null },
  },
  replayTargets: [
    { kind: 'queue', label: 'Queue', hint: 'into the queue' },
    { kind: 'exchange', label: 'Exchange', hint: 'through the exchange' },
  ],
  origin: { label: 'Back to origin (x-death)', hint: 'where it was dead-lettered from' },
}

export const KEY_BROKER: BrokerDescription = {
  label: 'Key broker',
  sources: {
    stream: { tabs: ['messages', 'live', 'publish', 'details'], purge: false, replayFrom: null, hasOrigin: true, browseNotice: null },
    list: { tabs: ['messages', 'details'], purge: false, replayFrom: null, hasOrigin: false, browseNotice: null },
    channel: { tabs: ['live', 'details'], purge: false, replayFrom: 'Pub/sub keeps no messages', hasOrigin: false, browseNotice: null },
  },
  replayTargets: [
    { kind: 'stream', label: 'Stream', hint: 'XADD' },
    { kind: 'list', label: 'List', hint: 'LPUSH' },
    { kind: 'channel', label: 'Channel', hint: 'PUBLISH' },
  ],
  origin: { label: 'Back to origin (qs-origin)', hint: 'the key qs-origin names' },
}
