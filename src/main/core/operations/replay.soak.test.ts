/**
 * Soak tier (`npm run test:soak`): the replay engine at scale against a real RabbitMQ. `npm test`
 * runs the same checks with 2,000 and 10,000 messages (replay.integration.test.ts).
 */
import { afterAll, beforeAll, describe, it } from 'vitest'
import { cutMidMove, moveDeadLettersToOrigin, openReplayFixture, type ReplayFixture } from '../../../test-support/replay-at-scale'

describe('replay at scale (real RabbitMQ)', () => {
  let fx: ReplayFixture

  beforeAll(async () => {
    fx = await openReplayFixture('replay-soak')
  })

  afterAll(async () => {
    await fx?.close()
  })

  it('moves 10,000 dead-lettered messages back to their origin: each id once, the DLQ empty, properties and headers intact', async () => {
    await moveDeadLettersToOrigin(fx, 10_000)
  }, 120_000)

  it('when the broker connection is cut in the middle of a 50,000-message move, no message is lost and duplicates stay within the window', async () => {
    await cutMidMove(fx, 50_000)
  }, 120_000)
})
