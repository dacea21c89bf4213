import { Command, CommanderError } from 'commander'
import { version } from '../../package.json'
import { toQsErrorShape } from '../shared/errors'
import { lsCommand } from './commands/ls'
import { peekCommand } from './commands/peek'
import { publishCommand } from './commands/publish'
import { purgeCommand } from './commands/purge'
import { replayCommand } from './commands/replay'
import { tailCommand } from './commands/tail'
import { exportCommand, importCommand } from './commands/transfer'
import { defaultIo, safeIo, type CliIo } from './io'
import { UsageError } from './usage'

export type { CliIo } from './io'

/** Exit codes (docs/cli.md): 0 success, 1 operational failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/** The `queuescope` program: one file a command under commands/, each a client of the contract (client.ts). */
export function buildProgram(raw: CliIo = defaultIo): Command {
  const io = safeIo(raw)
  const program = new Command()
    .name('queuescope')
    .description('Inspect RabbitMQ and Redis from the command line (same core as the Queuescope app).')
    .version(version)
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
  for (const command of [lsCommand, publishCommand, peekCommand, purgeCommand, replayCommand, exportCommand, importCommand, tailCommand]) {
    command(program, io)
  }
  return program
}

/** Runs the CLI and returns the exit code; never calls process.exit (tests call it in-process). */
export async function runCli(argv: string[], raw: CliIo = defaultIo): Promise<number> {
  const io = safeIo(raw)
  const program = buildProgram(raw)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return EXIT.ok
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok
      return EXIT.usage
    }
    if (err instanceof UsageError) {
      io.stderr(`queuescope: ${err.message} (see queuescope --help)\n`)
      return EXIT.usage
    }
    const { code, message: said, detail } = toQsErrorShape(err)
    const message =
      (detail as { requiresAcceptance?: unknown } | undefined)?.requiresAcceptance === true
        ? `${said} The CLI never takes that risk (each run is a new process, so it cannot remember a queue where a read had to stop): do it from the app.`
        : said
    if (code === 'BAD_URL' || code === 'BAD_REQUEST') {
      io.stderr(`queuescope: ${oneLine(message)}\n`)
      return EXIT.usage
    }
    io.stderr(`queuescope: ${oneLine(message)}\n`)
    return EXIT.failure
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
