import { describe, expect, it } from 'vitest'
import { belowStart } from './rabbitmq.read-support'

// RabbitMQ 3.10 starts an AMQP stream consumer exactly at its offset, but a stream is stored in
// chunks and a broker may deliver a chunk whole: the replay reader skips what lies before its start.
describe('belowStart', () => {
  it('skips offsets before a numeric start and keeps the start and after', () => {
    expect(belowStart(11, 12)).toBe(true)
    expect(belowStart(0, 12)).toBe(true)
    expect(belowStart(12, 12)).toBe(false)
    expect(belowStart(13, 12)).toBe(false)
  })

  it("keeps everything from 'first', on a classic queue, and when a delivery carries no offset", () => {
    expect(belowStart(0, 'first')).toBe(false)
    expect(belowStart(5, null)).toBe(false)
    expect(belowStart(undefined, 12)).toBe(false)
  })
})
