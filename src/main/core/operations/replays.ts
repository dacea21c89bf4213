import { randomUUID } from 'node:crypto'
import { QsError } from '../../../shared/errors'
import { type ReplayProgress, type ReplayReport, type ReplayRequestParsed } from '../../../shared/replay'
import { formatSourceRef, parseSourceRef, type SourceRef } from '../../../shared/source-ref'
import type { BatchReader, TargetWriter } from '../../brokers/replay'
import { assertConnectionWritable, readConsent } from '../guard'
import type { ReadPurpose } from '../../brokers/read-purpose'
import type { Workspace } from '../workspace'
import { DEFAULT_REPLAY_WINDOW, DEFAULT_REPLAY_WINDOW_BYTES, runReplay, type ReplayPlan, type RouteChoice } from './replay.engine'
import type { JournalEntry, ReplayJournal } from './replay.journal'

/**
 * Replays as a core operation: resolves source and target over the workspace's open connections,
 * applies the read-only guard and the typed confirmation, runs the engine, reports progress, keeps
 * a cancel handle per running replay, and journals every replay.
 */
export class ReplayService {
  private readonly running = new Map<string, AbortController>()
  private readonly progressListeners = new Set<(progress: ReplayProgress) => void>()

  constructor(
    private readonly workspace: Workspace,
    private readonly journal: ReplayJournal,
  ) {}

  onProgress(listener: (progress: ReplayProgress) => void): () => void {
    this.progressListeners.add(listener)
    return () => this.progressListeners.delete(listener)
  }

  /** Runs a replay to its end (or cancel) and resolves with its report. */
  async run(request: ReplayRequestParsed & { id?: string }, onProgress?: (progress: ReplayProgress) => void): Promise<ReplayReport> {
    const id = request.id ?? randomUUID()
    if (this.running.has(id)) throw new QsError('BAD_REQUEST', `a replay with id "${id}" is already running`)
    const sourceRef = parseSourceRef(request.source)
    const source = formatSourceRef(sourceRef)
    if (request.sourceGroup !== undefined && sourceRef.kind !== 'stream') {
      throw new QsError('BAD_REQUEST', `a consumer group's pending entries come from a Redis stream (stream:<key>), not ${sourceRef.kind}:…`)
    }
    const { adapter: sourceAdapter } = this.workspace.adapter(request.connectionId)
    const to = request.to
    const targetConnection = 'target' in to ? to.connectionId : (to.connectionId ?? request.connectionId)
    const { adapter: targetAdapter } = this.workspace.adapter(targetConnection)
    if (!sourceAdapter.openReader) throw new QsError('UNSUPPORTED', `replaying from ${sourceAdapter.description.label} sources is not supported`)
    const { openWriter, routing } = targetAdapter
    if (!openWriter || !routing) throw new QsError('UNSUPPORTED', `replaying into ${targetAdapter.description.label} is not supported`)
    // The target broker routes: into the named target, or each message back to its origin.
    let route: RouteChoice
    let target: string
    let targetRef: SourceRef | undefined
    if ('target' in to) {
      targetRef = parseSourceRef(to.target)
      route = { kind: 'fixed', ...routing.targetRoute(targetRef, to.routingKey ?? null) }
      target = formatSourceRef(targetRef)
    } else {
      route = { kind: 'origin', routing }
      target = routing.originTarget
    }

    if (!request.dryRun) {
      assertConnectionWritable(this.workspace, targetConnection, 'replaying into it')
      if (request.mode === 'move') {
        assertConnectionWritable(this.workspace, request.connectionId, 'moving messages out of it')
        // The typed confirmation (docs/semantics.md): a move removes messages from the source.
        if (request.confirm !== sourceRef.name) {
          throw new QsError(
            'BAD_REQUEST',
            `move not confirmed: type the source name "${sourceRef.name}" exactly to move its messages (got "${request.confirm ?? ''}")`,
          )
        }
      }
    }

    const plan: ReplayPlan = {
      id,
      mode: request.mode,
      dryRun: request.dryRun,
      source,
      target,
      targetConnection,
      route,
      limit: request.limit,
      rate: request.rate,
      filters: request.filters,
      messageIds: request.messageIds,
      window: DEFAULT_REPLAY_WINDOW,
      windowBytes: DEFAULT_REPLAY_WINDOW_BYTES,
    }
    const controller = new AbortController()
    this.running.set(id, controller)
    let reader: BatchReader | null = null
    let writer: TargetWriter | null = null
    try {
      // With a group, the pending entries (a move XACKs each once the target confirmed it; the
      // target may be the stream itself, since re-added entries get new ids).
      reader = await sourceAdapter.openReader(sourceRef, {
        window: DEFAULT_REPLAY_WINDOW,
        windowBytes: DEFAULT_REPLAY_WINDOW_BYTES,
        limit: request.limit,
        purpose: readPurpose(request),
        consent: readConsent(this.workspace, request.connectionId, request.acceptDeliveryLimitRisk),
        ...(request.sourceGroup === undefined ? {} : { group: request.sourceGroup, ids: request.messageIds }),
      })
      if (!request.dryRun) writer = await openWriter.call(targetAdapter, targetRef)
      await this.journal.append({
        type: 'start',
        id,
        at: Date.now(),
        source,
        sourceConnection: request.connectionId,
        target,
        targetConnection,
        mode: request.mode,
        dryRun: request.dryRun,
        filters: request.filters,
        limit: request.limit,
      })
      const report = await runReplay(plan, {
        reader,
        writer,
        signal: controller.signal,
        onProgress: (progress) => {
          onProgress?.(progress)
          for (const listener of this.progressListeners) listener(progress)
        },
        onReplayed: (ids) => void this.journal.append({ type: 'ids', id, at: Date.now(), ids }).catch(() => undefined),
      })
      await this.journal.append({ type: 'end', id, at: Date.now(), report }).catch(() => undefined)
      return report
    } catch (err) {
      await reader?.close().catch(() => undefined)
      await writer?.close().catch(() => undefined)
      throw err
    } finally {
      this.running.delete(id)
    }
  }

  /** Stops a running replay cleanly: in-flight messages settle, the rest stays in the source. */
  cancel(id: string): boolean {
    const controller = this.running.get(id)
    controller?.abort()
    return controller !== undefined
  }

  get journalPath(): string {
    return this.journal.path
  }

  list(): Promise<JournalEntry[]> {
    return this.journal.list()
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort()
  }
}

/**
 * What a replay does with what it reads: a dry run and a copy give everything back, a move with
 * filters or a selection gives back what it does not take, a plain move takes all it reads.
 */
function readPurpose(request: ReplayRequestParsed): ReadPurpose {
  if (request.dryRun) return 'dry run'
  if (request.mode === 'copy') return 'copy'
  return request.filters.length > 0 || request.messageIds !== undefined ? 'move' : 'consume'
}
