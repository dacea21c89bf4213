/**
 * Benchmark: the peak resident memory of a 1,000,000-message move (persistent 1 KiB
 * messages, queue -> queue on one RabbitMQ), measured in a process of its own that holds only the
 * core (memory.child.ts), against the 300 MB budget. The fill runs here, untimed.
 */
import * as amqp from 'amqplib'
import { createTestVhost, MANAGEMENT_URL } from '../src/test-support/brokers'
import { measureInChild } from './support'

const MESSAGES = Number(process.env['QS_BENCH_MOVE_MEMORY_MESSAGES'] ?? 1_000_000)
export const MOVE_MEMORY_BUDGET_BYTES = 300 * 2 ** 20

export interface MoveMemoryResult {
  messages: number
  seconds: number
  before: number
  peak: number
}

export async function benchMoveMemory(log: (line: string) => void): Promise<MoveMemoryResult> {
  const vhost = await createTestVhost('bench-move-memory')
  let connection: amqp.ChannelModel | null = null
  try {
    connection = await amqp.connect(vhost.url)
    // Idle for the minute the child moves: a broker error must not crash the benchmark unhandled.
    connection.on('error', () => undefined)
    const ch = await connection.createConfirmChannel()
    await ch.assertQueue('src', { durable: true })
    await ch.assertQueue('dst', { durable: true })
    log(`move memory: filling ${MESSAGES.toLocaleString('en-US')} messages…`)
    const body = Buffer.alloc(1024, 120)
    for (let i = 0; i < MESSAGES; i++) {
      if (!ch.sendToQueue('src', body, { persistent: true, messageId: String(i) })) await new Promise((resolve) => ch.once('drain', resolve))
    }
    await ch.waitForConfirms()
    log('move memory: moving in a process of its own…')
    const result = await measureInChild(['move', vhost.url, MANAGEMENT_URL])
    const arrived = (await ch.checkQueue('dst')).messageCount
    if (result.done !== MESSAGES || arrived !== MESSAGES) throw new Error(`moved ${result.done}, ${arrived} of ${MESSAGES} arrived: ${result.error ?? ''}`)
    log(
      `move memory: ${MESSAGES.toLocaleString('en-US')} moved in ${result.seconds.toFixed(1)} s, peak RSS ${(result.peak / 2 ** 20).toFixed(0)} MB (before: ${(result.before / 2 ** 20).toFixed(0)} MB)`,
    )
    await ch.purgeQueue('dst')
    return { messages: MESSAGES, seconds: result.seconds, before: result.before, peak: result.peak }
  } finally {
    await connection?.close().catch(() => undefined)
    await vhost.remove()
  }
}

export function formatMoveMemory(result: MoveMemoryResult): string {
  const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`
  return [
    '| benchmark | peak RSS while moving | RSS before | budget | peak / budget |',
    '|---|---:|---:|---:|---:|',
    `| move ${result.messages.toLocaleString('en-US')} persistent 1 KiB messages queue → queue (${result.seconds.toFixed(0)} s) | ${mb(result.peak)} | ${mb(result.before)} | ${mb(MOVE_MEMORY_BUDGET_BYTES)} | ${(result.peak / MOVE_MEMORY_BUDGET_BYTES).toFixed(2)}× (target < 1.0×) |`,
  ].join('\n')
}
