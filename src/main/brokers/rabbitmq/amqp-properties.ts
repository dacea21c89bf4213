import type { Options } from 'amqplib'
import type { MessageProperties } from '../../../shared/publish'

/** The contract's property names are amqplib's; only the ones set are passed on. */
const PROPERTY_NAMES = [
  'contentType',
  'contentEncoding',
  'deliveryMode',
  'priority',
  'correlationId',
  'replyTo',
  'expiration',
  'messageId',
  'timestamp',
  'type',
  'userId',
  'appId',
] as const satisfies readonly (keyof MessageProperties & keyof Options.Publish)[]

/** Contract properties -> amqplib publish options. */
export function toPublishOptions(properties: MessageProperties, headers: Readonly<Record<string, unknown>>): Options.Publish {
  const options: Record<string, unknown> = { headers }
  for (const name of PROPERTY_NAMES) {
    if (properties[name] !== undefined) options[name] = properties[name]
  }
  return options as Options.Publish
}
