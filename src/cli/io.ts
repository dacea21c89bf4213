import { terminalSafe } from './terminal-safe'

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  /** Draw a progress bar on stderr (only when it is a terminal). */
  stderrIsTTY?: boolean
  /** Progress lines of our own making (carriage returns, erase-line): written as they are. */
  progress?: (text: string) => void
}

export type SafeIo = CliIo & { progress: (text: string) => void }

/**
 * The io every command writes through: broker data made terminal-safe (terminal-safe.ts); only the
 * progress lines, which hold nothing but our own words and numbers, keep their control codes.
 */
export function safeIo(io: CliIo): SafeIo {
  return {
    stdout: (text) => io.stdout(terminalSafe(text)),
    stderr: (text) => io.stderr(terminalSafe(text)),
    stderrIsTTY: io.stderrIsTTY,
    progress: io.progress ?? io.stderr,
  }
}

export const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
}
