/**
 * Channel names as plain strings, for the preload (which must not bundle zod or the schemas).
 * contract.ts checks these lists against the contract at compile time (ChannelListsMatchContract).
 */
export const CALL_CHANNEL_NAMES = [
  'app:info',
  'profiles:list',
  'profiles:save',
  'profiles:delete',
  'profiles:test',
  'connection:connect',
  'connection:open',
  'connection:disconnect',
  'connection:list',
  'broker:overview',
  'sources:list',
  'messages:publish',
  'messages:peek',
  'sources:purge',
  'sources:details',
  'metrics:history',
  'replay:start',
  'replay:cancel',
  'replay:list',
  'messages:export',
  'messages:import',
  'sources:cancel',
  'streams:entry',
  'streams:pending',
  'streams:claim',
  'streams:ack',
  'redis:write',
  'bullmq:jobs',
  'bullmq:retry',
  'bullmq:clean',
  'tail:start',
  'tail:stop',
] as const

export const EVENT_CHANNEL_NAMES = ['connection:status', 'replay:progress', 'sources:progress', 'tail:batch'] as const

/**
 * The calls the contract marks `idempotent` (they change nothing): a front end may repeat them
 * after a timeout or a lost link.
 */
export const IDEMPOTENT_CALL_NAMES = [
  'app:info',
  'profiles:list',
  'connection:list',
  'broker:overview',
  'sources:list',
  'sources:details',
  'metrics:history',
  'replay:list',
  'streams:entry',
  'streams:pending',
  'bullmq:jobs',
] as const satisfies readonly (typeof CALL_CHANNEL_NAMES)[number][]
