/**
 * A scripted stand-in for a broker *connection*, for pure-logic tests of the workspace and the
 * contract handlers (docs/coding.md "Tests": fakes of the connection, not of the app). Broker behaviour itself
 * is only ever tested against real brokers.
 */
import { QsError } from '../shared/errors'
import type { SourceList } from '../shared/model'
import type { BrokerOverview } from '../shared/broker-overview'
import type { PeekResult, PurgeResult } from '../shared/messages'
import type { PublishRequestParsed, PublishResult } from '../shared/publish'
import type { SourceRef } from '../shared/source-ref'
import type { AdapterFactory, BrokerAdapter, ConnectInfo } from '../main/brokers/adapter'
import { RABBITMQ_DESCRIPTION } from '../main/brokers/rabbitmq/rabbitmq.capabilities'

export class FakeAdapter implements BrokerAdapter {
  readonly broker = 'rabbitmq' as const
  readonly description = RABBITMQ_DESCRIPTION
  lost: ((error: Error) => void) | null = null
  closed = false
  published: PublishRequestParsed[] = []
  purged: SourceRef[] = []
  constructor(private readonly outcome: () => ConnectInfo | QsError) {}

  async connect(): Promise<ConnectInfo> {
    const result = this.outcome()
    if (result instanceof QsError) throw result
    return result
  }
  onLost(listener: (error: Error) => void): void {
    this.lost = listener
  }
  async close(): Promise<void> {
    this.closed = true
  }
  async listSources(): Promise<SourceList> {
    return { items: [], warnings: [], scope: 'fake', listedAt: 0 }
  }
  async overview(): Promise<BrokerOverview> {
    return {
      scope: '/',
      scopeKind: 'vhost',
      scopes: [{ name: '/', items: null }],
      counts: { connections: null, channels: null, consumers: null, scope: 'vhost /' },
      warnings: [],
    }
  }
  async publish(request: PublishRequestParsed): Promise<PublishResult> {
    this.published.push(request)
    return { routed: true }
  }
  async peek(): Promise<PeekResult> {
    return { messages: [], warnings: [] }
  }
  async purge(source: SourceRef): Promise<PurgeResult> {
    this.purged.push(source)
    return { purged: 0 }
  }
}

/** A factory whose successive connects follow `script` (the last entry repeats). */
export function scriptedFactory(script: (ConnectInfo | QsError)[]): AdapterFactory & { adapters: FakeAdapter[] } {
  const adapters: FakeAdapter[] = []
  let step = 0
  const factory = (() => {
    const outcome = script[Math.min(step++, script.length - 1)]!
    const adapter = new FakeAdapter(() => outcome)
    adapters.push(adapter)
    return adapter
  }) as unknown as AdapterFactory & { adapters: FakeAdapter[] }
  factory.adapters = adapters
  return factory
}
