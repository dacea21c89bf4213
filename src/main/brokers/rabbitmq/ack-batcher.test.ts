import { describe, expect, it } from 'vitest'
import { AckBatcher } from './rabbitmq.read-support'

function batcher(): { acks: AckBatcher; sent: [number, boolean][] } {
  const sent: [number, boolean][] = []
  return { acks: new AckBatcher((tag, multiple) => sent.push([tag, multiple])), sent }
}

describe('AckBatcher', () => {
  it('sends a run of acknowledged deliveries at the head as one multiple ack', () => {
    const { acks, sent } = batcher()
    for (let tag = 1; tag <= 5; tag++) acks.delivered(tag)
    for (const tag of [2, 1, 3]) acks.ack(tag)
    acks.flush()
    expect(sent).toEqual([[3, true]])
    acks.ack(5)
    acks.ack(4)
    acks.flush()
    expect(sent).toEqual([
      [3, true],
      [5, true],
    ])
  })

  it('never covers a delivery still held: behind it, each ack goes on its own', () => {
    const { acks, sent } = batcher()
    for (let tag = 1; tag <= 5; tag++) acks.delivered(tag)
    // 2 is released (held until close): 1 can go with multiple, 3 and 5 only on their own.
    for (const tag of [1, 3, 5]) acks.ack(tag)
    acks.flush()
    expect(sent).toEqual([
      [1, true],
      [3, false],
      [5, false],
    ])
    // Once 2 is acknowledged after all, the head moves past the ones already sent.
    acks.ack(2)
    acks.ack(4)
    acks.flush()
    expect(sent.slice(3)).toEqual([[4, true]])
  })

  it('flushes on its own a tick later', async () => {
    const { acks, sent } = batcher()
    acks.delivered(7)
    acks.ack(7)
    expect(sent).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(sent).toEqual([[7, true]])
  })
})
