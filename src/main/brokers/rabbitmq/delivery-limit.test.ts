import { describe, expect, it } from 'vitest'
import { NO_CONSENT } from '../read-purpose'
import { admitRead, couldReachLimit, deliveryAtRisk, deliveryCountOf, effectiveDeliveryLimit, type LimitedQueue } from './delivery-limit'

describe('effectiveDeliveryLimit', () => {
  const base = { arguments: {}, effectivePolicy: {}, serverMajor: 3 }

  it('reads the queue argument or the policy, and takes the lower of both', () => {
    expect(effectiveDeliveryLimit({ ...base, arguments: { 'x-delivery-limit': 5 } })).toBe(5)
    expect(effectiveDeliveryLimit({ ...base, effectivePolicy: { 'delivery-limit': 7 } })).toBe(7)
    expect(effectiveDeliveryLimit({ ...base, arguments: { 'x-delivery-limit': 5 }, effectivePolicy: { 'delivery-limit': 3 } })).toBe(3)
    expect(effectiveDeliveryLimit({ ...base, reported: 4, serverMajor: 4 })).toBe(4)
  })

  it('none on 3.x, 20 by default on 4.x, and -1 means unlimited', () => {
    expect(effectiveDeliveryLimit(base)).toBeNull()
    expect(effectiveDeliveryLimit({ ...base, serverMajor: 4 })).toBe(20)
    expect(effectiveDeliveryLimit({ ...base, serverMajor: 4, arguments: { 'x-delivery-limit': -1 } })).toBeNull()
    expect(effectiveDeliveryLimit({ ...base, serverMajor: 4, arguments: { 'x-delivery-limit': -1 }, effectivePolicy: { 'delivery-limit': 9 } })).toBe(9)
  })
})

describe('couldReachLimit', () => {
  it('refuses once the next browse could push a message past the limit', () => {
    expect(couldReachLimit(0, 2)).toBe(false)
    expect(couldReachLimit(1, 2)).toBe(true)
    expect(couldReachLimit(18, 20)).toBe(false)
    expect(couldReachLimit(19, 20)).toBe(true)
    expect(couldReachLimit(0, 0)).toBe(true)
  })

  it('reads x-delivery-count, absent on a first delivery', () => {
    expect(deliveryCountOf(undefined)).toBe(0)
    expect(deliveryCountOf({ 'x-delivery-count': 3 })).toBe(3)
    expect(deliveryCountOf({ 'x-delivery-count': BigInt(2) })).toBe(2)
  })
})

describe('the read rule', () => {
  const queue = (name: string, limit: number | null = 3): LimitedQueue => ({ name, limit, key: `h:5672//${name}`, serverMajor: 3 })
  const accepted = { acceptDeliveryLimitRisk: true, readOnly: false }

  it('asks first, and a read-only profile is refused whatever the request says', () => {
    expect(() => admitRead(queue('a'), NO_CONSENT, 'export')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED', detail: expect.objectContaining({ requiresAcceptance: true }) }),
    )
    expect(() => admitRead(queue('a'), { acceptDeliveryLimitRisk: true, readOnly: true }, 'browse')).toThrow(
      expect.objectContaining({ code: 'READ_ONLY', detail: expect.objectContaining({ requiresAcceptance: false }) }),
    )
    expect(() => admitRead(queue('a', null), { acceptDeliveryLimitRisk: true, readOnly: true }, 'dry run')).toThrow(
      expect.objectContaining({ code: 'READ_ONLY' }),
    )
    expect(() => admitRead(queue('a'), accepted, 'copy')).not.toThrow()
  })

  it('a move that takes all it reads gives nothing back by design; a limit of 0 refuses every other read', () => {
    expect(() => admitRead(queue('b'), NO_CONSENT, 'consume')).not.toThrow()
    expect(() => admitRead(queue('b', 0), accepted, 'browse')).toThrow(/no browse is possible/)
  })

  it('stops at the first message one attempt from the limit, and then refuses the queue before fetching', () => {
    const q = queue('c', 3)
    expect(deliveryAtRisk(q, 1, 'message 1', 'export')).toBeNull()
    const stop = deliveryAtRisk(q, 2, 'message 2 (message-id m-2)', 'export')
    expect(stop).toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/message 2 \(message-id m-2\).*delivery count 2 and the delivery limit is 3/),
    })
    expect(() => admitRead(q, accepted, 'browse')).toThrow(expect.objectContaining({ detail: expect.objectContaining({ latched: true }) }))
    // Another queue is not affected; an unknown limit cannot be weighed message by message.
    expect(() => admitRead(queue('d'), accepted, 'browse')).not.toThrow()
    expect(deliveryAtRisk(queue('e', null), 99, 'message 1', 'browse')).toBeNull()
  })
})
