import type { Setting } from '../../../shared/topology'
import { formatDuration } from '../../../shared/trend'

type Raw = Record<string, unknown>

/** Argument keys (x-…) and their policy-key twins, in the order users care about. */
const KNOWN: { arg: string; policy: string; label: string; format: (v: unknown) => string }[] = [
  {
    arg: 'x-dead-letter-exchange',
    policy: 'dead-letter-exchange',
    label: 'Dead-letter exchange',
    format: (v) => (v === '' ? '(default exchange)' : String(v)),
  },
  { arg: 'x-dead-letter-routing-key', policy: 'dead-letter-routing-key', label: 'Dead-letter routing key', format: String },
  { arg: 'x-dead-letter-strategy', policy: 'dead-letter-strategy', label: 'Dead-letter strategy', format: String },
  {
    arg: 'x-delivery-limit',
    policy: 'delivery-limit',
    label: 'Delivery limit',
    format: (v) => (Number(v) < 0 ? 'unlimited' : `${Number(v)} deliveries, then dropped or dead-lettered`),
  },
  { arg: 'x-max-length', policy: 'max-length', label: 'Max length', format: (v) => `${count(v)} messages` },
  { arg: 'x-max-length-bytes', policy: 'max-length-bytes', label: 'Max length (bytes)', format: (v) => bytes(Number(v)) },
  { arg: 'x-overflow', policy: 'overflow', label: 'When full', format: overflow },
  { arg: 'x-message-ttl', policy: 'message-ttl', label: 'Message TTL', format: (v) => duration(Number(v)) },
  { arg: 'x-expires', policy: 'expires', label: 'Queue expires when unused for', format: (v) => duration(Number(v)) },
  { arg: 'x-max-age', policy: 'max-age', label: 'Stream retention (age)', format: String },
  { arg: 'x-stream-max-segment-size-bytes', policy: 'stream-max-segment-size-bytes', label: 'Stream segment size', format: (v) => bytes(Number(v)) },
  { arg: 'x-single-active-consumer', policy: 'single-active-consumer', label: 'Single active consumer', format: (v) => (v ? 'yes' : 'no') },
  { arg: 'x-max-priority', policy: 'max-priority', label: 'Max priority', format: String },
  { arg: 'x-queue-mode', policy: 'queue-mode', label: 'Queue mode', format: String },
  { arg: 'x-queue-version', policy: 'queue-version', label: 'Queue version', format: String },
  { arg: 'x-queue-leader-locator', policy: 'queue-leader-locator', label: 'Leader locator', format: String },
  { arg: 'x-quorum-initial-group-size', policy: 'initial-cluster-size', label: 'Initial replicas', format: String },
  { arg: 'alternate-exchange', policy: 'alternate-exchange', label: 'Alternate exchange (unroutable go to)', format: String },
]

function count(v: unknown): string {
  return new Intl.NumberFormat('en-US').format(Number(v))
}

function bytes(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}

/** Milliseconds in words: 86400000 -> "1 d", 90000 -> "1 min 30 s". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  return ms < 1000 ? `${ms} ms` : formatDuration(ms / 1000)
}

function overflow(v: unknown): string {
  switch (v) {
    case 'drop-head':
      return 'drop the oldest message (drop-head)'
    case 'reject-publish':
      return 'refuse new messages (reject-publish)'
    case 'reject-publish-dlx':
      return 'refuse new messages and dead-letter them (reject-publish-dlx)'
    default:
      return String(v)
  }
}

/**
 * The settings that shape a queue's behaviour, in words. A queue argument wins over a policy key
 * for the same setting (RabbitMQ's own precedence for most keys); unknown x-arguments are listed
 * as they are, so nothing is hidden.
 */
export function describeSettings(args: Raw, policy: Raw = {}, operatorPolicy: Raw = {}): Setting[] {
  const settings: Setting[] = []
  const seen = new Set<string>()
  for (const known of KNOWN) {
    const sources: [Raw, string, Setting['from']][] = [
      [args, known.arg, 'argument'],
      [policy, known.policy, 'policy'],
      [operatorPolicy, known.policy, 'operator-policy'],
    ]
    const hit = sources.find(([bag, key]) => bag[key] !== undefined)
    seen.add(known.arg)
    if (!hit) continue
    const [bag, key, from] = hit
    settings.push({ key, label: known.label, value: known.format(bag[key]), from })
  }
  for (const [key, value] of Object.entries(args)) {
    if (seen.has(key) || key === 'x-queue-type') continue
    settings.push({ key, label: key, value: typeof value === 'string' ? value : JSON.stringify(value), from: 'argument' })
  }
  return settings
}
