/**
 * `npm run bench`: every benchmark against a reference measured in the same run, written to
 * docs/performance.md as ratios (never as timed assertions in tests). Needs the local brokers.
 */
import { writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { benchListQueues } from './list-queues.bench'
import { benchBrowse } from './browse.bench'
import { benchReplay, formatThroughput, peakRssBytes } from './replay.bench'
import { formatRows, type ComparisonRow } from './support'

const log = (line: string) => console.log(line)
const rows: ComparisonRow[] = []
rows.push(...(await benchListQueues(log)))
rows.push(...(await benchBrowse(log)))
const throughput = await benchReplay(log)

const table = formatRows(rows)
const throughputTable = formatThroughput(throughput)
console.log(`\n${table}\n\n${throughputTable}\n`)
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

## Replay throughput

Median of 3 moves each (the source refilled before every run, untimed); higher is better, so here
a ratio above 1 means Queuescope is faster. The shovel is RabbitMQ's own server-side mover
(plugins rabbitmq_shovel and rabbitmq_shovel_management; \`npm run bench\` says so when they are off).

${throughputTable}

Peak resident memory of the benchmark process (the whole core in-process) while Queuescope moved:
${(peakRssBytes / 2 ** 20).toFixed(0)} MB (target for a 1,000,000-message move: under 300 MB; the
engine holds at most 256 messages in flight, so memory does not grow with the queue).

Not yet measured (their issues bring them): Redis stream pages and discovery, Redis stream →
RabbitMQ replay, export of 1,000,000 messages.
`,
)
console.log('wrote docs/performance.md')
