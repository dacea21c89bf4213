/**
 * What the contract fuzz found outside the dispatcher, one minimal case each, kept as regression
 * tests: each failed before its fix. A new finding goes here first, as `it.fails` while it stands.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { calls } from '../../shared/contract'
import type { ProfileView } from '../../shared/model'
import type { ReplayReport } from '../../shared/replay'
import { fuzzAdapterFactory } from '../../test-support/fuzz-adapter'
import { recordProcessFaults } from '../../test-support/contract-fuzz'
import { createCore, type Core } from './core'
import { createDispatcher, type Dispatcher } from './dispatch'
import { pollUntil } from '../../test-support/wait'

describe('contract fuzz findings', () => {
  let dir: string
  let core: Core
  let call: Dispatcher
  let connectionId: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qs-fuzz-finding-'))
    core = await createCore({ configDir: dir, mode: 'web', version: 'test', keyring: null, adapterFactory: fuzzAdapterFactory(1) })
    call = createDispatcher(core)
    const saved = await call('profiles:save', { name: 'rabbit', broker: 'rabbitmq', url: 'amqp://guest@127.0.0.1:5672/' })
    connectionId = (saved as { ok: true; data: ProfileView }).data.id
    await call('connection:connect', { profileId: connectionId })
  })

  afterEach(async () => {
    await core.close()
    await rm(dir, { recursive: true, force: true })
  })

  // metrics.service.ts history() built `series` by assignment: `series['__proto__'] = samples`
  // set the object's prototype to that array instead of adding a key, so the answer was not a
  // record (and over JSON the key was gone).
  it('metrics:history for the source "__proto__" answers a plain record with that key', async () => {
    const answer = await call('metrics:history', { connectionId, source: '__proto__' })
    expect(answer.ok).toBe(true)
    const data = (answer as { ok: true; data: { series: object } }).data
    expect(calls['metrics:history'].response.safeParse(data).success).toBe(true)
    expect(Object.getPrototypeOf(data.series)).toBe(Object.prototype)
    expect(Object.keys(data.series)).toEqual(['__proto__'])
  })

  // replay.engine.ts pace(): the wait for message n is n / rate seconds; for a rate below about
  // 4.7e-7 messages/s (the contract allowed any positive rate) the wait exceeded setTimeout's
  // 2^31 - 1 ms, Node clamped it to 1 ms, and the slowest replay ran unpaced. The contract now
  // takes at least one message a day.
  it('replay:start with a vanishingly small rate paces (or is refused), never runs at full speed', async () => {
    const faults = recordProcessFaults()
    try {
      const pending = call('replay:start', {
        connectionId,
        source: 'queue:orders',
        to: { connectionId, target: 'queue:copy' },
        mode: 'copy',
        rate: 1e-300,
        id: 'slow',
      })
      // Refused at once, or cancelled as soon as it runs: at most the first message went out.
      let answered = false
      void pending.then(() => (answered = true))
      await pollUntil('the slow replay refused or running', () => (answered || core.replays.cancel('slow') ? true : undefined))
      const answer = await pending
      if (answer.ok) {
        const report = answer.data as ReplayReport
        expect(report.published + report.failed).toBeLessThanOrEqual(1)
      } else {
        expect(answer.error.code).toBe('BAD_REQUEST')
      }
      expect(faults.faults.filter((fault) => fault.includes('TimeoutOverflowWarning'))).toEqual([])
    } finally {
      faults.stop()
    }
  })
})
