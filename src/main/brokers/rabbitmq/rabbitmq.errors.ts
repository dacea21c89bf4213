import { QsError } from '../../../shared/errors'
import { messageOf, networkError } from '../errors'
import type { RabbitTarget } from './rabbitmq.connection'

/** AMQP connection errors into the user's words (docs/broker-facts.md "RabbitMQ over AMQP"). */
export function amqpConnectError(err: unknown, target: RabbitTarget): QsError {
  if (err instanceof QsError) return err
  const where = `RabbitMQ at ${target.host}:${target.port}`
  const net = networkError(err, where)
  if (net) return net
  const text = messageOf(err)
  if (/ACCESS.REFUSED/i.test(text)) {
    return new QsError('AUTH_FAILED', `${where} refused user "${target.username}": wrong user name or password`, text)
  }
  // RabbitMQ closes the handshake without a reason the client sees when the vhost is missing or
  // the user has no access to it: amqplib then says "Expected ConnectionOpenOk; got <ConnectionClose>".
  if (/NOT.ALLOWED.*vhost/i.test(text) || /vhost .* not found/i.test(text) || /Expected ConnectionOpenOk; got <ConnectionClose/.test(text)) {
    return new QsError('NOT_FOUND', `${where}: vhost "${target.vhost}" does not exist or the user may not access it`, text)
  }
  if (/Unexpected close|Expected AMQP|closed abruptly|handshake/i.test(text)) {
    return new QsError('UNREACHABLE', `${where} closed the connection during the AMQP handshake (is this the right port? does it need amqps?)`, text)
  }
  return new QsError('BROKER_ERROR', `${where}: ${text}`)
}

/** Why an open connection went away, in words (amqplib says "Heartbeat timeout"). */
export function amqpLostReason(err: Error | undefined, target: RabbitTarget, heartbeatS: number): Error {
  const where = `RabbitMQ at ${target.host}:${target.port}`
  if (!err) return new Error(`${where} closed the connection`)
  if (/Heartbeat timeout/i.test(err.message))
    return new Error(`${where} stopped answering: no heartbeat for ${2 * heartbeatS}–${3 * heartbeatS} s (the link looks dead)`)
  return err
}

/** A refused publish in the user's words: a missing exchange, a user without write permission. */
export function publishError(err: unknown, exchange: string, vhost: string): QsError {
  if (err instanceof QsError) return err
  const text = messageOf(err)
  if (/NOT.FOUND/i.test(text)) {
    return new QsError('NOT_FOUND', `exchange "${exchange}" does not exist in vhost "${vhost}"`, text)
  }
  if (/ACCESS.REFUSED/i.test(text)) {
    return new QsError('AUTH_FAILED', `the user may not publish to exchange "${exchange || '(default)'}"`, text)
  }
  return new QsError('BROKER_ERROR', text)
}
