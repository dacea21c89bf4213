import { QsError } from '../../shared/errors'
import { seconds } from './timeouts'

/** Node socket errors into the words a user needs: what failed, where, and what to check. */
export function networkError(err: unknown, where: string, hint = ''): QsError | null {
  // Some clients (amqplib's connect timeout) put the code only in the message.
  const code =
    (err as { code?: unknown } | null)?.code ?? /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT)\b/.exec(messageOf(err))?.[1]
  const suffix = hint ? `; ${hint}` : ''
  switch (code) {
    case 'ECONNREFUSED':
      return new QsError('UNREACHABLE', `cannot connect to ${where}: connection refused (is the broker running?)${suffix}`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new QsError('UNREACHABLE', `cannot connect to ${where}: host not found${suffix}`)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new QsError('UNREACHABLE', `cannot connect to ${where}: network unreachable${suffix}`)
    case 'ECONNRESET':
    case 'EPIPE':
      return new QsError('UNREACHABLE', `connection to ${where} was reset${suffix}`)
    case 'ETIMEDOUT':
      return new QsError('TIMEOUT', `timed out connecting to ${where}${suffix}`)
    default:
      return null
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** What a user must know about a write whose answer never came: it may have happened. */
export const IN_DOUBT = 'it may or may not have been applied (in doubt): check before repeating it'

interface LinkContext {
  /** e.g. "Redis at 127.0.0.1:6379" */
  where: string
  /** The call writes: say whether it may have happened. */
  write?: boolean
  /** The request deadline that expired, for the message. */
  requestMs?: number
}

/** The raw words behind an error: a QsError built from a client error keeps them in `detail`. */
function rawText(err: unknown): string {
  if (err instanceof QsError) return `${err.message} ${typeof err.detail === 'string' ? err.detail : ''}`
  return messageOf(err)
}

/** Codes a client error may have been wrapped in before the link's failure was recognised. */
const RECLASSIFIABLE = new Set(['BROKER_ERROR', 'NOT_CONNECTED', 'INTERNAL'])

/**
 * A Redis call that failed because the link failed (a command timeout, a connection closed or
 * found dead), in words that say whether a write may have happened; null for any other failure.
 */
export function redisLinkError(err: unknown, context: LinkContext): QsError | null {
  if (err instanceof QsError && !RECLASSIFIABLE.has(err.code)) return null
  const text = rawText(err)
  const { where, write } = context
  if (/Command timed out/.test(text)) {
    const within = context.requestMs === undefined ? 'in time' : `within ${seconds(context.requestMs)}`
    return new QsError('TIMEOUT', `${where} did not answer ${within}${write ? `; the write was sent, so ${IN_DOUBT}` : ''}`, text)
  }
  // No offline queue: a command issued while the link is down is refused before it is sent.
  if (/Stream isn't writeable|enableOfflineQueue/.test(text)) {
    return new QsError('NOT_CONNECTED', `the connection to ${where} is down${write ? '; nothing was written' : ''}`, text)
  }
  if (/Connection is closed|Socket timeout|ECONNRESET|EPIPE|ETIMEDOUT|connection closed/i.test(text)) {
    return new QsError('NOT_CONNECTED', `the connection to ${where} was lost during the call${write ? `; ${IN_DOUBT}` : ''}`, text)
  }
  return null
}

/** Why a Redis link was given up, in words (ioredis' socket timeout names milliseconds). */
export function redisLostReason(err: Error, where: string): Error {
  const silent = /Socket timeout.*in (\d+)ms/.exec(err.message)
  if (silent) return new Error(`${where} stopped answering: nothing arrived for ${seconds(Number(silent[1]))} while an answer was due (the link looks dead)`)
  return err
}

/**
 * An AMQP call that failed because the connection or its channel went away (amqplib's
 * IllegalOperationError "Connection closing" / "Channel closed", a heartbeat timeout, a reset):
 * NOT_CONNECTED, saying whether a write may have happened; null for any other failure.
 */
export function amqpLinkError(err: unknown, context: LinkContext & { sent?: boolean }): QsError | null {
  if (err instanceof QsError && !RECLASSIFIABLE.has(err.code)) return null
  const text = rawText(err)
  // "Channel closed by server: 404 (NOT-FOUND)…", "Connection closed: 540 (NOT-IMPLEMENTED)…" are
  // the broker's answer, not a lost link; 320 (CONNECTION-FORCED) is the broker going away.
  const reply = /\b(\d{3}) \([A-Z-]+\)/.exec(text)
  if (/closed by server/i.test(text) || (reply && reply[1] !== '320')) return null
  const illegal = (err as { name?: unknown } | null)?.name === 'IllegalOperationError'
  if (!illegal && !/Channel ended|Channel clos|Connection clos|Heartbeat timeout|ECONNRESET|EPIPE|Socket closed|Unexpected close/i.test(text)) return null
  const fate = !context.write ? '' : context.sent ? `; ${IN_DOUBT}` : '; nothing was sent'
  return new QsError('NOT_CONNECTED', `the connection to ${context.where} closed during the call${fate}`, text)
}

/** A write that failed with its link: says it is in doubt unless the error already says what became of it. */
export function writeInDoubt(err: unknown): unknown {
  if (!(err instanceof QsError) || !['TIMEOUT', 'NOT_CONNECTED', 'UNREACHABLE'].includes(err.code)) return err
  if (/in doubt|nothing was (sent|written)/.test(err.message)) return err
  // "the RabbitMQ connection is closed": the adapters' refusal before anything is sent.
  if (/^the \w+ connection is closed$/.test(err.message)) return new QsError(err.code, `${err.message}; nothing was sent`, err.detail)
  return new QsError(err.code, `${err.message}; ${IN_DOUBT}`, err.detail)
}
