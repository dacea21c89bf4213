import { z } from 'zod'

/**
 * Every failure that crosses a transport (IPC, WebSocket, CLI) is one of these codes.
 * The message is for people: it carries the broker's own words and, where we know it, the fix.
 */
export const ERROR_CODES = [
  'BAD_REQUEST', // the payload did not match the contract
  'BAD_URL', // a connection URL we cannot parse or do not support
  'NOT_FOUND', // profile, connection, queue, key... that does not exist
  'AUTH_FAILED', // the broker refused the credentials
  'UNREACHABLE', // connection refused, host not found, network down
  'TIMEOUT',
  'NOT_CONNECTED', // the connection is not open (yet, or any more)
  'READ_ONLY', // the profile is read-only and the call writes or destroys
  'FORBIDDEN', // this front end may not make this call (a web page or renderer naming a file on this machine)
  'UNSUPPORTED', // the broker or its setup cannot do this (e.g. management plugin missing)
  'UNROUTABLE', // a mandatory publish was returned by the broker
  'CANCELLED', // the user stopped a long operation (a replay); its report says what was done
  'BROKER_ERROR', // any other error the broker reported
  'SECRET_UNAVAILABLE', // the stored password cannot be read by this front end
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export const qsErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  detail: z.unknown().optional(),
})

export type QsErrorShape = z.infer<typeof qsErrorSchema>

export class QsError extends Error {
  readonly code: ErrorCode
  readonly detail?: unknown

  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message)
    this.name = 'QsError'
    this.code = code
    this.detail = detail
  }

  toJSON(): QsErrorShape {
    return this.detail === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, detail: this.detail }
  }

  static from(shape: QsErrorShape): QsError {
    return new QsError(shape.code, shape.message, shape.detail)
  }
}

export function isQsError(value: unknown): value is QsError {
  return value instanceof QsError
}

/** Turns anything thrown into the wire shape; unknown errors keep their message under INTERNAL. */
export function toQsErrorShape(err: unknown): QsErrorShape {
  if (err instanceof QsError) return err.toJSON()
  const parsed = qsErrorSchema.safeParse(err)
  if (parsed.success) return parsed.data
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message }
}
