import { version } from '../../package.json'
import type { CallChannel, CallRequest, CallResponse } from '../shared/contract'
import { QsError } from '../shared/errors'
import { createCore } from '../main/core/core'
import type { EventListener } from '../main/core/session'
import { osKeyring } from '../main/storage/keyring'
import { configDir } from '../main/storage/paths'
import type { ConnectionArgs } from './usage'

/** What a command works with: the contract's calls (errors thrown as QsError) and its own events. */
export interface CliClient {
  call<C extends CallChannel>(channel: C, request: CallRequest<C>): Promise<CallResponse<C>>
  onEvent(listener: EventListener): () => void
}

/**
 * Opens the core as one session (the user's own process), its connection (and any others, such as
 * a replay's target on another broker) through `connection:open`, runs `work`, and always closes
 * everything: the session's tails and replays stop with it.
 */
export async function withConnection<T>(
  args: ConnectionArgs,
  work: (client: CliClient, connectionId: string) => Promise<T>,
  extra: Record<string, ConnectionArgs> = {},
): Promise<T> {
  const core = await createCore({ configDir: configDir(), mode: 'web', version, keyring: await osKeyring() })
  const session = core.createSession({ caller: 'local' })
  const client: CliClient = {
    call: async (channel, request) => {
      const envelope = await session.call(channel, request)
      if (!envelope.ok) throw QsError.from(envelope.error as ReturnType<QsError['toJSON']>)
      return envelope.data as CallResponse<typeof channel>
    },
    onEvent: (listener) => session.onEvent(listener),
  }
  try {
    const connectionId = 'cli'
    for (const [id, connection] of [[connectionId, args], ...Object.entries(extra)] as [string, ConnectionArgs][]) {
      const status = await client.call('connection:open', { connectionId: id, ...connection })
      if (status.state !== 'open') throw new QsError('UNREACHABLE', status.reason ?? `connection ${status.state}`)
    }
    return await work(client, connectionId)
  } finally {
    await session.dispose('the queuescope command ended')
    await core.close()
  }
}
