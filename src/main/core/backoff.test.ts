import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff'

describe('backoffDelay', () => {
  const options = { baseMs: 500, maxMs: 30_000, jitter: 0.2 }
  it('doubles from the base and caps at the maximum', () => {
    const noJitter = () => 0
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, options, noJitter))).toEqual([500, 1000, 2000, 4000])
    expect(backoffDelay(20, options, noJitter)).toBe(30_000)
    expect(backoffDelay(10_000, options, noJitter)).toBe(30_000)
  })
  it('shortens by at most the jitter fraction', () => {
    expect(backoffDelay(1, options, () => 1)).toBe(400)
    expect(backoffDelay(30, options, () => 0.5)).toBe(27_000)
  })
})
