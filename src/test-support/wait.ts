/**
 * Waiting in tests, by condition and never by the clock alone: `pollUntil` for something that will
 * happen, `expectStays` for something that must not (the only case where a test has to watch a
 * period of time: it fails as soon as the value changes, instead of looking once at the end).
 */

/** Calls `check` until it returns a value other than undefined (or stops throwing), within `timeoutMs`. */
export async function pollUntil<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  options: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const { timeoutMs = 30_000, everyMs = 50 } = options
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

/** Fails as soon as `read()` stops meeting `holds` during the next `forMs` (a broker's asynchronous work that must not happen). */
export async function expectStays<T>(what: string, read: () => T | Promise<T>, holds: (value: T) => boolean, forMs: number): Promise<void> {
  const until = Date.now() + forMs
  for (;;) {
    const value = await read()
    if (!holds(value)) throw new Error(`${what}: changed to ${JSON.stringify(value)} within ${forMs} ms`)
    if (Date.now() >= until) return
    await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(1, until - Date.now()))))
  }
}

/** Does `action` every `everyMs` until `done()` (a producer feeding a reader that starts from "now"), within `timeoutMs`. */
export async function repeatUntil(done: () => boolean, everyMs: number, action: () => unknown, timeoutMs = 30_000): Promise<void> {
  await pollUntil(
    'the reader to have enough',
    async () => {
      if (done()) return true
      await action()
      return done() ? true : undefined
    },
    { everyMs, timeoutMs },
  )
}
