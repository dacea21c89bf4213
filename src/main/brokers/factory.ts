import type { AdapterFactory } from './adapter'
import { RabbitMqAdapter } from './rabbitmq/rabbitmq.adapter'
import { RedisAdapter } from './redis/redis.adapter'

/** Chooses the adapter by broker; tests inject their own factory into the workspace instead. */
export const createAdapter: AdapterFactory = (config) => {
  const { target } = config
  return target.broker === 'rabbitmq'
    ? new RabbitMqAdapter(target, config.password, { watchQueues: config.watchQueues ?? [], timeouts: config.timeouts })
    : new RedisAdapter(target, config.password, config.timeouts)
}
