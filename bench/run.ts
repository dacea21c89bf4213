/**
 * `npm run bench`: every benchmark against a reference measured in the same run, written to
 * docs/performance.md as ratios (never as timed assertions in tests). Needs the local brokers.
 *
 * `npm run bench -- redis-stream tail` runs only those; each benchmark owns one section of
 * docs/performance.md (between `<!-- bench:NAME -->` markers), so a partial run updates its own
 * sections and keeps the others as they were last measured.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { benchListQueues } from './list-queues.bench'
import { benchBrowse } from './browse.bench'
import { benchReplay, formatThroughput, queuescopeCpu, roundRates, RUNS } from './replay.bench'
import { benchMoveMemory, formatMoveMemory } from './move-memory.bench'
import { benchRedisReplay, formatRedisReplay } from './replay-redis.bench'
import { benchBullmq } from './bullmq.bench'
import { benchTail, formatTail } from './tail.bench'
import { benchRedisDiscovery } from './redis-discovery.bench'
import { benchRedisStream, RUNS as STREAM_RUNS, WARMUP as STREAM_WARMUP } from './redis-stream.bench'
import { formatRows } from './support'
import { DEFAULT_REPLAY_WINDOW, DEFAULT_REPLAY_WINDOW_BYTES } from '../src/main/core/operations/replay.engine'

export interface Bench {
  /** Short name for the command line and the section marker. */
  name: string
  /** Runs the benchmark and returns its section of docs/performance.md (markdown, with a heading). */
  run(log: (line: string) => void): Promise<string>
}

/** Queuescope's CPU while moving, as the replay section states it: "38% (35–41%)". */
function cpuShares(): string {
  if (queuescopeCpu.length === 0) return 'an unmeasured share'
  const sorted = [...queuescopeCpu].sort((a, b) => a - b)
  const pct = (share: number): number => Math.round(share * 100)
  const middle = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2
  return `${pct(middle)}% (${pct(sorted[0]!)}–${pct(sorted.at(-1)!)}% over its moves)`
}

const benches: Bench[] = [
  {
    name: 'redis-stream',
    async run(log) {
      return `## Redis stream paging

A page of 500 entries from a 1,000,000-entry stream through the adapter's messages:peek in summary
form, the page the app's list shows (one command, the XRANGE alone; each entry's id, time, size,
field names and a preview of at most 160 characters, decoding no more of any field than that)
against a raw ioredis XRANGE / XREVRANGE of the same page (every field as a string, nothing else);
median of ${STREAM_RUNS} runs each after ${STREAM_WARMUP} warm-up runs, the two sides alternating run by run. The
full decoding (typed headers, properties, decompression, the whole body) is for the entry the user
opens (streams:entry); the last two rows show what it costs, for a page (the form \`queuescope
peek\` prints) and for one entry.

${formatRows(await benchRedisStream(log))}`
    },
  },
  {
    name: 'rabbitmq',
    async run(log) {
      const rows = [...(await benchListQueues(log)), ...(await benchBrowse(log))]
      return `## RabbitMQ listing and browsing

Each row runs Queuescope's code and a reference doing the same work and reports the ratio of their
medians (5 or 7 runs after a warm-up; browses are 500 ms apart on both sides, as a user's clicks
would be, because returning the browsed messages to the queue finishes after the page is shown).

${formatRows(rows)}`
    },
  },
  {
    name: 'replay',
    async run(log) {
      const throughput = await benchReplay(log)
      const memory = await benchMoveMemory(log)
      return `## Replay throughput

Median of ${RUNS} moves each, the movers taking turns, each round starting with the next one
(the source refilled before every move, untimed); higher is better, so here a ratio above 1 means Queuescope is faster. The shovel is RabbitMQ's own server-side mover
(plugins rabbitmq_shovel and rabbitmq_shovel_management; \`npm run bench\` says so when they are off).
It runs inside the broker, so it takes no CPU outside it; Queuescope's process took
${cpuShares()} of a core while moving, CPU that a broker on the same two-core machine would otherwise use.
The second row measures the shovel again while a stand-in process (a busy loop, duty-cycled every 10 ms)
takes that much CPU: whatever of the first row's gap it closes comes from sharing two cores with the broker,
not from how Queuescope moves (a broker on another host would not share them).

${formatThroughput(throughput)}

Each round, in msg/s: ${roundRates.map((m) => `${m.label} ${m.rates.map((r) => Math.round(r).toLocaleString('en-US')).join(' / ')}`).join('; ')}.

Peak resident memory of a ${memory.messages.toLocaleString('en-US')}-message move, in a process of its own that holds only the core
(memory.child.ts; the fill is done by the benchmark process). The peak is the higher of RSS
sampled every 20 ms and the kernel's high-water mark (VmHWM on Linux, reset as the move starts),
so a spike between two samples still counts. The engine holds at most
${DEFAULT_REPLAY_WINDOW} messages and ${DEFAULT_REPLAY_WINDOW_BYTES / 2 ** 20} MiB of them in flight, so memory does not grow with the queue.

${formatMoveMemory(memory)}`
    },
  },
  {
    name: 'replay-redis',
    async run(log) {
      return `## Replay across brokers, and export memory

A Redis stream moved into a RabbitMQ topic exchange (bound to one queue), median of 3 moves each,
the three movers taking turns, the stream refilled before every move (untimed); higher is better, so
a ratio above 1 means Queuescope is faster. The reference delivers the same messages as a replay:
the body with the \`qs-replayed-from\` and \`qs-replay-count\` headers every replay adds (they
record its origin); the same loop publishing the body alone is the second row, for comparison (the two
headers cost the broker and amqplib a fifth to a third of that loop's rate). Before that, the peak
resident memory of exporting a 1,000,000-entry stream to NDJSON, in a process of its own that holds
only the core (memory.child.ts, measured as the move's memory is; the benchmark process fills the
stream).

${formatRedisReplay(await benchRedisReplay(log))}`
    },
  },
  {
    name: 'bullmq',
    async run(log) {
      return `## BullMQ discovery counts

Discovery hands every \`<prefix>:<queue>:meta\` hash it found to bullmqSourcesFromMeta, which reads
BullMQ's key layout for up to 500 queues in one read-only script call (a pipeline when scripting is
not allowed) plus one CLIENT LIST; the reference is bullmq's own API with a Queue object per queue,
all queues in parallel (median of 7 runs after a warm-up).

${formatRows(await benchBullmq(log))}`
    },
  },
  {
    name: 'tail',
    async run(log) {
      return `## Live tail of a Redis stream

A producer process XADDs 20,000 entries/s (paced pipelines) for 10 s, once per row. The reference
reads them with a raw ioredis XREAD BLOCK loop (COUNT 1000). Queuescope's tail (XREAD BLOCK on its
own connection, entries decoded as browsing shows them, 5,000-message buffer, a batch at most every
150 ms) delivers them to a \`core.onEvent\` listener (what every transport sees), then end to end
through the web server's WebSocket to a client in the same process parsing every frame. Entries
delivered per second from the producer's start to the last delivery; higher is better, and every
row is bounded by the producer's rate, so 1.0× means the tail keeps up with the raw loop.

${formatTail(await benchTail(log))}`
    },
  },
  {
    name: 'redis-discovery',
    async run(log) {
      return `## Redis discovery

Queuescope's listSources on a database of 1,000,000 keys against the plain ioredis way of finding
the same streams, lists and BullMQ meta hashes (three SCAN … TYPE loops at once, COUNT 1000, then
the same XINFO / LLEN pipelines), median of 5 runs after a warm-up; lower is better.

${formatRows(await benchRedisDiscovery(log))}`
    },
  },
]

const PATH = 'docs/performance.md'
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'))
const unknown = wanted.filter((name) => !benches.some((b) => b.name === name))
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`)
  process.exit(2)
}

const previous = await readFile(PATH, 'utf8').catch(() => '')
const sectionOf = (name: string): string | null => {
  const match = new RegExp(`<!-- bench:${name} -->\\n([\\s\\S]*?)\\n<!-- /bench:${name} -->`).exec(previous)
  return match ? match[1]! : null
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`
const sections: string[] = []
for (const bench of benches) {
  let body: string
  if (wanted.length === 0 || wanted.includes(bench.name)) {
    console.log(`\n=== ${bench.name} ===`)
    body = `${await bench.run((line) => console.log(line))}\n\nMeasured ${new Date().toISOString()} on ${machine}.`
    console.log(`\n${body}`)
  } else {
    body = sectionOf(bench.name) ?? `## ${bench.name}\n\nNot measured yet: run \`npm run bench -- ${bench.name}\`.`
  }
  sections.push(`<!-- bench:${bench.name} -->\n${body}\n<!-- /bench:${bench.name} -->`)
}
// Sections another program writes (the soak's, soak/run.ts) stay as they are, after these.
for (const match of previous.matchAll(/<!-- bench:([\w-]+) -->\n[\s\S]*?\n<!-- \/bench:\1 -->/g)) {
  if (!benches.some((b) => b.name === match[1])) sections.push(match[0])
}

await writeFile(
  PATH,
  `# Performance

Written by \`npm run bench\` (bench/run.ts); \`npm run bench -- NAME…\` re-measures only the named
sections (${benches.map((b) => `\`${b.name}\``).join(', ')}). Each benchmark runs Queuescope's code
and a reference doing the same work in the same run on the same machine, against the local RabbitMQ
and Redis, and reports their ratio. Absolute times depend on the machine; the ratios are what we
track.

${sections.join('\n\n')}
`,
)
console.log(`wrote ${PATH}`)
