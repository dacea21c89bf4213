import type { Broker } from '../../../shared/model'
import { rabbitmqViews } from './rabbitmq'
import { redisViews } from './redis'
import type { BrokerViews } from './views'

/** Each broker's views, one line a broker. */
const BROKER_VIEWS: Record<Broker, BrokerViews> = {
  rabbitmq: rabbitmqViews,
  redis: redisViews,
}

export function viewsOf(broker: Broker): BrokerViews {
  return BROKER_VIEWS[broker]
}
