/**
 * Keeps a long-running Queuescope process (the web server, the desktop app's main process) alive
 * when one operation fails in a way nobody awaited. No Electron import: web mode uses it too.
 *
 * unhandledRejection: a promise of one call or one background task failed with nobody listening;
 * it concerns that operation only, so it is logged.
 *
 * uncaughtException: logged too, not fatal. Node's advice is to exit because state may be half
 * updated, but what this process holds across calls lives in the brokers and in files written
 * whole (profiles, journal), and exiting would end every replay, tail and page in progress and
 * hand out a new token: a worse outcome than the one failed operation.
 */
export function installProcessGuards(
  label: string,
  log: (message: string, err: unknown) => void = (m, e) => console.error(m, e),
  target: NodeJS.Process = process,
): () => void {
  const onRejection = (reason: unknown): void => log(`${label}: a promise failed and nothing handled it (the process keeps running):`, reason)
  const onException = (err: unknown): void => log(`${label}: an exception escaped (the process keeps running):`, err)
  target.on('unhandledRejection', onRejection)
  target.on('uncaughtException', onException)
  return () => {
    target.off('unhandledRejection', onRejection)
    target.off('uncaughtException', onException)
  }
}
