import { QsError } from '../../shared/errors'

/** Node socket errors into the words a user needs: what failed, where, and what to check. */
export function networkError(err: unknown, where: string, hint = ''): QsError | null {
  // Some clients (amqplib's connect timeout) put the code only in the message.
  const code = (err as { code?: unknown } | null)?.code ?? /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ETIMEDOUT)\b/.exec(messageOf(err))?.[1]
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
