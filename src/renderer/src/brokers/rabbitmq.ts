import type { BrokerViews } from './views'

export const rabbitmqViews: BrokerViews = {
  // With the details panel open the table has about 650 px at 1440 px wide: what answers "is it in trouble".
  columns: {
    full: ['name', 'kind', 'messages', 'ready', 'unacked', 'consumers', 'capacity', 'publishRate', 'ackRate', 'lag', 'trend', 'deadLetter'],
    compact: ['nameNarrow', 'ready', 'unacked', 'consumers', 'lag', 'trend'],
  },
  emptyHint: 'No queues yet — publish one, or run `npm run demo`.',
  emptyWithout: 'queue',
  counts: (counts) => [
    ['Connections', counts.connections],
    ['Channels', counts.channels],
    ['Consumers', counts.consumers],
  ],
  discovery: null,
}
