/**
 * A fake broker connection with every optional capability, for fuzzing the core through the
 * contract without a broker: what it answers is generated from the contract's own result schemas
 * (so the core's handling of any well-formed adapter answer is fuzzed too), and its readers hand
 * out messages with hostile headers and bodies. Deterministic for a given seed. Broker behaviour
 * itself is tested against real brokers, never here.
 */
import fc from 'fast-check'
import type { BrokerDescription } from '../shared/capabilities'
import { rabbitRouting, RABBITMQ_DESCRIPTION } from '../main/brokers/rabbitmq/rabbitmq.capabilities'
import { REDIS_DESCRIPTION, redisRouting } from '../main/brokers/redis/redis.capabilities'
import type { z } from 'zod'
import { QsError } from '../shared/errors'
import type { Broker } from '../shared/model'
import { sourceListSchema } from '../shared/model'
import { brokerOverviewSchema } from '../shared/broker-overview'
import { peekResultSchema, type PeekResult, type PurgeResult } from '../shared/messages'
import type { PublishRequestParsed, PublishResult } from '../shared/publish'
import { sourceSampleSchema, type SourceSample } from '../shared/metrics'
import { sourceDetailsSchema, type SourceDetails } from '../shared/topology'
import { bullmqCleanResultSchema, bullmqJobsSchema, bullmqRetryResultSchema } from '../shared/bullmq'
import { ackResultSchema, claimResultSchema, pendingResultSchema, redisWriteResultSchema } from '../shared/streams'
import { tailMessageSchema } from '../shared/tail'
import type { SourceRef } from '../shared/source-ref'
import type { AdapterConfig, AdapterFactory, BrokerAdapter, ConnectInfo, TailHandle, TailOptions, TailSink } from '../main/brokers/adapter'
import type { BatchReader, ReaderOptions, ReadMessage, ReplayMessage, ReplayRouting, Route, TargetWriter, WriteResult } from '../main/brokers/replay'
import { zodArbitrary } from './zod-arbitrary'

/** Answers drawn from schemas, one seed after another: the same run gives the same answers. */
export class SchemaSampler {
  private readonly arbitraries = new Map<z.ZodType, fc.Arbitrary<unknown>>()
  private next: number

  constructor(seed: number) {
    this.next = seed
  }

  sample<S extends z.ZodType>(schema: S): z.output<S> {
    let arbitrary = this.arbitraries.get(schema)
    if (!arbitrary) {
      arbitrary = zodArbitrary(schema, { maxItems: 3, maxLazyDepth: 2 }).valid
      this.arbitraries.set(schema, arbitrary)
    }
    const [value] = fc.sample(arbitrary, { seed: this.next++, numRuns: 1 })
    return schema.parse(value)
  }
}

/** Messages a reader hands out: JSON, binary and empty bodies; headers named like Object.prototype's members. */
export function hostileMessages(): ReplayMessage[] {
  const headers = (extra: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { 'qs-origin': 'queue:orders', nested: { a: [1, { b: null }] }, ...extra }
    Object.defineProperty(out, '__proto__', { value: { polluted: 'yes' }, enumerable: true, writable: true, configurable: true })
    return out
  }
  return [
    {
      body: Buffer.from('{"customer":{"id":7},"lines":[{"sku":"a"}]}'),
      properties: { messageId: 'm-1', contentType: 'application/json' },
      headers: headers({ constructor: 'x' }),
    },
    { body: Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]), properties: { messageId: 'm-2', deliveryMode: 2, priority: 9 }, headers: headers({ toString: 1 }) },
    {
      body: Buffer.alloc(0),
      properties: {},
      headers: headers({ 'x-death': [{ reason: 'rejected', count: 1, queue: 'q', exchange: '', 'routing-keys': ['q'] }] }),
    },
    { body: Buffer.from('\u001b]0;pwned\u0007 ☃ 😀'), properties: { messageId: '__proto__', type: 'constructor' }, headers: headers({}) },
  ]
}

class FuzzReader implements BatchReader {
  readonly removable = true
  readonly lost = false
  readonly available: number
  private position = 0
  private closed = false

  constructor(
    private readonly messages: ReadMessage[],
    private readonly limit: number | undefined,
    private readonly onAck: () => void,
  ) {
    this.available = messages.length
  }

  async read(max: number): Promise<ReadMessage[]> {
    if (this.closed) throw new Error('read after close')
    const end = Math.min(this.messages.length, this.position + Math.max(0, max), this.limit ?? Infinity)
    const batch = this.messages.slice(this.position, end)
    this.position = Math.max(this.position, end)
    return batch
  }
  ack(messages: readonly ReadMessage[]): void {
    if (messages.length > 0) this.onAck()
  }
  release(): void {}
  async close(): Promise<void> {
    this.closed = true
  }
}

/** Every second write comes back unroutable, and a route that names no target on Redis is refused. */
class FuzzWriter implements TargetWriter {
  readonly inFlight = 0
  readonly waits = 0
  private count = 0

  constructor(private readonly broker: Broker) {}

  async write(_message: ReplayMessage, route: Route): Promise<WriteResult> {
    if (this.broker === 'redis' && !route.target && !route.routingKey) throw new QsError('BAD_REQUEST', 'no target for this message')
    return this.count++ % 2 === 0 ? { routed: true } : { routed: false, reason: 'NO_ROUTE' }
  }
  async close(): Promise<void> {}
}

export class FuzzAdapter implements BrokerAdapter {
  lost: ((error: Error) => void) | null = null
  closed = false
  /** Calls that would change the broker (publish, purge, acks, deletes, a writer opened): none may reach a read-only connection. */
  writes: string[] = []
  /** The real broker's description and routes: the core's answers depend on them, not on the broker's name. */
  readonly description: BrokerDescription
  readonly routing: ReplayRouting

  constructor(
    readonly broker: Broker,
    private readonly sampler: SchemaSampler,
    private readonly outcome: ConnectInfo | QsError = { server: `Fuzz ${broker}`, warnings: [] },
  ) {
    this.description = broker === 'rabbitmq' ? RABBITMQ_DESCRIPTION : REDIS_DESCRIPTION
    this.routing = broker === 'rabbitmq' ? rabbitRouting : redisRouting
  }

  async connect(): Promise<ConnectInfo> {
    if (this.outcome instanceof QsError) throw this.outcome
    return this.outcome
  }
  onLost(listener: (error: Error) => void): void {
    this.lost = listener
  }
  async close(): Promise<void> {
    this.closed = true
  }
  async listSources(): Promise<z.output<typeof sourceListSchema>> {
    return this.sampler.sample(sourceListSchema)
  }
  async overview(): Promise<z.output<typeof brokerOverviewSchema>> {
    return this.sampler.sample(brokerOverviewSchema)
  }
  async publish(request: PublishRequestParsed): Promise<PublishResult> {
    this.writes.push('publish')
    return { routed: request.body.length % 2 === 0 }
  }
  async peek(): Promise<PeekResult> {
    return this.sampler.sample(peekResultSchema)
  }
  async purge(): Promise<PurgeResult> {
    this.writes.push('purge')
    return { purged: 0 }
  }
  async sample(): Promise<Map<string, SourceSample>> {
    return new Map([['queue:orders', this.sampler.sample(sourceSampleSchema)]])
  }
  async openReader(_source: SourceRef, options: ReaderOptions = {}): Promise<BatchReader> {
    const messages = hostileMessages().map((message, i): ReadMessage => ({
      ...message,
      id: `${i + 1}-0`,
      redelivered: false,
      exchange: '',
      routingKey: 'orders',
    }))
    const selected = options.ids ? messages.filter((m) => options.ids!.includes(m.id)) : messages
    return new FuzzReader(selected, options.limit, () => this.writes.push('reader ack'))
  }
  async openWriter(): Promise<TargetWriter> {
    this.writes.push('openWriter')
    return new FuzzWriter(this.broker)
  }
  async details(): Promise<SourceDetails> {
    return this.sampler.sample(sourceDetailsSchema)
  }
  async pending(): Promise<z.output<typeof pendingResultSchema>> {
    return this.sampler.sample(pendingResultSchema)
  }
  async claim(): Promise<z.output<typeof claimResultSchema>> {
    this.writes.push('claim')
    return this.sampler.sample(claimResultSchema)
  }
  async ack(): Promise<z.output<typeof ackResultSchema>> {
    this.writes.push('ack')
    return this.sampler.sample(ackResultSchema)
  }
  async write(): Promise<z.output<typeof redisWriteResultSchema>> {
    this.writes.push('write')
    return this.sampler.sample(redisWriteResultSchema)
  }
  async bullmqJobs(): Promise<z.output<typeof bullmqJobsSchema>> {
    return this.sampler.sample(bullmqJobsSchema)
  }
  async bullmqRetry(): Promise<z.output<typeof bullmqRetryResultSchema>> {
    this.writes.push('bullmqRetry')
    return this.sampler.sample(bullmqRetryResultSchema)
  }
  async bullmqClean(): Promise<z.output<typeof bullmqCleanResultSchema>> {
    this.writes.push('bullmqClean')
    return this.sampler.sample(bullmqCleanResultSchema)
  }
  async openTail(_source: SourceRef, _options: TailOptions, sink: TailSink): Promise<TailHandle> {
    // One message as soon as it listens, the way a busy source answers.
    const message = this.sampler.sample(tailMessageSchema)
    queueMicrotask(() => sink.message(message))
    return { stop: async () => undefined }
  }
}

/**
 * Adapters of the broker each profile names. A host named `unreachable` or `badauth` fails to
 * connect the way a real broker would, so connect failures are fuzzed too.
 */
export function fuzzAdapterFactory(seed: number): AdapterFactory & { adapters: FuzzAdapter[] } {
  const sampler = new SchemaSampler(seed)
  const adapters: FuzzAdapter[] = []
  const create = (config: AdapterConfig): FuzzAdapter => {
    const host = config.target.host
    const outcome =
      host === 'unreachable'
        ? new QsError('UNREACHABLE', `connect ECONNREFUSED ${host}`)
        : host === 'badauth'
          ? new QsError('AUTH_FAILED', 'ACCESS_REFUSED')
          : undefined
    const adapter = new FuzzAdapter(config.target.broker, sampler, outcome)
    adapters.push(adapter)
    return adapter
  }
  return Object.assign(create, { adapters })
}
