import { z } from 'zod'
import { streamGroupDetailSchema } from './streams'

/** A queue argument or policy key, said in words (the arguments that matter, not raw JSON). */
export const settingSchema = z.object({
  key: z.string(),
  label: z.string(),
  value: z.string(),
  /** Where it comes from: the queue's own x-arguments, its policy, or an operator policy. */
  from: z.enum(['argument', 'policy', 'operator-policy']),
})
export type Setting = z.infer<typeof settingSchema>

export const bindingSchema = z.object({
  source: z.string(),
  destination: z.string(),
  destinationType: z.string(),
  routingKey: z.string(),
  arguments: z.record(z.string(), z.unknown()),
})
export type Binding = z.infer<typeof bindingSchema>

export const consumerSchema = z.object({
  tag: z.string(),
  channel: z.string().nullable(),
  connection: z.string().nullable(),
  prefetch: z.number().nullable(),
  ackRequired: z.boolean().nullable(),
  active: z.boolean().nullable(),
})

export const sourceDetailsRequestSchema = z.object({ connectionId: z.string().min(1), source: z.string().min(1) })

export const sourceDetailsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('queue'),
    name: z.string(),
    queueType: z.string(),
    state: z.string().nullable(),
    node: z.string().nullable(),
    durable: z.boolean(),
    autoDelete: z.boolean(),
    exclusive: z.boolean(),
    policy: z.string().nullable(),
    settings: z.array(settingSchema),
    consumers: z.array(consumerSchema),
    bindings: z.array(bindingSchema),
  }),
  z.object({
    kind: z.literal('exchange'),
    name: z.string(),
    exchangeType: z.string(),
    durable: z.boolean(),
    autoDelete: z.boolean(),
    internal: z.boolean(),
    settings: z.array(settingSchema),
    /** Bindings where this exchange is the source (where its messages go). */
    outgoing: z.array(bindingSchema),
    /** Exchange-to-exchange bindings into this exchange. */
    incoming: z.array(bindingSchema),
  }),
  z.object({
    kind: z.literal('stream'),
    name: z.string(),
    length: z.number().int().nonnegative(),
    firstId: z.string().nullable(),
    lastId: z.string().nullable(),
    /** Every entry ever added (XINFO entries-added, Redis 7+); null before. */
    entriesAdded: z.number().int().nonnegative().nullable(),
    maxDeletedId: z.string().nullable(),
    groups: z.array(streamGroupDetailSchema),
  }),
  z.object({
    kind: z.literal('list'),
    name: z.string(),
    length: z.number().int().nonnegative(),
  }),
])
export type SourceDetails = z.infer<typeof sourceDetailsSchema>
