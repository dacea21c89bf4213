import { describe, expect, it } from 'vitest'
import { couldReachLimit, deliveryCountOf, effectiveDeliveryLimit } from './delivery-limit'

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
