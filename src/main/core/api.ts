import type { CallChannel, CallRequestParsed, CallResponse } from '../../shared/contract'
import { QsError, toQsErrorShape } from '../../shared/errors'
import { profileTarget } from '../storage/profiles.store'
import { formatSourceRef, parseSourceRef } from '../../shared/source-ref'
import { resolve as resolvePath } from 'node:path'
import type { Route } from '../brokers/replay'
import { exportMessages, importMessages, type ExportLine } from './operations/transfer'
import { DEFAULT_REPLAY_WINDOW_BYTES } from './operations/replay.engine'
import { describeTarget, withScope } from '../../shared/connection-url'
import { sameAudience } from '../../shared/secret-audience'
import type { AdapterConfig, BrokerAdapter } from '../brokers/adapter'
import type { Core } from './core'
import { readConsent } from './guard'
import { fitPage } from './display-limits'
import { openByUrl } from './connect-by-url'

export type Handlers = {
  [C in CallChannel]: (request: CallRequestParsed<C>) => Promise<CallResponse<C>>
}

/** The contract's handlers over a core. Transports call `dispatch`, never these directly. */
export function createApi(core: Core): Handlers {
  const { profiles, workspace } = core
  /** Running Redis discoveries by their id, for sources:cancel. */
  const discoveries = new Map<string, AbortController>()

  /** The adapter of a connection that has the capability `method` belongs to, or a clear UNSUPPORTED error. */
  const requireCapability = <M extends keyof BrokerAdapter>(
    connectionId: string,
    method: M,
    what: string,
  ): BrokerAdapter & Required<Pick<BrokerAdapter, M>> => {
    const { adapter } = workspace.adapter(connectionId)
    if (typeof adapter[method] !== 'function') throw new QsError('UNSUPPORTED', `${what}: not available on a ${adapter.description.label} connection`)
    return adapter as BrokerAdapter & Required<Pick<BrokerAdapter, M>>
  }

  const testConfig = async (config: AdapterConfig) => {
    const started = Date.now()
    const adapter = core.adapterFactory(config)
    try {
      const info = await adapter.connect()
      return { ok: true, server: info.server, latencyMs: Date.now() - started, warnings: info.warnings }
    } catch (err) {
      const { code, message } = toQsErrorShape(err)
      return { ok: false, warnings: [], error: { code, message } }
    } finally {
      await adapter.close().catch(() => undefined)
    }
  }

  return {
    'app:info': async () => ({
      version: core.version,
      mode: core.mode,
      secretStorage: core.secretStorage(),
      configDir: core.configDir,
    }),

    'profiles:list': async () => {
      const stored = await profiles.list()
      return { profiles: await Promise.all(stored.map((p) => profiles.view(p))) }
    },

    'profiles:save': async (input) => {
      const saved = await profiles.save(input)
      return profiles.view(saved)
    },

    'profiles:delete': async ({ id }) => {
      if (workspace.status(id)) await workspace.close(id)
      return { deleted: await profiles.delete(id) }
    },

    'profiles:test': async (request) => {
      if ('id' in request) {
        const profile = await profiles.get(request.id)
        return testConfig(await core.profileConfig(profile))
      }
      // An unsaved profile (already parsed by the contract): its password is the one typed, else
      // the one in the URL, else the stored one when editing, but only for the server and user
      // it was saved for (a test must not send it anywhere else).
      const input = request.profile
      const { target, password: urlPassword } = profileTarget(input)
      const typed = input.password || urlPassword
      if (typed || !input.id) return testConfig({ target, password: typed || null })
      const saved = await profiles.get(input.id)
      if (!sameAudience(profileTarget(saved).target, target)) {
        const result = await testConfig({ target, password: null })
        const why = `the saved password was not sent: it was saved for ${describeTarget(profileTarget(saved).target)}; type it to test ${describeTarget(target)}`
        return { ...result, warnings: [...result.warnings, why] }
      }
      const config = await core.profileConfig(saved)
      return testConfig({ ...config, target })
    },

    'connection:connect': async ({ profileId, scope }) => {
      const profile = await profiles.get(profileId)
      const config = await core.profileConfig(profile)
      // The vhost / database picker re-opens the profile's connection on another scope.
      if (scope !== undefined) config.target = withScope(config.target, scope)
      return workspace.open(profileId, config, { readOnly: profile.readOnly })
    },

    'connection:open': async (request) => openByUrl(core, request),

    'connection:disconnect': async ({ connectionId }) => workspace.close(connectionId),

    'connection:list': async () => ({ connections: workspace.statuses() }),

    'broker:overview': async ({ connectionId }) => workspace.adapter(connectionId).adapter.overview(),

    'sources:list': async ({ connectionId, filter, page, pageSize, pattern, discoveryId }) => {
      const { adapter, warnings } = workspace.adapter(connectionId)
      const controller = new AbortController()
      if (discoveryId) discoveries.set(discoveryId, controller)
      try {
        const list = await adapter.listSources({
          filter,
          page,
          pageSize,
          pattern,
          signal: controller.signal,
          onProgress: discoveryId ? (progress) => core.emit('sources:progress', { ...progress, id: discoveryId, connectionId }) : undefined,
        })
        return { ...list, broker: adapter.broker, warnings: [...new Set([...warnings, ...list.warnings])] }
      } finally {
        if (discoveryId && discoveries.get(discoveryId) === controller) discoveries.delete(discoveryId)
      }
    },

    'sources:cancel': async ({ id }) => {
      const controller = discoveries.get(id)
      controller?.abort()
      return { cancelled: controller !== undefined }
    },

    'streams:entry': async ({ connectionId, source, id }) => {
      const ref = parseSourceRef(source)
      if (ref.kind !== 'stream') throw new QsError('BAD_REQUEST', `streams:entry reads an entry of stream:<key>, not ${ref.kind}:…`)
      const { message, warnings } = await requireCapability(connectionId, 'streamEntry', 'reading a stream entry').streamEntry!(ref.name, id)
      // The same limits as a page: header values cut, and a warning that says what was cut.
      const fitted = fitPage({ messages: [message], warnings })
      return { message: fitted.messages[0]!, warnings: fitted.warnings }
    },
    'streams:pending': async ({ connectionId, ...request }) => requireCapability(connectionId, 'pending', 'pending entries').pending!(request),
    'streams:claim': async ({ connectionId, ...request }) => requireCapability(connectionId, 'claim', 'claiming pending entries').claim!(request),
    'streams:ack': async ({ connectionId, ...request }) => requireCapability(connectionId, 'ack', 'acknowledging pending entries').ack!(request),
    'redis:write': async ({ connectionId, ...request }) => {
      if (request.op !== 'xdel') {
        const ref = parseSourceRef(request.source)
        if (request.confirm !== ref.name) {
          throw new QsError(
            'BAD_REQUEST',
            `not confirmed: type the ${ref.kind} name "${ref.name}" exactly to ${request.op === 'trim' ? 'trim' : 'delete'} it (got "${request.confirm}")`,
          )
        }
      }
      return requireCapability(connectionId, 'write', 'this write').write!(request)
    },
    'bullmq:jobs': async ({ connectionId, ...request }) => requireCapability(connectionId, 'bullmqJobs', 'BullMQ jobs').bullmqJobs!(request),
    'bullmq:retry': async ({ connectionId, ...request }) => requireCapability(connectionId, 'bullmqRetry', 'retrying BullMQ jobs').bullmqRetry!(request),
    'bullmq:clean': async ({ connectionId, ...request }) => {
      const ref = parseSourceRef(request.source)
      if (request.confirm !== ref.name) {
        throw new QsError('BAD_REQUEST', `clean not confirmed: type the queue name "${ref.name}" exactly (got "${request.confirm}")`)
      }
      return requireCapability(connectionId, 'bullmqClean', 'cleaning BullMQ jobs').bullmqClean!(request)
    },
    'tail:start': async (request) => core.tails.start(request),
    'tail:stop': async ({ tailId }) => ({ stopped: await core.tails.stop(tailId) }),

    'messages:publish': async (request) => {
      const { adapter } = workspace.adapter(request.connectionId)
      return adapter.publish(request)
    },

    'messages:peek': async (request) => {
      const { adapter } = workspace.adapter(request.connectionId)
      return fitPage(await adapter.peek(request, readConsent(workspace, request.connectionId, request.acceptDeliveryLimitRisk)))
    },

    'sources:details': async ({ connectionId, source }) => {
      const { adapter } = workspace.adapter(connectionId)
      if (!adapter.details) throw new QsError('UNSUPPORTED', `${adapter.broker} has no topology details yet`)
      return adapter.details(parseSourceRef(source))
    },

    'metrics:history': async ({ connectionId, source, since }) => core.metrics.history(connectionId, source, since),

    'replay:start': async (request) => core.replays.run(request),

    'replay:cancel': async ({ id }) => ({ cancelled: core.replays.cancel(id) }),

    'messages:export': async ({ connectionId, source, path, count, acceptDeliveryLimitRisk }) => {
      if (path === undefined) throw new QsError('BAD_REQUEST', 'name the file to export to')
      const { adapter } = workspace.adapter(connectionId)
      const ref = parseSourceRef(source)
      if (!adapter.openReader) throw new QsError('UNSUPPORTED', `exporting from ${adapter.broker} is not supported`)
      const openReader = adapter.openReader.bind(adapter)
      const consent = readConsent(workspace, connectionId, acceptDeliveryLimitRisk)
      // The replay's byte budget bounds what the reader pulls in ahead (large messages: fewer at a time).
      return exportMessages(
        () => openReader(ref, { limit: count, windowBytes: DEFAULT_REPLAY_WINDOW_BYTES, purpose: 'export', consent }),
        formatSourceRef(ref),
        resolvePath(path),
        { count },
      )
    },

    'messages:import': async ({ connectionId, target, path, routingKey }) => {
      if (path === undefined) throw new QsError('BAD_REQUEST', 'name the file to import from')
      const adapter = requireCapability(connectionId, 'openWriter', 'importing')
      const ref = parseSourceRef(target)
      // The target broker routes; a line keeps its own routing key where the route leaves it open.
      if (!adapter.routing) throw new QsError('UNSUPPORTED', `importing: not available on a ${adapter.description.label} connection`)
      const fixed = adapter.routing.targetRoute(ref, routingKey ?? null)
      const route = (line: ExportLine): Route => ({ ...fixed, routingKey: fixed.routingKey ?? line.origin?.routingKey ?? '' })
      const writer = await adapter.openWriter(ref)
      return importMessages(writer, resolvePath(path), route)
    },

    'replay:list': async () => ({
      replays: (await core.replays.list()).map(({ start, report }) => ({
        id: start.id,
        at: start.at,
        source: start.source,
        sourceConnection: start.sourceConnection,
        target: start.target,
        ...(start.targetConnection === undefined ? {} : { targetConnection: start.targetConnection }),
        mode: start.mode,
        dryRun: start.dryRun,
        filters: start.filters,
        ...(report ? { report } : {}),
      })),
      journal: core.replays.journalPath,
    }),

    'sources:purge': async ({ connectionId, source, confirm }) => {
      const ref = parseSourceRef(source)
      // The typed confirmation (docs/semantics.md): checked here so every front end gets the same rule.
      if (confirm !== ref.name) {
        throw new QsError('BAD_REQUEST', `purge not confirmed: type the ${ref.kind} name "${ref.name}" exactly to purge it (got "${confirm}")`)
      }
      const { adapter } = workspace.adapter(connectionId)
      return adapter.purge(ref)
    },
  }
}
