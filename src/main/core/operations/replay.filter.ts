import { compileFilterRegex, jsonPathValue, ownValue, type ReplayFilter } from '../../../shared/replay'
import type { ReadMessage } from '../../brokers/replay'

/** A compiled filter set: true when a message meets every condition. */
export type MessagePredicate = (message: ReadMessage) => boolean

/** Header and property values as text for comparison: Buffers as UTF-8, tables as JSON. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (typeof value === 'object') {
    const typed = value as { '!'?: unknown; value?: unknown }
    if (typeof typed['!'] === 'string' && 'value' in typed) return asText(typed.value)
    return JSON.stringify(value, (_key, inner: unknown) => (Buffer.isBuffer(inner) ? inner.toString('utf8') : (inner as object)))
  }
  return String(value)
}

export function compileFilters(filters: readonly ReplayFilter[]): MessagePredicate {
  const tests = filters.map((filter) => compileOne(filter))
  return (message) => tests.every((test) => test(message))
}

function compileOne(filter: ReplayFilter): MessagePredicate {
  const regex = filter.op === 'regex' ? compileFilterRegex(filter) : null
  const compare = (value: string | undefined): boolean => {
    if (filter.op === 'exists') return value !== undefined
    if (value === undefined) return false
    if (filter.op === 'equals') return value === filter.value
    if (filter.op === 'contains') return value.includes(filter.value)
    return regex!.test(value)
  }
  switch (filter.field) {
    case 'property':
      return (m) => compare(asText(ownValue(m.properties as Record<string, unknown>, filter.name)))
    case 'header':
      return (m) => compare(asText(ownValue(m.headers, filter.name)))
    case 'xDeathReason':
      return (m) => compare(m.xDeath?.[0]?.reason)
    case 'body':
      if (!filter.name) return (m) => compare(m.body.toString('utf8'))
      return (m) => {
        let parsed: unknown
        try {
          parsed = JSON.parse(m.body.toString('utf8'))
        } catch {
          return false // not JSON: a path cannot match
        }
        return compare(asText(jsonPathValue(parsed, filter.name)))
      }
  }
}
