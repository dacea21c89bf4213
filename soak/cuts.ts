/**
 * Reconnect cycles: the load process cuts each broker's proxy every period (Redis half a period
 * after RabbitMQ), and the core's own status events tell how long the connection took to reopen.
 */
import type { Fixture } from './fixture'
import type { LoadProcess } from './load-process'
import type { Broker } from './protocol'

export interface CutCycle {
  broker: Broker
  /** Seconds from the cut until the connection was open again; null when it was not before the next cut. */
  reopenedAfter: number | null
}

/** Cuts each broker's proxy every period (Redis half a period after RabbitMQ) and times the way back. */
export function startCuts(fixture: Fixture, load: LoadProcess, periodS: number): { cycles: CutCycle[]; stop(): void } {
  const cycles: CutCycle[] = []
  const waiting = new Map<Broker, { at: number; cycle: CutCycle }>()
  const off = fixture.core.workspace.onStatus((status) => {
    const broker = status.connectionId === fixture.ids.rabbitmq ? 'rabbitmq' : 'redis'
    const cut = waiting.get(broker)
    if (cut && status.state === 'open') {
      cut.cycle.reopenedAfter = (Date.now() - cut.at) / 1000
      waiting.delete(broker)
    }
  })
  const cut = (broker: Broker): void => {
    const cycle: CutCycle = { broker, reopenedAfter: null }
    cycles.push(cycle)
    waiting.set(broker, { at: Date.now(), cycle })
    load.cut(broker)
  }
  const timers: NodeJS.Timeout[] = [setInterval(() => cut('rabbitmq'), periodS * 1000)]
  timers.push(
    setTimeout(() => {
      cut('redis')
      timers.push(setInterval(() => cut('redis'), periodS * 1000))
    }, periodS * 1500),
  )
  return {
    cycles,
    stop: () => {
      for (const timer of timers) clearTimeout(timer)
      off()
      // The last cut may not have had its chance yet.
      for (const { cycle } of waiting.values()) cycles.splice(cycles.indexOf(cycle), 1)
    },
  }
}
