import type { Broker } from '../../shared/model'
import type { AdapterConfig, AdapterFactory, BrokerAdapter } from './adapter'
import { RabbitMqAdapter } from './rabbitmq/rabbitmq.adapter'
import { RedisAdapter } from './redis/redis.adapter'

/**
 * Every broker the core can open, one line each: its adapter for a parsed target. (A URL's scheme
 * picks the broker in src/shared/connection-url.ts; the renderer's views are in
 * src/renderer/src/brokers/registry.ts.) Tests inject their own factory into the core instead.
 */
const ADAPTERS: { [B in Broker]: (target: Extract<AdapterConfig['target'], { broker: B }>, config: AdapterConfig) => BrokerAdapter } = {
  rabbitmq: (target, config) => new RabbitMqAdapter(target, config.password, { watchQueues: config.watchQueues ?? [], timeouts: config.timeouts }),
  redis: (target, config) => new RedisAdapter(target, config.password, config.timeouts),
}

export const createAdapter: AdapterFactory = (config) => {
  const open = ADAPTERS[config.target.broker] as (target: AdapterConfig['target'], config: AdapterConfig) => BrokerAdapter
  return open(config.target, config)
}
