import { describe, expect, it, vi } from 'vitest'
import { CALL_CHANNEL_NAMES } from '../../../shared/channels'
import { QsError } from '../../../shared/errors'
import { deadlineFor, isIdempotent, runCall, SLOW_DEADLINE_MS, STANDARD_DEADLINE_MS, TransportFailure, withDeadline } from './call-policy'

describe('deadlines', () => {
  it('every call has one, except the four that legitimately run as long as their data', () => {
    const unbounded = CALL_CHANNEL_NAMES.filter((channel) => deadlineFor(channel, {}) === null)
    expect(unbounded.sort()).toEqual(['messages:export', 'messages:import', 'replay:start'])
    expect(deadlineFor('sources:list', { connectionId: 'c', discoveryId: 'd-1' })).toBeNull()
    expect(deadlineFor('sources:list', { connectionId: 'c' })).toBe(STANDARD_DEADLINE_MS)
    expect(deadlineFor('tail:start', {})).toBe(SLOW_DEADLINE_MS)
    expect(deadlineFor('profiles:list', {})).toBe(STANDARD_DEADLINE_MS)
  })

  it('only calls that change nothing are idempotent', () => {
    expect(isIdempotent('profiles:list')).toBe(true)
    expect(isIdempotent('sources:list')).toBe(true)
    for (const channel of ['messages:publish', 'messages:peek', 'sources:purge', 'replay:start', 'tail:start', 'connection:connect'])
      expect(isIdempotent(channel)).toBe(false)
  })
})

describe('runCall', () => {
  const timeout = () => new TransportFailure('timeout', 'no answer in time')
  const dropped = () => new TransportFailure('dropped', 'lost the connection to the Queuescope server while it was out')

  it('tries an idempotent call once more after a timeout or a drop', async () => {
    for (const first of [timeout(), dropped()]) {
      const attempt = vi.fn().mockRejectedValueOnce(first).mockResolvedValueOnce({ profiles: [] })
      await expect(runCall('profiles:list', {}, attempt)).resolves.toEqual({ profiles: [] })
      expect(attempt).toHaveBeenCalledTimes(2)
      expect(attempt).toHaveBeenLastCalledWith(STANDARD_DEADLINE_MS)
    }
  })

  it('gives up on an idempotent call after the second failure, saying which call timed out', async () => {
    const attempt = vi.fn().mockRejectedValue(timeout())
    const err = await runCall('sources:details', {}, attempt).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(QsError)
    expect(err).toMatchObject({ code: 'TIMEOUT', message: 'sources:details got no answer within 30 s (tried twice)' })
    expect(attempt).toHaveBeenCalledTimes(2)
  })

  it('never repeats a call that changes something, and says it may or may not have happened', async () => {
    for (const [failure, code] of [
      [timeout(), 'TIMEOUT'],
      [dropped(), 'NOT_CONNECTED'],
    ] as const) {
      const attempt = vi.fn().mockRejectedValue(failure)
      const err = await runCall('messages:publish', {}, attempt).catch((e: unknown) => e)
      expect(err).toMatchObject({ code, message: expect.stringMatching(/^messages:publish.*may or may not have happened/) })
      expect(attempt).toHaveBeenCalledTimes(1)
    }
  })

  it('a call that never left is not retried and says so', async () => {
    const attempt = vi.fn().mockRejectedValue(new TransportFailure('unsent', 'cannot reach the Queuescope server'))
    await expect(runCall('profiles:list', {}, attempt)).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
      message: 'profiles:list: cannot reach the Queuescope server; it was not sent',
    })
    expect(attempt).toHaveBeenCalledTimes(1)
  })

  it("passes the core's own errors through untouched, never retried", async () => {
    const core = new QsError('UNREACHABLE', 'connection refused')
    const attempt = vi.fn().mockRejectedValue(core)
    await expect(runCall('profiles:list', {}, attempt)).rejects.toBe(core)
    expect(attempt).toHaveBeenCalledTimes(1)
  })

  it('uses no deadline where the policy says none', async () => {
    const attempt = vi.fn().mockResolvedValue({ ok: 1 })
    await runCall('replay:start', {}, attempt)
    expect(attempt).toHaveBeenCalledWith(null)
  })
})

describe('withDeadline', () => {
  it('fails with a timeout when the work does not finish in time, and ignores a late answer', async () => {
    let finish: (v: string) => void = () => undefined
    const work = new Promise<string>((r) => (finish = r))
    const raced = withDeadline(work, 5)
    await expect(raced).rejects.toMatchObject({ kind: 'timeout' })
    finish('late')
    await expect(withDeadline(Promise.resolve('now'), 5)).resolves.toBe('now')
    await expect(withDeadline(Promise.resolve('never bounded'), null)).resolves.toBe('never bounded')
  })
})
