/**
 * `npm run bench`: every benchmark against a reference measured in the same run, written to
 * docs/performance.md as ratios (never as timed assertions in tests). Needs the local brokers.
 */
import { writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { benchListQueues } from './list-queues.bench'
import { benchBrowse } from './browse.bench'
import { formatRows, type ComparisonRow } from './support'

const log = (line: string) => console.log(line)
const rows: ComparisonRow[] = []
rows.push(...(await benchListQueues(log)))
rows.push(...(await benchBrowse(log)))

const table = formatRows(rows)
console.log(`\n${table}\n`)
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
await writeFile(
  'docs/performance.md',
  `# Performance

Written by \`npm run bench\` (bench/run.ts). Each benchmark runs Queuescope's code and a reference
doing the same work, in the same run on the same machine, and reports the ratio of their medians
(5 or 7 runs after a warm-up; browses are 500 ms apart on both sides, as a user's clicks would be,
because returning the browsed messages to the queue finishes after the page is shown). Absolute times depend on the machine; the ratios are what we track.

Last run: ${new Date().toISOString()} on ${machine}, against the local RabbitMQ and Redis.

${table}

Not yet measured (their issues bring them): Redis stream pages
and discovery, replay throughput against RabbitMQ's shovel, peak memory of a 1,000,000-message move.
`,
)
console.log('wrote docs/performance.md')
