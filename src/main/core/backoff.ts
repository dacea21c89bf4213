export interface BackoffOptions {
  /** Delay before the first retry. */
  baseMs: number
  /** No delay ever exceeds this. */
  maxMs: number
  /** 0..1: each delay is randomly shortened by up to this fraction, so clients do not retry in step. */
  jitter: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, jitter: 0.2 }

/** Capped exponential backoff: base * 2^(attempt-1), at most maxMs, minus random jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1)
  const raw = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(exponent, 30))
  return Math.round(raw * (1 - options.jitter * random()))
}
