import { z } from 'zod'

const count = z.number().int().nonnegative().nullable()

/**
 * What one open connection reaches, beyond its sources: the scopes it could open instead (RabbitMQ
 * vhosts, Redis databases) and the broker's connection / channel / consumer counts. Any count may
 * be null: the broker does not report it (no management API, a Redis without pub/sub), shown as
 * "—", never as 0.
 */
export const brokerOverviewSchema = z.object({
  /** The vhost (RabbitMQ) or database number (Redis) this connection has open. */
  scope: z.string(),
  /** What a scope is called on this broker, for labels: "vhost" or "database". */
  scopeKind: z.enum(['vhost', 'database']),
  /** Every scope the user may open; `items` is messages (vhost) or keys (database), null when unknown. */
  scopes: z.array(z.object({ name: z.string(), items: count })),
  counts: z.object({
    connections: count,
    channels: count,
    consumers: count,
    /** Where the counts apply, e.g. "vhost /" or "server". */
    scope: z.string(),
  }),
  warnings: z.array(z.string()),
})
export type BrokerOverview = z.infer<typeof brokerOverviewSchema>

export const brokerOverviewRequestSchema = z.object({ connectionId: z.string().min(1) })
