import type { Options } from 'amqplib'
import type { HeaderValue, MessageProperties } from '../../../shared/publish'

/** Contract properties -> amqplib publish options (same names; timestamp is seconds in AMQP). */
export function toPublishOptions(properties: MessageProperties, headers: Record<string, HeaderValue>): Options.Publish {
  const options: Options.Publish = { headers }
  const p = properties
  if (p.contentType !== undefined) options.contentType = p.contentType
  if (p.contentEncoding !== undefined) options.contentEncoding = p.contentEncoding
  if (p.deliveryMode !== undefined) options.deliveryMode = p.deliveryMode
  if (p.priority !== undefined) options.priority = p.priority
  if (p.correlationId !== undefined) options.correlationId = p.correlationId
  if (p.replyTo !== undefined) options.replyTo = p.replyTo
  if (p.expiration !== undefined) options.expiration = p.expiration
  if (p.messageId !== undefined) options.messageId = p.messageId
  if (p.timestamp !== undefined) options.timestamp = p.timestamp
  if (p.type !== undefined) options.type = p.type
  if (p.userId !== undefined) options.userId = p.userId
  if (p.appId !== undefined) options.appId = p.appId
  return options
}
