import { runCli } from './program'

// `queuescope` entry (bin/queuescope.js loads the built copy of this file).
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    console.error(`queuescope: ${err instanceof Error ? err.message : String(err)}`)
    process.exitCode = 1
  },
)
