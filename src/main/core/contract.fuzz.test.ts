/**
 * Contract fuzzing without brokers: every channel of the contract, driven through the dispatcher
 * like a renderer (remote) and like the CLI (local), with payloads generated from the channel's own
 * request schema, valid and invalid, over a core whose broker connections are fakes. Every call
 * must settle with an envelope; an error must carry a known code and a message, and INTERNAL (a case
 * nobody handled) fails the run with the payload; a success must match the response schema.
 *
 * Bounded by default: a fixed seed, 30 cases per channel, caller and kind (about 10 s here). The
 * soak tier sets QS_FUZZ_RUNS for a larger run (300: about 35 s), QS_FUZZ_SEED=<n> picks another
 * seed (a failure prints the seed and path that replay it), QS_FUZZ_STATS=1 prints how the calls
 * ended (=verbose: also every error a valid payload got).
 *   QS_FUZZ_RUNS=300 npx vitest run --project unit src/main/core/contract.fuzz.test.ts
 *
 * Files: local export and import name only files in a fresh temp folder (every generated `path` is
 * mapped there).
 */
import fc from 'fast-check'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { CALL_CHANNELS, calls, type CallChannel } from '../../shared/contract'
import type { ProfileInput } from '../../shared/model'
import { REF_KINDS } from '../../shared/source-ref'
import type { AdapterFactory } from '../brokers/adapter'
import { scriptedFactory } from '../../test-support/fake-adapter'
import { FuzzAdapter, fuzzAdapterFactory } from '../../test-support/fuzz-adapter'
import { lazyZodArbitrary, zodArbitrary, type Override } from '../../test-support/zod-arbitrary'
import {
  asCase,
  FuzzHarness,
  fuzzRuns,
  fuzzSeed,
  HOSTILE_CHANNELS,
  preview,
  rawHostilePayloads,
  recordProcessFaults,
  withMatchingConfirm,
  WRAPPERS,
  type Case,
  type Kind,
} from '../../test-support/contract-fuzz'
import { createCore, type Core } from './core'
import { MAX_PAYLOAD_DEPTH, type Caller } from './dispatch'

const RUNS = fuzzRuns(30)
const SEED = fuzzSeed()
/** Fakes answer in milliseconds; a call still pending after this has stalled (or is a rate-limited replay). */
const STALL_MS = 1_000
/** After cancelling every replay, the time a stalled call gets to settle. */
const CANCEL_GRACE_MS = 2_000

interface FixtureProfile {
  key: string
  input: ProfileInput
  /** Opened before every case; failed when its host is `unreachable`. */
  open: boolean
  id: string
}

const FIXTURE: Omit<FixtureProfile, 'id'>[] = [
  { key: 'rabbit', input: { name: 'rabbit', broker: 'rabbitmq', url: 'amqp://guest@127.0.0.1:5672/', password: 'guest' }, open: true },
  { key: 'redis', input: { name: 'redis', broker: 'redis', url: 'redis://127.0.0.1:6379/0' }, open: true },
  { key: 'rabbit-ro', input: { name: 'rabbit-ro', broker: 'rabbitmq', url: 'amqp://guest@127.0.0.1:5672/', readOnly: true }, open: true },
  { key: 'redis-ro', input: { name: 'redis-ro', broker: 'redis', url: 'redis://127.0.0.1:6379/0', readOnly: true }, open: true },
  // The plain scripted fake: no optional capability, so every UNSUPPORTED path is reached too.
  { key: 'minimal', input: { name: 'minimal', broker: 'rabbitmq', url: 'amqp://guest@minimal:5672/' }, open: true },
  { key: 'unreachable', input: { name: 'unreachable', broker: 'rabbitmq', url: 'amqp://guest@unreachable:5672/' }, open: true },
  { key: 'closed', input: { name: 'closed', broker: 'redis', url: 'redis://127.0.0.1:6379/1' }, open: false },
]

/** Calls after which the fixture's profiles and connections are put back as they were. */
const DISTURBING = new Set<string>(['profiles:save', 'profiles:delete', 'connection:connect', 'connection:disconnect', 'tail:start'])

let tmp: string
let core: Core
let harness: FuzzHarness
let fixture: FixtureProfile[]
let files: Record<'existing' | 'import' | 'garbage', string>
const processFaults = recordProcessFaults()

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'qs-contract-fuzz-'))
  const fuzz = fuzzAdapterFactory(SEED)
  const minimal = scriptedFactory([{ server: 'Fake', warnings: ['heads up'] }])
  const factory: AdapterFactory = (config) => (config.target.host === 'minimal' ? minimal(config) : fuzz(config))
  core = await createCore({ configDir: join(tmp, 'config'), mode: 'web', version: 'fuzz', keyring: null, adapterFactory: factory })
  harness = new FuzzHarness(core, { stallMs: STALL_MS, graceMs: CANCEL_GRACE_MS, tmp, afterCall: readOnlyUntouched })
  files = { existing: join(tmp, 'existing.ndjson'), import: join(tmp, 'import.ndjson'), garbage: join(tmp, 'garbage.ndjson') }
  await writeFile(files.existing, '')
  await writeFile(
    files.import,
    [
      '{"body":"eyJhIjoxfQ==","properties":{"messageId":"m1"},"headers":{"__proto__":{"polluted":"yes"},"h":[1,{"b":null}]},"origin":{"source":"queue:orders","routingKey":"orders"}}',
      '{"body":"","headers":{}}',
      '',
      '{"body":"/w==","properties":{"deliveryMode":2},"origin":{"exchange":"x","routingKey":"k"}}',
    ].join('\n'),
  )
  await writeFile(files.garbage, 'not json\n{"body":1}\n')
  fixture = FIXTURE.map((f) => ({ ...f, id: '' }))
  await restoreFixture()
})

afterAll(async () => {
  harness?.printOutcomes()
  await core?.close()
  processFaults.stop()
  if (tmp) await rm(tmp, { recursive: true, force: true, maxRetries: 5 })
})

/** Puts the fixture's profiles and connections back (a fuzzed call may have deleted, edited, closed or reopened them). */
async function restoreFixture(): Promise<void> {
  await harness.stopTails()
  const stored = new Map((await core.profiles.list()).map((p) => [p.id, p]))
  // Profiles saved by fuzzed calls pile up; a long run would rewrite an ever larger file.
  if (stored.size > 50) for (const id of stored.keys()) if (!fixture.some((f) => f.id === id)) await core.profiles.delete(id)
  for (const f of fixture) {
    const p = stored.get(f.id)
    const unchanged =
      p &&
      p.name === f.input.name &&
      p.broker === f.input.broker &&
      p.url === f.input.url &&
      p.readOnly === (f.input.readOnly ?? false) &&
      p.managementUrl === undefined
    if (!unchanged) f.id = (await core.profiles.save({ ...f.input, ...(p ? { id: f.id } : {}) })).id
    const status = core.workspace.status(f.id)
    if (f.open) {
      const expected = f.key === 'unreachable' ? 'failed' : 'open'
      if (
        !unchanged ||
        status?.state !== expected ||
        status.readOnly !== (f.input.readOnly ?? false) ||
        status.scope !== (f.input.broker === 'redis' ? '0' : '/')
      ) {
        const answer = await harness.dispatchers.local('connection:connect', { profileId: f.id })
        if (!answer.ok) throw new Error(`fixture ${f.key} did not reopen: ${answer.error.message}`)
      }
    } else if (status) {
      await core.workspace.close(f.id)
    }
  }
}

/** A fixture connection (or profile) id as it is when the case is generated: restoring gives deleted profiles new ids. */
const fixtureIds = fc.constantFrom(...FIXTURE.flatMap((f, i) => (f.key === 'unreachable' || f.key === 'closed' ? [i] : [i, i, i]))).map((i) => fixture[i]!.id)
const startedTails = fc.nat().map((i) => [...harness.tails, 'nope'][i % (harness.tails.size + 1)]!)
const NAMES = ['orders', 'a:b', '__proto__', 'constructor', '😀', ' ', 'x'.repeat(300), 'orders\u0000']
const names = fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 10 }))
const kinds = fc.oneof({ weight: 4, arbitrary: fc.constantFrom<string>(...REF_KINDS) }, { weight: 1, arbitrary: fc.constantFrom('pattern', 'QUEUE', '') })
const refs = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(kinds, names).map(([kind, name]) => `${kind}:${name}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
)
const URLS = [
  'amqp://guest@127.0.0.1:5672/',
  'amqps://u:secret@127.0.0.1/%2f',
  'redis://127.0.0.1:6379/0',
  'rediss://:pw@127.0.0.1:6380/3',
  'redis://127.0.0.1:6379/0?cluster=1',
  'redis://127.0.0.1:26379/0?sentinelMaster=m&sentinelPassword=s',
  'amqp://u@unreachable/',
  'redis://badauth/1',
  'kafka://x',
  'amqp://',
  'redis://h/99999999',
]
const RATES = [1e6, 1_000, 0.0001, 1e-300, Number.MIN_VALUE]

/** A path for export or import, always inside the temp folder: fresh, nested, existing, a directory, missing, or an import file. */
const paths = fc.constantFrom('fresh', 'nested', 'existing', 'import', 'garbage', 'directory', 'missing').map((kind) => {
  switch (kind) {
    case 'fresh':
      return harness.freshPath()
    case 'nested':
      return join(harness.freshPath('dir'), 'sub', 'out.ndjson')
    case 'directory':
      return tmp
    case 'missing':
      return harness.freshPath('missing')
    default:
      return files[kind]
  }
})

/** Domain values where the schema only says "a string": ids of the fixture, refs, matching confirmations, temp paths. */
function overrideFor(channel: CallChannel): (path: readonly string[], schema: z.core.$ZodType) => Override | undefined {
  return (path, schema) => {
    if (WRAPPERS.has(schema._zod.def.type)) return undefined
    const key = path.at(-1)
    const generic = lazyZodArbitrary(schema)
    const mix = (specific: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown> | undefined = generic.invalid): Override => ({
      valid: fc.oneof({ weight: 6, arbitrary: specific.filter((v) => (schema as z.ZodType).safeParse(v).success) }, { weight: 1, arbitrary: generic.valid }),
      invalid,
    })
    if (key === 'connectionId' || key === 'profileId') return mix(fixtureIds)
    if (key === 'id' && channel.startsWith('profiles:')) return mix(fixtureIds)
    if ((key === 'id' && channel.startsWith('replay:')) || key === 'discoveryId' || (key === 'id' && channel === 'sources:cancel'))
      return mix(fc.constantFrom('r1', 'r2', '__proto__'))
    if (key === 'tailId') return mix(startedTails)
    if ((key === 'source' || key === 'target') && schema._zod.def.type === 'string') return mix(refs)
    if (key === 'confirm') return mix(names)
    if (key === 'url') return mix(fc.constantFrom(...URLS))
    if (key === 'managementUrl') return mix(fc.constantFrom('http://127.0.0.1:15672', 'https://user:pw@127.0.0.1:1/api', 'ftp://x', ''))
    // Never a path outside the temp folder, even an invalid one that a broken check might let through.
    if (key === 'path') return { valid: paths, invalid: fc.constantFrom<unknown>('', null, 7, [], 'q'.repeat(4097)) }
    if (key === 'rate') return mix(fc.constantFrom(...RATES))
    return undefined
  }
}

/** Both arbitraries of every channel, built once. */
const arbitraries = new Map<CallChannel, Record<Kind, fc.Arbitrary<Case>>>()
function arbitrariesOf(channel: CallChannel): Record<Kind, fc.Arbitrary<Case>> {
  let built = arbitraries.get(channel)
  if (!built) {
    const { valid, invalid } = zodArbitrary(calls[channel].request, { override: overrideFor(channel) })
    built = { valid: withMatchingConfirm(valid).map(asCase), invalid: invalid.map(asCase) }
    arbitraries.set(channel, built)
  }
  return built
}

/** A read-only connection's adapter never saw a write, whatever was called. */
function readOnlyUntouched(where: string, payload: unknown): void {
  for (const status of core.workspace.statuses()) {
    if (!status.readOnly || status.state !== 'open') continue
    const { adapter } = core.workspace.adapter(status.connectionId)
    if (adapter instanceof FuzzAdapter && adapter.writes.length > 0) {
      throw new Error(`${where}: the read-only connection ${status.connectionId} got ${adapter.writes.join(', ')}\npayload: ${preview(payload)}`)
    }
  }
}

async function fuzzChannel(channel: CallChannel, caller: Caller, kind: Kind, seed: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrariesOf(channel)[kind], async ({ payload }) => {
      await harness.check(caller, channel, payload, kind)
      if (DISTURBING.has(channel)) await restoreFixture()
    }),
    { numRuns: RUNS, seed },
  )
}

describe('contract fuzz (fake brokers)', () => {
  for (const channel of CALL_CHANNELS) {
    it(`${channel}: every answer an envelope, never INTERNAL, results match the response schema`, { timeout: 120_000 }, async () => {
      // Each caller and kind on a seed of its own: the same payloads twice would find nothing new.
      let seed = SEED
      for (const caller of ['remote', 'local'] as const) {
        for (const kind of ['valid', 'invalid'] as const) await fuzzChannel(channel, caller, kind, seed++)
      }
    })
  }

  it('random sequences of calls, run at once', { timeout: 120_000 }, async () => {
    const oneCall = fc
      .tuple(fc.constantFrom(...CALL_CHANNELS), fc.constantFrom<Kind>('valid', 'invalid'), fc.constantFrom<Caller>('remote', 'local'))
      .chain(([channel, kind, caller]) =>
        arbitrariesOf(channel)[kind].map((c) => ({
          channel,
          kind,
          caller,
          payload: c.payload,
          [fc.toStringMethod]: () => `${caller} ${channel} ${preview(c.payload, 200)}`,
        })),
      )
    await fc.assert(
      fc.asyncProperty(fc.array(oneCall, { minLength: 2, maxLength: 8 }), async (sequence) => {
        await Promise.all(sequence.map(({ channel, kind, caller, payload }) => harness.check(caller, channel, payload, kind, 'sequences')))
        await restoreFixture()
      }),
      { numRuns: RUNS * 2, seed: SEED },
    )
  })

  it('raw hostile payloads on every channel: typed errors, deep and huge ones refused before parsing', { timeout: 60_000 }, async () => {
    const refusedByShape = new Set([
      'object 10,000 deep',
      'array 10,000 deep',
      'headers 10,000 deep',
      'cyclic',
      'shared references',
      'sparse array of 2^32 - 1',
      'a million and one values',
    ])
    for (const { name, payload } of rawHostilePayloads()) {
      for (const channel of CALL_CHANNELS) {
        for (const caller of ['remote', 'local'] as const) {
          const answer = await harness.check(caller, channel, payload, 'raw')
          if (!refusedByShape.has(name)) continue
          const expected = calls[channel].localOnly && caller === 'remote' ? 'FORBIDDEN' : 'BAD_REQUEST'
          expect(answer, `${name} on ${channel} (${caller})`).toMatchObject({ ok: false, error: { code: expected } })
          if (expected === 'BAD_REQUEST') expect(answer.ok === false && answer.error.message).toMatch(/levels deep|values/)
        }
      }
      await restoreFixture()
    }
  })

  it('unknown channels, Object.prototype members among them: BAD_REQUEST', async () => {
    for (const channel of HOSTILE_CHANNELS) {
      for (const caller of ['remote', 'local'] as const) {
        const answer = await harness.check(caller, channel as string, {}, 'raw')
        expect(answer, String(channel)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
      }
    }
  })

  it('5,000 calls at once: every one settles with an envelope', { timeout: 60_000 }, async () => {
    const mixed = fc
      .tuple(fc.constantFrom(...CALL_CHANNELS), fc.constantFrom<Kind>('valid', 'invalid'), fc.constantFrom<Caller>('remote', 'local'))
      .chain(([channel, kind, caller]) => arbitrariesOf(channel)[kind].map((c) => ({ channel, kind, caller, payload: c.payload })))
    const batch = fc.sample(mixed, { seed: SEED, numRuns: 5_000 })
    const started = Date.now()
    // Profile writes are serialised (read-modify-write of one file): the last ones wait for all before them.
    const answers = await Promise.all(batch.map(({ channel, kind, caller, payload }) => harness.check(caller, channel, payload, kind, '5,000 at once', 30_000)))
    expect(answers).toHaveLength(5_000)
    expect(Date.now() - started).toBeLessThan(30_000)
    await restoreFixture()
  })
})

describe('payload shape guard in dispatch', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 'x'
    for (let i = 0; i < depth; i++) value = { a: value }
    return value
  }

  it('headers nested 10,000 deep: BAD_REQUEST that says where, not INTERNAL from a stack overflow', async () => {
    await restoreFixture()
    const rabbit = fixture.find((f) => f.key === 'rabbit')!.id
    const answer = await harness.dispatchers.remote('messages:publish', {
      connectionId: rabbit,
      target: 'queue:orders',
      body: 'x',
      headers: { h: nested(10_000) },
    })
    expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(answer.ok === false && answer.error.message).toMatch(
      new RegExp(`^invalid messages:publish request at headers\\.h\\.a\\.a\\.….*: nested more than ${MAX_PAYLOAD_DEPTH} levels deep$`),
    )
  })

  it('headers nested well within the limit still publish', async () => {
    await restoreFixture()
    const rabbit = fixture.find((f) => f.key === 'rabbit')!.id
    const answer = await harness.dispatchers.remote('messages:publish', {
      connectionId: rabbit,
      target: 'queue:orders',
      body: 'x',
      headers: { h: nested(MAX_PAYLOAD_DEPTH - 3) },
    })
    expect(answer).toMatchObject({ ok: true })
  })
})

describe('the run as a whole', () => {
  it('no unhandled rejection, uncaught exception or process warning', () => {
    expect(processFaults.faults).toEqual([])
  })
})
