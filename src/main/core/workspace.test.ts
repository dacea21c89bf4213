import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { QsError } from '../../shared/errors'
import type { ConnectionStatus } from '../../shared/model'
import { scriptedFactory } from '../../test-support/fake-adapter'
import { Workspace } from './workspace'

const config = {
  target: { broker: 'redis' as const, tls: false, host: 'h', port: 1, db: 0, username: null, topology: { kind: 'standalone' as const } },
  password: null,
}
const ok = { server: 'Fake 1.0', warnings: [] }
const backoff = { baseMs: 100, maxMs: 400, jitter: 0 }

describe('Workspace', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function record(workspace: Workspace): ConnectionStatus[] {
    const seen: ConnectionStatus[] = []
    workspace.onStatus((s) => seen.push(s))
    return seen
  }

  it('goes connecting -> open and exposes the adapter', async () => {
    const workspace = new Workspace(scriptedFactory([ok]), backoff)
    const seen = record(workspace)
    const status = await workspace.open('c1', config, { readOnly: true })
    expect(status).toMatchObject({ state: 'open', server: 'Fake 1.0', readOnly: true })
    expect(seen.map((s) => s.state)).toEqual(['connecting', 'open'])
    expect(workspace.adapter('c1').readOnly).toBe(true)
  })

  it('sends what the broker can do with the status from the first open on, through reconnects', async () => {
    const factory = scriptedFactory([ok, new QsError('UNREACHABLE', 'connection refused'), ok])
    const workspace = new Workspace(factory, backoff)
    const seen = record(workspace)
    await workspace.open('c1', config, { readOnly: false })
    const description = factory.adapters[0]!.description
    factory.adapters[0]!.lost!(new Error('socket closed'))
    await vi.advanceTimersByTimeAsync(100)
    await vi.advanceTimersByTimeAsync(200)
    expect(seen.map((s) => [s.state, s.description === description])).toEqual([
      ['connecting', false],
      ['open', true],
      ['reconnecting', true],
      ['reconnecting', true],
      ['open', true],
    ])
  })

  it('reports a first failure as failed with the reason, without retrying', async () => {
    const factory = scriptedFactory([new QsError('AUTH_FAILED', 'wrong password')])
    const workspace = new Workspace(factory, backoff)
    const status = await workspace.open('c1', config, { readOnly: false })
    expect(status).toMatchObject({ state: 'failed', reason: 'wrong password' })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(factory.adapters).toHaveLength(1)
    expect(() => workspace.adapter('c1')).toThrow(/failed: wrong password/)
  })

  it('reconnects a lost connection with capped exponential backoff and counts attempts', async () => {
    const down = new QsError('UNREACHABLE', 'connection refused')
    const factory = scriptedFactory([ok, down, down, down, down, ok])
    const workspace = new Workspace(factory, backoff)
    const seen = record(workspace)
    await workspace.open('c1', config, { readOnly: false })
    factory.adapters[0]!.lost!(new Error('socket closed'))

    expect(workspace.status('c1')).toMatchObject({ state: 'reconnecting', attempt: 1, reason: 'socket closed' })
    expect(() => workspace.adapter('c1')).toThrow(/reconnecting \(attempt 1/)
    await vi.advanceTimersByTimeAsync(100) // attempt 1 fails
    await vi.advanceTimersByTimeAsync(200) // attempt 2 fails
    await vi.advanceTimersByTimeAsync(400) // attempt 3 fails
    await vi.advanceTimersByTimeAsync(400) // attempt 4 fails (capped)
    await vi.advanceTimersByTimeAsync(400) // attempt 5 succeeds
    const reconnecting = seen.filter((s) => s.state === 'reconnecting')
    expect(reconnecting.map((s) => s.attempt)).toEqual([1, 2, 3, 4, 5])
    expect(reconnecting.map((s) => (s.nextRetryAt ?? 0) - s.at)).toEqual([100, 200, 400, 400, 400])
    expect(workspace.status('c1')).toMatchObject({ state: 'open' })
    expect(workspace.adapter('c1').adapter).toBe(factory.adapters[5])
  })

  it('stops retrying when the broker refuses the credentials', async () => {
    const factory = scriptedFactory([ok, new QsError('AUTH_FAILED', 'password changed')])
    const workspace = new Workspace(factory, backoff)
    await workspace.open('c1', config, { readOnly: false })
    factory.adapters[0]!.lost!(new Error('bye'))
    await vi.advanceTimersByTimeAsync(100)
    expect(workspace.status('c1')).toMatchObject({ state: 'failed', reason: 'password changed' })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(factory.adapters).toHaveLength(2)
  })

  it('disconnect cancels a pending retry and closes the adapter', async () => {
    const factory = scriptedFactory([ok, ok])
    const workspace = new Workspace(factory, backoff)
    await workspace.open('c1', config, { readOnly: false })
    const first = factory.adapters[0]!
    first.lost!(new Error('gone'))
    const closed = await workspace.close('c1')
    expect(closed.state).toBe('closed')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(factory.adapters).toHaveLength(1)
    expect(workspace.statuses()).toEqual([])
  })

  it('re-opening replaces the old connection', async () => {
    const factory = scriptedFactory([ok, ok])
    const workspace = new Workspace(factory, backoff)
    await workspace.open('c1', config, { readOnly: false })
    await workspace.open('c1', config, { readOnly: true })
    expect(factory.adapters[0]!.closed).toBe(true)
    expect(workspace.adapter('c1')).toMatchObject({ adapter: factory.adapters[1], readOnly: true })
  })
})
