import type { SecretStorageInfo } from '../../shared/model'
import type { AdapterConfig, AdapterFactory } from '../brokers/adapter'
import { createAdapter } from '../brokers/registry'
import type { BrokerTimeouts } from '../brokers/timeouts'
import { ProfileStore, profileTarget, type StoredProfile } from '../storage/profiles.store'
import { SecretStore, type Cipher, type Keyring } from '../storage/secrets'
import { Workspace } from './workspace'
import { MetricsService, DEFAULT_METRICS, type MetricsOptions } from './metrics.service'
import type { BackoffOptions } from './backoff'
import type { EventChannel, EventPayload } from '../../shared/contract'
import { ReplayService } from './operations/replays'
import { ReplayJournal } from './operations/replay.journal'
import { TailService, type TailServiceOptions } from './operations/tail'
import { createApi, type Handlers } from './api'
import type { Caller } from './dispatch'
import { Session } from './session'

export interface CoreOptions {
  configDir: string
  mode: 'electron' | 'web'
  version: string
  keyring?: Keyring | null
  cipher?: Cipher | null
  adapterFactory?: AdapterFactory
  backoff?: BackoffOptions
  /** Broker deadlines for every connection this core opens (tests inject short ones). */
  timeouts?: Partial<BrokerTimeouts>
  metrics?: MetricsOptions
  tails?: TailServiceOptions
}

/** Everything the contract handlers need; no transport, no Electron. */
export interface Core {
  readonly configDir: string
  readonly mode: 'electron' | 'web'
  readonly version: string
  readonly profiles: ProfileStore
  readonly secrets: SecretStore
  readonly workspace: Workspace
  readonly metrics: MetricsService
  readonly replays: ReplayService
  readonly tails: TailService
  readonly adapterFactory: AdapterFactory
  secretStorage(): SecretStorageInfo
  /** Sends a contract event to every transport (discovery progress, tail batches). */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void
  /** Every contract event (connection status, replay progress, ...), for the transports to forward. */
  onEvent(listener: <E extends EventChannel>(channel: E, payload: EventPayload<E>) => void): () => void
  /**
   * A client of this core (an Electron window, a WebSocket, a CLI run): its calls, its events, and
   * what it started, stopped when it is disposed. `local` only for the user's own process.
   */
  createSession(options?: { caller?: Caller }): Session
  /** The adapter config of a saved profile: its URL plus the password from the secret store. */
  profileConfig(profile: StoredProfile): Promise<AdapterConfig>
  close(): Promise<void>
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const secrets = await SecretStore.open(options.configDir, { keyring: options.keyring, cipher: options.cipher })
  const profiles = new ProfileStore(options.configDir, secrets)
  const baseFactory = options.adapterFactory ?? createAdapter
  const { timeouts } = options
  const adapterFactory: AdapterFactory = timeouts ? (config) => baseFactory({ ...config, timeouts: { ...timeouts, ...config.timeouts } }) : baseFactory
  const workspace = new Workspace(adapterFactory, options.backoff)
  const metrics = new MetricsService(workspace, options.metrics ?? DEFAULT_METRICS)
  const replays = new ReplayService(workspace, new ReplayJournal(options.configDir))
  type Listener = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => void
  const listeners = new Set<Listener>()
  const emit: Core['emit'] = (channel, payload) => {
    for (const listener of listeners) listener(channel, payload)
  }
  const tails = new TailService(workspace, (batch) => emit('tail:batch', batch), options.tails)
  // One set of handlers for every session: a discovery started by one can be found by its id.
  let handlers: Handlers | null = null
  const core: Core = {
    configDir: options.configDir,
    mode: options.mode,
    version: options.version,
    profiles,
    secrets,
    workspace,
    metrics,
    replays,
    tails,
    adapterFactory,
    secretStorage: () => secrets.info(),
    emit,
    onEvent(listener) {
      const offStatus = workspace.onStatus((status) => listener('connection:status', status))
      const offProgress = replays.onProgress((progress) => listener('replay:progress', progress))
      listeners.add(listener)
      return () => {
        offStatus()
        offProgress()
        listeners.delete(listener)
      }
    },
    createSession(sessionOptions = {}) {
      handlers ??= createApi(core)
      return new Session(core, handlers, sessionOptions.caller ?? 'remote')
    },
    async profileConfig(profile) {
      const { target, password: urlPassword } = profileTarget(profile)
      const password = (await profiles.password(profile.id)) ?? urlPassword
      if (target.broker === 'redis' && target.topology.kind === 'sentinel' && target.topology.sentinelPassword === null) {
        target.topology.sentinelPassword = await profiles.sentinelPassword(profile.id)
      }
      return { target, password, watchQueues: profile.watchQueues }
    },
    close: async () => {
      replays.cancelAll()
      metrics.close()
      await tails.close()
      await workspace.closeAll()
    },
  }
  return core
}
