/**
 * Three pages of queues (the last one short): paging, listing all at once and the server-side
 * filter. The soak tier runs the same suite with 10,000 queues (many-queues.soak.test.ts).
 */
import { describeManyQueues } from '../../../test-support/many-queues.suite'

describeManyQueues(1_205)
