import type { BrokerViews } from './views'

export const redisViews: BrokerViews = {
  columns: {
    full: ['name', 'kind', 'messages', 'consumers', 'groups'],
    compact: ['nameNarrow', 'kind', 'messages', 'consumers', 'groups'],
  },
  emptyHint: 'No streams or lists yet — XADD or LPUSH one, or run `npm run demo`.',
  emptyWithout: null,
  // Redis has no channels and counts consumers per stream group: only its client connections.
  counts: (counts) => [['Clients', counts.connections]],
  discovery: { noMatch: (pattern) => `No stream, list, channel or BullMQ queue matches the key pattern “${pattern}”.` },
}
