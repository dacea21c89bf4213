import { describe, expect, it } from 'vitest'
import type { PeekedMessage } from '../../../shared/messages'
import type { ReplayReport } from '../../../shared/replay'
import {
  buildReplayRequest,
  canSelectForReplay,
  describeJournalResult,
  describeJournalTarget,
  describeProgress,
  describeReport,
  describeReportHeadline,
  describeRoute,
  failureReasons,
  fitTargetKind,
  filterProblem,
  formatDuration,
  initialReplayDraft,
  journalNewestFirst,
  otherTargetConnectionName,
  replayActionLabel,
  replayTargetConnections,
  replayTargetKinds,
  selectedOnPage,
  sourceCountText,
  targetKindText,
  targetNameSuggestions,
} from './replay.selectors'
import { capabilitiesOf } from '../../../shared/capabilities'
import { KEY_BROKER, profile, QUEUE_BROKER, queue, status, stream } from './test-data'

const CONTEXT = { connectionId: 'p1', source: 'queue:orders.dlq', messageIds: null }

function report(overrides: Partial<ReplayReport> = {}): ReplayReport {
  return {
    id: 'r1',
    mode: 'move',
    dryRun: false,
    source: 'queue:orders.dlq',
    target: 'origin (each message’s x-death)',
    total: 20,
    scanned: 20,
    published: 20,
    acknowledged: 20,
    failed: 0,
    skipped: 0,
    left: 0,
    duplicates: 0,
    cancelled: false,
    failures: [],
    preview: [],
    startedAt: 0,
    finishedAt: 2000,
    ...overrides,
  }
}

function message(id: string, messageId?: string): PeekedMessage {
  return {
    id,
    body: '{}',
    encoding: 'utf8',
    size: 2,
    redelivered: false,
    properties: messageId === undefined ? {} : { messageId },
    headers: {},
  } as PeekedMessage
}

describe('replay selectors', () => {
  it('turns the form into a replay:start request: back to origin, all that are there, no filters', () => {
    expect(buildReplayRequest(initialReplayDraft('p1', QUEUE_BROKER, capabilitiesOf(QUEUE_BROKER, { kind: 'queue' })), CONTEXT, { dryRun: true })).toEqual({
      request: { connectionId: 'p1', source: 'queue:orders.dlq', to: { toOrigin: true, connectionId: 'p1' }, mode: 'move', filters: [], dryRun: true },
    })
  })

  it('carries the delivery-limit acceptance only once the user gave it', () => {
    const built = buildReplayRequest(
      { ...initialReplayDraft('p1', QUEUE_BROKER, capabilitiesOf(QUEUE_BROKER, { kind: 'queue' })), acceptDeliveryLimitRisk: true },
      CONTEXT,
      { dryRun: true },
    )
    expect(built).toMatchObject({ request: { acceptDeliveryLimitRisk: true } })
    expect(
      buildReplayRequest(initialReplayDraft('p1', QUEUE_BROKER, capabilitiesOf(QUEUE_BROKER, { kind: 'queue' })), CONTEXT, { dryRun: true }),
    ).not.toMatchObject({
      request: { acceptDeliveryLimitRisk: expect.anything() },
    })
  })

  it('reads limit, rate, an exchange target with routing key, filters, the selection and the confirmation', () => {
    const draft = {
      ...initialReplayDraft('p1', QUEUE_BROKER, capabilitiesOf(QUEUE_BROKER, { kind: 'queue' })),
      targetKind: 'exchange' as const,
      targetConnectionId: 'p2',
      targetName: ' orders ',
      routingKey: 'order.created',
      mode: 'copy' as const,
      limit: '50',
      rate: '12.5',
      filters: [
        { field: 'header' as const, name: ' tenant ', op: 'equals' as const, value: 'acme' },
        { field: 'xDeathReason' as const, name: 'ignored', op: 'exists' as const, value: 'ignored' },
      ],
    }
    expect(buildReplayRequest(draft, { ...CONTEXT, messageIds: ['a', 'b'] }, { dryRun: false, confirm: 'orders.dlq' })).toEqual({
      request: {
        connectionId: 'p1',
        source: 'queue:orders.dlq',
        to: { connectionId: 'p2', target: 'exchange:orders', routingKey: 'order.created' },
        mode: 'copy',
        limit: 50,
        rate: 12.5,
        filters: [
          { field: 'header', name: 'tenant', op: 'equals', value: 'acme' },
          { field: 'xDeathReason', name: '', op: 'exists', value: '' },
        ],
        messageIds: ['a', 'b'],
        dryRun: false,
        confirm: 'orders.dlq',
      },
    })
  })

  it('an empty routing key keeps each message’s own (absent from the request)', () => {
    const built = buildReplayRequest(
      { ...initialReplayDraft('p1', QUEUE_BROKER, capabilitiesOf(QUEUE_BROKER, { kind: 'queue' })), targetKind: 'exchange', targetName: 'x' },
      CONTEXT,
      { dryRun: true },
    )
    expect(built).toMatchObject({ request: { to: { connectionId: 'p1', target: 'exchange:x' } } })
    expect('request' in built && 'routingKey' in built.request.to).toBe(false)
  })

  it('says what is wrong with the form instead of sending it', () => {
    const draft = initialReplayDraft('p1', QUEUE_BROKER, capabilitiesOf(QUEUE_BROKER, { kind: 'queue' }))
    expect(buildReplayRequest({ ...draft, limit: '0' }, CONTEXT, { dryRun: true })).toEqual({
      problem: expect.stringMatching(/^Limit: a whole number above 0/),
    })
    expect(buildReplayRequest({ ...draft, limit: '2.5' }, CONTEXT, { dryRun: true })).toHaveProperty('problem')
    expect(buildReplayRequest({ ...draft, rate: 'fast' }, CONTEXT, { dryRun: true })).toEqual({ problem: expect.stringMatching(/^Rate:/) })
    expect(buildReplayRequest({ ...draft, targetKind: 'queue' }, CONTEXT, { dryRun: true })).toEqual({ problem: 'Name the target queue' })
    expect(buildReplayRequest({ ...draft, targetKind: 'queue', targetName: 'orders.dlq' }, CONTEXT, { dryRun: true })).toEqual({
      problem: expect.stringMatching(/the source queue itself/),
    })
    // The same name on another connection is another queue.
    expect(buildReplayRequest({ ...draft, targetKind: 'queue', targetName: 'orders.dlq', targetConnectionId: 'p2' }, CONTEXT, { dryRun: true })).toHaveProperty(
      'request',
    )
    expect(buildReplayRequest({ ...draft, filters: [{ field: 'body', name: '', op: 'regex', value: '(' }] }, CONTEXT, { dryRun: true })).toEqual({
      problem: expect.stringMatching(/^Filter 1: .*not a valid regular expression/),
    })
  })

  it('checks each filter row', () => {
    expect(filterProblem({ field: 'header', name: ' ', op: 'equals', value: 'x' })).toBe('name the header')
    expect(filterProblem({ field: 'body', name: '', op: 'contains', value: 'x' })).toBeNull()
    expect(filterProblem({ field: 'xDeathReason', name: '', op: 'equals', value: 'expired' })).toBeNull()
  })

  it('names the main button by what will go', () => {
    expect(replayActionLabel('move', report({ published: 1234 }), '', null)).toBe(`Move ${(1234).toLocaleString()}`)
    expect(replayActionLabel('copy', null, '', 3)).toBe('Copy 3 selected')
    expect(replayActionLabel('move', null, '50', null)).toBe('Move up to 50')
    expect(replayActionLabel('move', null, '', null)).toBe('Move all')
  })

  it('offers every open connection of either broker, the source’s own first', () => {
    const profiles = [
      profile({ id: 'b', name: 'B rabbit', broker: 'rabbitmq' }),
      profile({ id: 'r', name: 'Redis', broker: 'redis' }),
      profile({ id: 'c', name: 'A closed', broker: 'rabbitmq' }),
      profile({ id: 'a', name: 'A rabbit', broker: 'rabbitmq', readOnly: true }),
      profile({ id: 'me', name: 'Z me', broker: 'rabbitmq' }),
    ]
    const statuses = {
      b: status({ connectionId: 'b' }),
      r: status({ connectionId: 'r' }),
      c: status({ connectionId: 'c', state: 'closed' }),
      a: status({ connectionId: 'a' }),
      me: status({ connectionId: 'me' }),
    }
    expect(replayTargetConnections(profiles, statuses, 'me')).toEqual([
      { id: 'me', name: 'Z me', broker: 'rabbitmq', readOnly: false },
      { id: 'a', name: 'A rabbit', broker: 'rabbitmq', readOnly: true },
      { id: 'b', name: 'B rabbit', broker: 'rabbitmq', readOnly: false },
      { id: 'r', name: 'Redis', broker: 'redis', readOnly: false },
    ])
  })

  it('offers the target kinds the target connection describes, origin only where messages can name one', () => {
    const fromQueue = capabilitiesOf(QUEUE_BROKER, { kind: 'queue' })
    const fromStream = capabilitiesOf(KEY_BROKER, { kind: 'stream' })
    const fromList = capabilitiesOf(KEY_BROKER, { kind: 'list' })
    expect(replayTargetKinds(QUEUE_BROKER, fromQueue)).toEqual(['origin', 'queue', 'exchange'])
    expect(replayTargetKinds(KEY_BROKER, fromStream)).toEqual(['origin', 'stream', 'list', 'channel'])
    expect(replayTargetKinds(QUEUE_BROKER, fromList)).toEqual(['queue', 'exchange'])
    expect(replayTargetKinds({ ...QUEUE_BROKER, origin: null }, fromQueue)).toEqual(['queue', 'exchange'])
    expect(replayTargetKinds(null, fromQueue)).toEqual([])
    expect(targetKindText('origin', QUEUE_BROKER)).toEqual(QUEUE_BROKER.origin)
    expect(targetKindText('list', KEY_BROKER)).toEqual({ kind: 'list', label: 'List', hint: 'LPUSH' })
    // Switching the target connection keeps the kind where that connection takes it.
    expect(fitTargetKind('queue', KEY_BROKER, fromStream)).toBe('origin')
    expect(fitTargetKind('origin', QUEUE_BROKER, fromStream)).toBe('origin')
    expect(fitTargetKind('stream', QUEUE_BROKER, fromList)).toBe('queue')
    expect(fitTargetKind('channel', KEY_BROKER, fromQueue)).toBe('channel')
    expect(initialReplayDraft('p1', KEY_BROKER, fromList).targetKind).toBe('stream')
    expect(initialReplayDraft('p1', KEY_BROKER, fromStream).targetKind).toBe('origin')
  })

  it('builds Redis targets, which need a name, and refuses the source itself', () => {
    const redis = { connectionId: 'r1', source: 'stream:orders:dlq', messageIds: null }
    const draft = { ...initialReplayDraft('r1', KEY_BROKER, capabilitiesOf(KEY_BROKER, { kind: 'stream' })), targetKind: 'channel' as const }
    expect(buildReplayRequest(draft, redis, { dryRun: true })).toEqual({ problem: 'Name the target channel' })
    expect(buildReplayRequest({ ...draft, targetKind: 'stream', targetName: 'orders:dlq' }, redis, { dryRun: true })).toEqual({
      problem: 'The target is the source stream itself: pick another target, or back to origin',
    })
    expect(
      buildReplayRequest({ ...draft, targetKind: 'list', targetName: ' jobs ', routingKey: 'ignored' }, redis, { dryRun: false, confirm: 'orders:dlq' }),
    ).toEqual({
      request: {
        connectionId: 'r1',
        source: 'stream:orders:dlq',
        to: { connectionId: 'r1', target: 'list:jobs' },
        mode: 'move',
        filters: [],
        dryRun: false,
        confirm: 'orders:dlq',
      },
    })
    // The same key on another connection is another stream.
    expect(buildReplayRequest({ ...draft, targetKind: 'stream', targetName: 'orders:dlq', targetConnectionId: 'r2' }, redis, { dryRun: true })).toHaveProperty(
      'request',
    )
    expect(
      buildReplayRequest({ ...initialReplayDraft('r1', KEY_BROKER, capabilitiesOf(KEY_BROKER, { kind: 'stream' })), targetConnectionId: 'p1' }, redis, {
        dryRun: true,
      }),
    ).toEqual({
      request: { connectionId: 'r1', source: 'stream:orders:dlq', to: { toOrigin: true, connectionId: 'p1' }, mode: 'move', filters: [], dryRun: true },
    })
  })

  it('says how much the source holds in its own words', () => {
    expect(sourceCountText(queue('q', { ready: 20 }))).toBe('20 ready')
    expect(sourceCountText({ ...stream('s', []), messages: 1200 })).toBe('1,200 entries')
    expect(sourceCountText({ kind: 'list', name: 'l', messages: 1, consumers: null })).toBe('1 item')
    expect(sourceCountText(undefined)).toBeNull()
  })

  it('suggests the target connection’s queues or exchanges by name', () => {
    const items = [
      queue('orders'),
      { kind: 'exchange' as const, name: '', exchangeType: 'direct', durable: true, internal: false, messages: null, consumers: null },
      { kind: 'exchange' as const, name: 'events', exchangeType: 'topic', durable: true, internal: false, messages: null, consumers: null },
    ]
    expect(targetNameSuggestions(items, 'queue')).toEqual(['orders'])
    expect(targetNameSuggestions(items, 'exchange')).toEqual(['events'])
  })

  it('describes progress: scanned of total, rate, ETA', () => {
    expect(describeProgress(null)).toEqual({ fraction: null, scanned: 'Starting…', rate: '—', eta: '' })
    expect(describeProgress({ id: 'r', scanned: 5, total: 20, published: 5, failed: 0, skipped: 0, rate: 339.6, etaMs: 125_000 })).toEqual({
      fraction: 0.25,
      scanned: '5 of 20 scanned',
      rate: '340 msg/s',
      eta: 'about 2 min 5 s left',
    })
    expect(describeProgress({ id: 'r', scanned: 0, total: 0, published: 0, failed: 0, skipped: 0, rate: 0, etaMs: null }).fraction).toBeNull()
    expect(formatDuration(3_600_000 + 4 * 60_000)).toBe('1 h 4 min')
  })

  it('tells a clean move in words', () => {
    expect(describeReport(report()).map((l) => l.text)).toEqual([
      'Moved 20 of 20 messages from queue:orders.dlq to origin (each message’s x-death).',
      '20 messages removed from the source after the target confirmed them.',
      '0 of the 20 left in the source.',
      'Took 2 s; 20 scanned.',
    ])
  })

  it('tells a troubled, cancelled copy in words, with the trouble marked', () => {
    const lines = describeReport(
      report({ mode: 'copy', published: 10, acknowledged: 0, failed: 2, skipped: 3, left: 20, duplicates: 1, cancelled: true, error: 'the target went away' }),
    )
    expect(lines[0]).toEqual({
      text: 'Copied 10 of 20 messages from queue:orders.dlq to origin (each message’s x-death) before it was cancelled.',
      trouble: false,
    })
    const trouble = lines.filter((l) => l.trouble).map((l) => l.text)
    expect(trouble).toEqual([
      'Stopped early: the target went away',
      '2 messages failed and stayed in the source.',
      expect.stringMatching(/^Up to 1 message may now be in both the source and the target/),
    ])
    expect(lines.map((l) => l.text)).toContain('3 messages did not match the filters and stayed in the source.')
  })

  it('groups failure reasons, most common first', () => {
    const failures = [
      { id: 'a', exchange: null, routingKeys: [], size: 1, reason: 'no x-death header' },
      { id: 'b', exchange: '', routingKeys: ['q'], size: 1, reason: 'unroutable' },
      { id: 'c', exchange: null, routingKeys: [], size: 1, reason: 'no x-death header' },
    ]
    expect(failureReasons(failures)).toEqual([
      { reason: 'no x-death header', count: 2, ids: ['a', 'c'] },
      { reason: 'unroutable', count: 1, ids: ['b'] },
    ])
  })

  it('shows a route as exchange → routing keys', () => {
    expect(describeRoute({ exchange: '', routingKeys: ['orders'] })).toBe('default exchange → orders')
    expect(describeRoute({ exchange: 'events', routingKeys: ['a', 'b'] })).toBe('events → a, b')
    expect(describeRoute({ exchange: null, routingKeys: [] })).toBe('—')
    expect(describeRoute({ exchange: null, routingKeys: [], target: 'stream:orders' })).toBe('stream:orders')
  })

  it('names the target connection in the headline when it is another one', () => {
    const profiles = [profile({ id: 'p1', name: 'Local' }), profile({ id: 'r1', name: 'Local Redis', broker: 'redis' })]
    const there = report({ target: 'stream:orders', targetConnection: 'r1' })
    expect(otherTargetConnectionName(there, 'p1', profiles)).toBe('Local Redis')
    expect(otherTargetConnectionName(there, 'r1', profiles)).toBeNull()
    expect(otherTargetConnectionName(report(), 'p1', profiles)).toBeNull()
    expect(describeReportHeadline(there, 'Local Redis')).toBe('Moved 20 of 20 messages from queue:orders.dlq to stream:orders on Local Redis.')
  })

  it('selects for replay by message id only, and only what is on the page', () => {
    const messages = [message('1', 'a'), message('2'), message('3', 'c')]
    expect(messages.map(canSelectForReplay)).toEqual([true, false, true])
    const selection = { connectionId: 'p1', source: 'queue:q', messageIds: ['c', 'gone'] }
    expect(selectedOnPage(selection, 'p1', 'queue:q', messages)).toEqual(['c'])
    expect(selectedOnPage(selection, 'p1', 'queue:other', messages)).toEqual([])
  })

  it('lists the journal newest first, with results and targets in words', () => {
    const entry = { id: 'x', at: 1, source: 'queue:q', sourceConnection: 'p1', target: 'queue:t on p2', mode: 'move' as const, dryRun: false, filters: [] }
    const listing = { replays: [entry, { ...entry, id: 'y', at: 2 }], journal: '/j' }
    expect(journalNewestFirst(listing).map((e) => e.id)).toEqual(['y', 'x'])
    expect(describeJournalResult(entry)).toMatch(/^no report/)
    expect(describeJournalResult({ ...entry, report: report({ failed: 1, published: 19, left: 1 }) })).toBe('19 moved · 1 failed · 0 skipped · 1 left')
    expect(describeJournalResult({ ...entry, dryRun: true, report: report({ dryRun: true, skipped: 2, published: 18 }) })).toBe(
      'would move 18 · 0 failed · 2 skipped',
    )
    const name = (id: string) => (id === 'p2' ? 'Staging' : id)
    expect(describeJournalTarget({ ...entry, target: 'queue:t', targetConnection: 'p2' }, name)).toBe('queue:t on Staging')
    expect(describeJournalTarget({ ...entry, target: 'queue:t', targetConnection: 'p1' }, name)).toBe('queue:t')
    // Journaled before targetConnection existed: the id was in the target text.
    expect(describeJournalTarget(entry, name)).toBe('queue:t on Staging')
    expect(describeJournalTarget({ ...entry, target: 'origin (each message’s x-death)' }, () => 'never')).toBe('origin (each message’s x-death)')
  })
})
