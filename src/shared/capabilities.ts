import { z } from 'zod'
import { REF_KINDS } from './source-ref'

/**
 * What a connection's broker can do, described by its adapter and sent with the connection's
 * status: the app draws tabs, buttons and the replay dialog from it instead of knowing brokers.
 */

/** The details panel's tabs, in the order the panel shows them. */
export const DETAILS_TABS = ['messages', 'live', 'pending', 'jobs', 'chart', 'publish', 'details'] as const
export type DetailsTab = (typeof DETAILS_TABS)[number]

/** What one class of source allows (e.g. RabbitMQ classic queues; stream queues differ). */
export const sourceCapabilitiesSchema = z.object({
  /** Its tabs, in order; Details always. */
  tabs: z.array(z.enum(DETAILS_TABS)),
  /** Purge removes its ready messages (with a typed confirmation). */
  purge: z.boolean(),
  /** Replay can read from it; otherwise why not, in words the user sees next to the disabled button. */
  replayFrom: z.string().nullable(),
  /** Messages read from it can say where they came from, so "back to origin" is offered. */
  hasOrigin: z.boolean(),
  /** The one line above the message list when browsing it has side effects; null when it has none. */
  browseNotice: z.string().nullable(),
})
export type SourceCapabilities = z.infer<typeof sourceCapabilitiesSchema>

/** One kind of target a replay can write into on this connection. */
export const replayTargetSchema = z.object({
  kind: z.enum(REF_KINDS),
  /** The button's name, as the broker's users call it. */
  label: z.string(),
  /** What the target does with each message, one line under the buttons. */
  hint: z.string(),
})
export type ReplayTargetDescription = z.infer<typeof replayTargetSchema>

export const brokerDescriptionSchema = z.object({
  /** The broker's name as users write it, e.g. "RabbitMQ". */
  label: z.string(),
  /** Capabilities per source class: a source names its class in `capabilities`, else its kind is the class. */
  sources: z.record(z.string(), sourceCapabilitiesSchema),
  /** Targets a replay can write into here, in the order offered. */
  replayTargets: z.array(replayTargetSchema),
  /** "Back to origin" on this connection: its button and hint; null when it has none. */
  origin: z.object({ label: z.string(), hint: z.string() }).nullable(),
})
export type BrokerDescription = z.infer<typeof brokerDescriptionSchema>

/** Nothing allowed: a source whose class the description does not know (it is shown, with Details only). */
export const NO_CAPABILITIES: SourceCapabilities = {
  tabs: ['details'],
  purge: false,
  replayFrom: 'this connection does not say it can replay from this source',
  hasOrigin: false,
  browseNotice: null,
}

/** The capabilities of a source: its class's, by `capabilities` or its kind. */
export function capabilitiesOf(
  description: BrokerDescription | null | undefined,
  item: { kind: string; capabilities?: string | undefined },
): SourceCapabilities {
  const key = item.capabilities ?? item.kind
  return description && Object.hasOwn(description.sources, key) ? description.sources[key]! : NO_CAPABILITIES
}
