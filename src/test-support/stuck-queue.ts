/**
 * A RabbitMQ queue that stops answering while its connection stays alive: its Erlang process is
 * suspended on the broker (through rabbitmqctl eval) until the test resumes it. Heartbeats keep
 * flowing, so only a per-request deadline can notice; this is what an overloaded or stuck queue
 * process looks like from a client.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)
const RABBITMQCTL = ['/usr/sbin/rabbitmqctl', '/usr/local/sbin/rabbitmqctl', '/opt/homebrew/sbin/rabbitmqctl'].find((path) => existsSync(path)) ?? 'rabbitmqctl'

/** An Erlang binary literal: <<"...">> with the bytes of `text`. */
function binary(text: string): string {
  return `<<${[...Buffer.from(text, 'utf8')].join(',')}>>`
}

export interface StuckQueue {
  /** Lets the queue answer again (idempotent). */
  resume(): Promise<void>
}

/** Suspends a classic queue's process; it is resumed by `resume()`, or by the broker after `maxMs`. */
export async function suspendQueue(vhost: string, queue: string, maxMs = 60_000): Promise<StuckQueue> {
  const name = `qs_stuck_${Math.random().toString(36).slice(2, 10)}`
  const expr = `{ok, Q} = rabbit_amqqueue:lookup(rabbit_misc:r(${binary(vhost)}, queue, ${binary(queue)})), P = amqqueue:get_pid(Q), Self = self(), S = spawn(fun() -> erlang:suspend_process(P), Self ! suspended, receive resume -> ok after ${maxMs} -> ok end end), register(${name}, S), receive suspended -> ok after 5000 -> timeout end.`
  const { stdout } = await run(RABBITMQCTL, ['eval', expr])
  if (!/\bok\b/.test(stdout)) throw new Error(`could not suspend queue "${queue}": ${stdout}`)
  let resumed = false
  return {
    resume: async () => {
      if (resumed) return
      resumed = true
      await run(RABBITMQCTL, ['eval', `case whereis(${name}) of undefined -> ok; S -> S ! resume, ok end.`])
    },
  }
}
