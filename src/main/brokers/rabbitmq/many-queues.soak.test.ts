/**
 * Soak tier (`npm run test:soak`): 10,000 queues in one vhost, listed by pages and all at once,
 * and filtered on the server. `npm test` runs the same suite on three pages of queues.
 */
import { describeManyQueues } from '../../../test-support/many-queues.suite'

describeManyQueues(10_000)
