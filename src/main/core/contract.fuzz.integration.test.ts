/**
 * Contract fuzzing against real brokers: every channel of the contract, driven through the
 * dispatcher as a renderer (remote) and as the CLI (local), with generated valid and invalid
 * payloads, over real RabbitMQ and Redis connections. The same promises as the unit fuzz (an
 * envelope for every call, never INTERNAL, results that match the response schema), and afterwards
 * the connections are still open and browsing still works.
 *
 * Namespace: everything a payload names lives in this file's own vhost and Redis key prefix. The
 * Redis on this machine is shared, so every source, target, pattern and `qs-origin` header names a
 * key under the prefix (checked again before each call: `namespaceGuard`), every Redis connection is
 * on database 0, every RabbitMQ one on the test vhost (a vhost switch only to the test vhost or to
 * one that does not exist), and profile URLs point only there or at a closed port. Files: only in a
 * fresh temp folder.
 *
 * Bounded by default: a fixed seed, 10 cases per channel, caller and kind (10-30 s here). The soak
 * tier sets QS_FUZZ_RUNS for a larger run (60: about 30-60 s), QS_FUZZ_SEED=<n> picks another seed
 * (a failure prints the seed and path that replay it), QS_FUZZ_STATS=1 prints how the calls ended
 * (=verbose: also every error a valid payload got).
 *   QS_FUZZ_RUNS=60 npx vitest run --project integration src/main/core/contract.fuzz.integration.test.ts
 */
import * as amqp from 'amqplib'
import { Queue } from 'bullmq'
import fc from 'fast-check'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { CALL_CHANNELS, calls, type CallChannel } from '../../shared/contract'
import type { ConnectionStatus, ProfileInput, ProfileView, SourceList } from '../../shared/model'
import type { PeekResult } from '../../shared/messages'
import { ORIGIN_HEADER } from '../../shared/replay'
import { parseSourceRef, REF_KINDS } from '../../shared/source-ref'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, REDIS_URL, uniqueName, type TestRedis, type TestVhost } from '../../test-support/brokers'
import { createTestCore, type TestCore } from '../../test-support/core'
import {
  asCase,
  FuzzHarness,
  fuzzRuns,
  fuzzSeed,
  preview,
  rawHostilePayloads,
  recordProcessFaults,
  withMatchingConfirm,
  WRAPPERS,
  type Case,
  type Kind,
} from '../../test-support/contract-fuzz'
import { lazyZodArbitrary, zodArbitrary, type Override } from '../../test-support/zod-arbitrary'
import { ownObject } from '../../test-support/hostile-values'
import { payloadShapeProblem, type Caller } from './dispatch'

const RUNS = fuzzRuns(10)
const SEED = fuzzSeed()
/** Real brokers, and readers that wait up to 1.5 s for a message that does not come. */
const STALL_MS = 20_000
const GRACE_MS = 10_000

type ConnectionKey = 'rabbit' | 'redis' | 'rabbitRo' | 'redisRo' | 'rabbitX' | 'redisX'
/** Connections a fuzzed call may close, delete, edit or reopen; the others must stay open throughout. */
const SACRIFICIAL: readonly ConnectionKey[] = ['rabbitX', 'redisX']
const KEPT: readonly ConnectionKey[] = ['rabbit', 'redis', 'rabbitRo', 'redisRo']
const DISTURBING = new Set<string>(['profiles:save', 'profiles:delete', 'connection:connect', 'connection:disconnect', 'tail:start'])

let vhost: TestVhost
let redis: TestRedis
let t: TestCore
let harness: FuzzHarness
let tmp: string
let prefix: string
let rabbitUrl: string
let absentVhost: string
/** Too many digits for a Redis database, and a vhost name nobody has. */
let absentDigits: string
let urls: string[]
let importFile: string
let client: amqp.ChannelModel
const ids = {} as Record<ConnectionKey, string>
const inputs = {} as Record<ConnectionKey, ProfileInput>
/** Fixture connections that left `open`, with why: one bad request must not break a connection. */
const broken: string[] = []
const processFaults = recordProcessFaults()
/** Names under the prefix that the generator never produces: untouched by the run, browsed at the end. */
const SENTINEL = 'sentinel-untouched'

beforeAll(async () => {
  vhost = await createTestVhost('fuzz')
  redis = await createTestRedis('fuzz')
  prefix = redis.prefix
  tmp = await mkdtemp(join(tmpdir(), 'qs-contract-fuzz-int-'))
  rabbitUrl = vhost.url.replace('guest:guest@', 'guest@')
  absentVhost = uniqueName('absent')
  absentDigits = String(Date.now()) + String(Math.floor(Math.random() * 1e6))
  for (const name of ['0', absentDigits, absentVhost]) {
    const response = await fetch(`${MANAGEMENT_URL}/api/vhosts/${encodeURIComponent(name)}`, {
      headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
    })
    if (response.status !== 404) throw new Error(`vhost "${name}" exists on this RabbitMQ: the fuzz would switch a connection into it`)
  }
  const absentUrl = rabbitUrl.replace(/\/[^/]*$/, `/${encodeURIComponent(absentVhost)}`)
  urls = [rabbitUrl, `${REDIS_URL}/0`, absentUrl, 'amqp://guest@127.0.0.1:1/x', 'redis://127.0.0.1:1/0', 'kafka://127.0.0.1/x', 'amqp://', 'not a url']
  await seedBrokers()
  t = await createTestCore('fuzz')
  harness = new FuzzHarness(t.core, { stallMs: STALL_MS, graceMs: GRACE_MS, tmp, guard: namespaceGuard })
  const rabbit = { broker: 'rabbitmq', url: rabbitUrl, password: 'guest', managementUrl: MANAGEMENT_URL } as const
  const red = { broker: 'redis', url: `${REDIS_URL}/0` } as const
  Object.assign(inputs, {
    rabbit: { name: 'rabbit', ...rabbit },
    redis: { name: 'redis', ...red },
    rabbitRo: { name: 'rabbit-ro', ...rabbit, readOnly: true },
    redisRo: { name: 'redis-ro', ...red, readOnly: true },
    rabbitX: { name: 'rabbit-x', ...rabbit },
    redisX: { name: 'redis-x', ...red },
  } satisfies Record<ConnectionKey, ProfileInput>)
  for (const key of Object.keys(inputs) as ConnectionKey[]) {
    const saved = await t.ok<ProfileView>('profiles:save', inputs[key])
    ids[key] = saved.id
    await t.ok('connection:connect', { profileId: saved.id })
  }
  t.core.workspace.onStatus((status: ConnectionStatus) => {
    const key = KEPT.find((k) => ids[k] === status.connectionId)
    if (key && status.state !== 'open' && status.state !== 'connecting') broken.push(`${key}: ${status.state} ${status.reason ?? ''}`)
  })
}, 60_000)

afterAll(async () => {
  harness?.printOutcomes()
  await t?.core.close()
  await client?.close().catch(() => undefined)
  await vhost?.remove()
  await redis?.remove()
  processFaults.stop()
  if (tmp) await rm(tmp, { recursive: true, force: true, maxRetries: 5 })
  if (t) await rm(t.configDir, { recursive: true, force: true, maxRetries: 5 })
})

/** Queues of each type (a quorum queue with a delivery limit among them), an exchange, a stream with a group, a list, a BullMQ queue, a sentinel of each broker. */
async function seedBrokers(): Promise<void> {
  client = await amqp.connect(vhost.url)
  const ch = await client.createConfirmChannel()
  const queues: [string, amqp.Options.AssertQueue][] = [
    ['q-classic', {}],
    ['q-quorum', { durable: true, arguments: { 'x-queue-type': 'quorum' } }],
    ['q-limit', { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2 } }],
    ['q-stream', { durable: true, arguments: { 'x-queue-type': 'stream' } }],
    [SENTINEL, {}],
  ]
  for (const [name, options] of queues) {
    await ch.assertQueue(prefix + name, options)
    for (let i = 0; i < 3; i++)
      ch.sendToQueue(prefix + name, Buffer.from(`{"n":${i}}`), { messageId: `m-${i}`, headers: { n: i, [ORIGIN_HEADER]: `queue:${prefix}q-classic` } })
  }
  await ch.assertExchange(prefix + 'x-topic', 'topic')
  await ch.bindQueue(prefix + 'q-classic', prefix + 'x-topic', '#')
  await ch.waitForConfirms()
  await ch.close()

  const r = redis.client
  for (const name of ['s', SENTINEL]) {
    for (let i = 0; i < 3; i++) await r.xadd(prefix + name, '*', 'body', `{"n":${i}}`, ORIGIN_HEADER, `stream:${prefix}s`)
  }
  await r.xgroup('CREATE', `${prefix}s`, 'g', '0')
  await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 2, 'STREAMS', `${prefix}s`, '>')
  await r.rpush(`${prefix}l`, 'a', 'b', 'c')
  // BullMQ keys are `<prefix>:<queue>:…`: with the test prefix as BullMQ's, they stay under it.
  const connection = r.duplicate()
  const bull = new Queue('bq', { connection, prefix: prefix.replace(/:$/, '') })
  await bull.add('job', { n: 1 })
  await bull.close()
  await connection.quit()

  importFile = join(tmp, 'import.ndjson')
  await writeFile(
    importFile,
    [
      JSON.stringify({
        body: Buffer.from('{"a":1}').toString('base64'),
        properties: { messageId: 'i-1' },
        headers: { h: [1, { b: null }], [ORIGIN_HEADER]: `stream:${prefix}s` },
        origin: { source: `queue:${prefix}q-classic`, routingKey: 'k' },
      }),
      '{"body":"","headers":{"__proto__":{"polluted":"yes"}}}',
      'not json',
    ].join('\n'),
  )
}

/** Puts the sacrificial profiles and connections back; the kept ones are only checked. */
async function restore(): Promise<void> {
  await harness.stopTails()
  const stored = new Map((await t.core.profiles.list()).map((p) => [p.id, p]))
  for (const key of SACRIFICIAL) {
    const input = inputs[key]
    const p = stored.get(ids[key])
    const unchanged =
      p && p.url === input.url && p.broker === input.broker && p.readOnly === (input.readOnly ?? false) && p.managementUrl === input.managementUrl
    if (!unchanged) ids[key] = (await t.core.profiles.save({ ...input, ...(p ? { id: ids[key] } : {}) })).id
    const status = t.core.workspace.status(ids[key])
    if (!unchanged || status?.state !== 'open' || status.scope !== (input.broker === 'redis' ? '0' : vhost.name)) {
      await t.ok('connection:connect', { profileId: ids[key] })
    }
  }
}

// ---------------------------------------------------------------------------------------------
// What payloads may name

const SUFFIXES = ['q-classic', 'q-quorum', 'q-limit', 'q-stream', 'x-topic', 's', 'l', 'bq', 'missing', '']
/** A name under the prefix: a seeded one, a missing one, or the prefix and anything (globs, unicode, colons). */
const nsName = (): fc.Arbitrary<string> =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SUFFIXES) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }).map((suffix) => prefix + suffix)
const nsRef = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...REF_KINDS), nsName()).map(([kind, name]) => `${kind}:${name}`) },
    // Refs that do not parse: they must fail before any broker sees them.
    { weight: 1, arbitrary: fc.constantFrom('nokind', `:${prefix}x`, `bogus:${prefix}x`, 'stream:', `QUEUE:${prefix}q-classic`) },
  )
const connectionIds = (keys: readonly ConnectionKey[]) => fc.constantFrom(...keys).map((key) => ids[key])
/**
 * Scopes for either broker: on RabbitMQ each is the test vhost or one that does not exist ('0' is
 * checked to be absent before the run); on Redis only database 0 is a database, the rest are refused.
 */
const scopes = () => fc.constantFrom<string | undefined>(undefined, vhost.name, absentVhost, '0', '', absentDigits)

/** Headers whose `qs-origin` (where a replay "to origin" writes) names a key under the prefix. */
function inNamespace(headers: unknown): unknown {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || !Object.hasOwn(headers, ORIGIN_HEADER)) return headers
  return ownObject([...Object.entries(headers).filter(([key]) => key !== ORIGIN_HEADER), [ORIGIN_HEADER, `stream:${prefix}s`]])
}

function overrideFor(channel: CallChannel): (path: readonly string[], schema: z.core.$ZodType) => Override | undefined {
  return (path, schema) => {
    if (path.length === 0 && channel === 'connection:connect') return connectOverride()
    if (WRAPPERS.has(schema._zod.def.type)) return undefined
    const key = path.at(-1)
    const generic = lazyZodArbitrary(schema)
    // Invalid here: not a string, or longer than any of these fields allows (a source or target that long has no colon, so it does not parse either).
    const only = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(null, 7, [], {}, 'q'.repeat(5_000))): Override => ({
      valid: valid.filter((v) => (schema as z.ZodType).safeParse(v).success),
      invalid,
    })
    const mix = (specific: fc.Arbitrary<unknown>): Override => ({
      valid: fc.oneof({ weight: 6, arbitrary: only(specific).valid }, { weight: 1, arbitrary: generic.valid }),
      invalid: generic.invalid,
    })
    const type = schema._zod.def.type
    if (key === 'connectionId') return mix(connectionIds(channel === 'connection:disconnect' ? SACRIFICIAL : [...KEPT, ...SACRIFICIAL]))
    if (key === 'id' && channel.startsWith('profiles:')) return mix(connectionIds(channel === 'profiles:test' ? [...KEPT, ...SACRIFICIAL] : SACRIFICIAL))
    if ((key === 'id' && (channel.startsWith('replay:') || channel === 'sources:cancel')) || key === 'discoveryId') return mix(fc.constantFrom('r1', 'r2'))
    if (key === 'tailId') return mix(fc.nat().map((i) => [...harness.tails, 'nope'][i % (harness.tails.size + 1)]!))
    if ((key === 'source' || key === 'target') && type === 'string') return only(nsRef())
    if (key === 'pattern' && type === 'string') return only(fc.constantFrom('*', 's*', '[sl]', '?', '\\*').map((glob) => prefix + glob))
    if (key === 'confirm') return mix(fc.oneof(nsName(), fc.constantFrom(...SUFFIXES)))
    if (key === 'group' || key === 'sourceGroup') return mix(fc.constantFrom('g', 'nope'))
    if (key === 'headers') return { valid: generic.valid.map(inNamespace), invalid: generic.invalid.map(inNamespace) }
    if (key === 'url') return only(fc.constantFrom(...urls), fc.constantFrom<unknown>('', ' ', 5, null, 'q'.repeat(2049)))
    if (key === 'managementUrl')
      return only(fc.constantFrom(MANAGEMENT_URL, 'http://127.0.0.1:1', 'ftp://x'), fc.constantFrom<unknown>(5, null, 'q'.repeat(2049)))
    if (key === 'path')
      return only(
        fc
          .constantFrom('fresh', 'import', 'directory', 'missing')
          .map((kind) => (kind === 'fresh' ? harness.freshPath() : kind === 'import' ? importFile : kind === 'directory' ? tmp : join(tmp, 'missing.ndjson'))),
      )
    // Bounded rates: a replay paced at one message an hour is legitimate, and would only wait.
    if (key === 'rate') return only(fc.constantFrom(100, 10_000, 1e6))
    return undefined
  }
}

/** Only the sacrificial profiles, on the test vhost, an absent one or Redis database 0; any other id is junk that names no profile. */
function connectOverride(): Override {
  const junk = fc.constantFrom('nope', '', ' ', '__proto__')
  return {
    valid: fc.record(
      {
        profileId: fc.oneof(
          connectionIds(SACRIFICIAL),
          junk.filter((s) => s.length > 0),
        ),
        scope: scopes(),
      },
      { requiredKeys: ['profileId'] },
    ),
    invalid: fc.oneof(
      fc.record({ profileId: fc.constantFrom<unknown>('', 5, null, []), scope: scopes() }),
      fc.record({ profileId: connectionIds(SACRIFICIAL), scope: fc.constantFrom<unknown>('q'.repeat(256), 5, null, []) }),
      fc.constantFrom<unknown>(null, [], 'x', {}),
    ),
  }
}

/**
 * Refuses a payload that names something outside the namespace, before it is sent: a slip in
 * the generator must fail this test, never touch someone else's keys.
 */
function namespaceGuard(channel: string, payload: unknown): void {
  // Only what gets past the boundary reaches a broker.
  if (!Object.hasOwn(calls, channel) || payloadShapeProblem(payload)) return
  try {
    if (!calls[channel as CallChannel].request.safeParse(payload).success) return
  } catch {
    return
  }
  const stack: unknown[] = [payload]
  for (let seen = 0; stack.length > 0 && seen < 10_000; seen++) {
    const value = stack.pop()
    if (typeof value !== 'object' || value === null) continue
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'string' && (key === 'source' || key === 'target')) {
        let name: string | null = null
        try {
          name = parseSourceRef(child).name
        } catch {}
        if (name !== null && !name.startsWith(prefix)) throw new Error(`generator left the namespace: ${channel} ${key} ${child}`)
      }
      if (typeof child === 'string' && key === 'pattern' && !child.startsWith(prefix))
        throw new Error(`generator left the namespace: ${channel} pattern ${child}`)
      if (typeof child === 'string' && key === ORIGIN_HEADER && !child.includes(prefix))
        throw new Error(`generator left the namespace: ${channel} ${ORIGIN_HEADER} ${child}`)
      if (typeof child === 'string' && key === 'url' && URL.canParse(child) && !urls.includes(child))
        throw new Error(`generator named another broker: ${channel} url ${child}`)
      if (typeof child === 'object' && child !== null) stack.push(child)
    }
  }
  if (channel === 'connection:connect' && typeof payload === 'object' && payload !== null) {
    const { profileId, scope } = payload as { profileId?: unknown; scope?: unknown }
    const sacrificial = SACRIFICIAL.some((key) => ids[key] === profileId)
    const kept = KEPT.some((key) => ids[key] === profileId)
    if (kept) throw new Error(`generator reopened a kept connection: ${preview(payload)}`)
    if (sacrificial && typeof scope === 'string' && ![vhost.name, absentVhost, absentDigits, '0', ''].includes(scope))
      throw new Error(`generator switched to another vhost or database: ${preview(payload)}`)
  }
}

// ---------------------------------------------------------------------------------------------

/** Seeded sources of each broker, by the kinds each channel takes there first. */
const SEEDED: Record<'rabbitmq' | 'redis', string[]> = {
  rabbitmq: ['queue:q-classic', 'queue:q-quorum', 'queue:q-limit', 'queue:q-stream', 'exchange:x-topic'],
  redis: ['stream:s', 'list:l', 'channel:s', 'bullmq:bq'],
}
const PREFERRED: Partial<Record<CallChannel, string[]>> = {
  'streams:entry': ['stream:'],
  'streams:pending': ['stream:'],
  'streams:claim': ['stream:'],
  'streams:ack': ['stream:'],
  'redis:write': ['stream:', 'list:'],
  'bullmq:jobs': ['bullmq:'],
  'bullmq:retry': ['bullmq:'],
  'bullmq:clean': ['bullmq:'],
  'sources:purge': ['queue:'],
  'messages:peek': ['queue:', 'stream:', 'list:'],
  'messages:export': ['queue:', 'stream:', 'list:'],
  'replay:start': ['queue:', 'stream:', 'list:'],
}

function brokerOf(connectionId: unknown): 'rabbitmq' | 'redis' | null {
  const status = t.core.workspace.statuses().find((s) => s.connectionId === connectionId)
  return status?.state === 'open' ? t.core.workspace.adapter(status.connectionId).adapter.broker : null
}

/**
 * Half the valid payloads name a seeded source of the right kind for their connection's broker
 * (a stream for XPENDING, a queue on RabbitMQ), so calls get past "wrong kind" to the broker.
 */
function coherent(channel: CallChannel, valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.boolean(), fc.nat()).map(([payload, align, n]) => {
    if (!align || typeof payload !== 'object' || payload === null) return payload
    const refFor = (connectionId: unknown): string | null => {
      const broker = brokerOf(connectionId)
      if (!broker) return null
      const preferred = SEEDED[broker].filter((ref) => PREFERRED[channel]?.some((kind) => ref.startsWith(kind)) ?? true)
      const choices = preferred.length > 0 ? preferred : SEEDED[broker]
      const ref = choices[n % choices.length]!
      return ref.replace(':', `:${prefix}`)
    }
    const out: Record<string, unknown> = { ...payload }
    const p = payload as { connectionId?: unknown; source?: unknown; target?: unknown; to?: unknown }
    if (typeof p.source === 'string') out['source'] = refFor(p.connectionId) ?? p.source
    if (typeof p.target === 'string') out['target'] = refFor(p.connectionId) ?? p.target
    if (typeof p.to === 'object' && p.to !== null && typeof (p.to as { target?: unknown }).target === 'string') {
      const to = p.to as { connectionId?: unknown; target: string }
      out['to'] = { ...to, target: refFor(to.connectionId) ?? to.target }
    }
    return out
  })
}

const arbitraries = new Map<CallChannel, Record<Kind, fc.Arbitrary<Case>>>()
function arbitrariesOf(channel: CallChannel): Record<Kind, fc.Arbitrary<Case>> {
  let built = arbitraries.get(channel)
  if (!built) {
    const { valid, invalid } = zodArbitrary(calls[channel].request, { override: overrideFor(channel), maxItems: 3 })
    built = { valid: withMatchingConfirm(coherent(channel, valid)).map(asCase), invalid: invalid.map(asCase) }
    arbitraries.set(channel, built)
  }
  return built
}

/** A kept connection that is not open any more was broken by the call just made. */
function keptStillOpen(where: string, payload: unknown): void {
  if (broken.length > 0) throw new Error(`${where} broke a kept connection: ${broken.join('; ')}\npayload: ${preview(payload)}`)
}

describe('contract fuzz (real RabbitMQ and Redis)', () => {
  it('every channel, valid and invalid payloads, remote and local: typed answers, never INTERNAL', { timeout: 600_000 }, async () => {
    let seed = SEED
    for (const channel of CALL_CHANNELS) {
      for (const caller of ['remote', 'local'] as Caller[]) {
        for (const kind of ['valid', 'invalid'] as Kind[]) {
          await fc.assert(
            fc.asyncProperty(arbitrariesOf(channel)[kind], async ({ payload }) => {
              await harness.check(caller, channel, payload, kind)
              keptStillOpen(`${channel} (${caller}, ${kind})`, payload)
              if (DISTURBING.has(channel)) await restore()
            }),
            { numRuns: RUNS, seed: seed++ },
          )
        }
      }
    }
  })

  it('random sequences of calls, run at once', { timeout: 600_000 }, async () => {
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
      fc.asyncProperty(fc.array(oneCall, { minLength: 2, maxLength: 6 }), async (sequence) => {
        await Promise.all(sequence.map(({ channel, kind, caller, payload }) => harness.check(caller, channel, payload, kind, 'sequences')))
        keptStillOpen(
          'a sequence',
          sequence.map((c) => c.payload),
        )
        await restore()
      }),
      { numRuns: RUNS * 2, seed: SEED },
    )
  })

  it('raw hostile payloads on every channel, with real connections open', { timeout: 120_000 }, async () => {
    for (const { payload } of rawHostilePayloads(ids.rabbit, `queue:${prefix}q-classic`)) {
      for (const channel of CALL_CHANNELS) {
        // The structured raw payloads name a kept connection; they must not reopen it.
        if (channel === 'connection:connect') continue
        await harness.check('remote', channel, payload, 'raw', 'raw')
      }
    }
    keptStillOpen('raw payloads', null)
    await restore()
  })

  it('afterwards: the kept connections are open and browsing works', { timeout: 60_000 }, async () => {
    await harness.stopTails()
    const statuses = t.core.workspace.statuses()
    for (const key of KEPT)
      expect(
        statuses.find((s) => s.connectionId === ids[key]),
        key,
      ).toMatchObject({ state: 'open' })
    expect(broken).toEqual([])
    const queues = await t.ok<SourceList>('sources:list', { connectionId: ids.rabbit, filter: SENTINEL })
    expect(queues.items.map((i) => i.name)).toContain(prefix + SENTINEL)
    const browsed = await t.ok<PeekResult>('messages:peek', { connectionId: ids.rabbit, source: `queue:${prefix}${SENTINEL}` })
    expect(browsed.messages.map((m) => m.body)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}'])
    const stream = await t.ok<PeekResult>('messages:peek', { connectionId: ids.redis, source: `stream:${prefix}${SENTINEL}` })
    expect(stream.messages).toHaveLength(3)
    const keys = await t.ok<SourceList>('sources:list', { connectionId: ids.redis, pattern: `${prefix}*` })
    expect(keys.items.map((i) => i.name)).toContain(prefix + SENTINEL)
  })

  it('no unhandled rejection, uncaught exception or process warning during the run', () => {
    expect(processFaults.faults).toEqual([])
  })
})
