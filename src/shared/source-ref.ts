import { QsError } from './errors'

export const REF_KINDS = ['queue', 'exchange', 'stream', 'list', 'channel', 'bullmq'] as const
export type RefKind = (typeof REF_KINDS)[number]

export interface SourceRef {
  kind: RefKind
  name: string
}

/**
 * Parses `<kind>:<name>` (docs/architecture.md "Broker model"). Only the first colon separates kind from
 * name, so `stream:orders:events` is the stream named `orders:events`.
 */
export function parseSourceRef(text: string): SourceRef {
  const colon = text.indexOf(':')
  if (colon <= 0) {
    throw new QsError('BAD_REQUEST', `"${text}" is not a source: write <kind>:<name>, e.g. queue:orders (kinds: ${REF_KINDS.join(', ')})`)
  }
  const kind = text.slice(0, colon)
  const name = text.slice(colon + 1)
  if (!(REF_KINDS as readonly string[]).includes(kind)) {
    throw new QsError('BAD_REQUEST', `unknown kind "${kind}" in "${text}" (kinds: ${REF_KINDS.join(', ')})`)
  }
  if (name.length === 0 && kind !== 'exchange') {
    throw new QsError('BAD_REQUEST', `"${text}" has no name after the colon`)
  }
  return { kind: kind as RefKind, name }
}

export function formatSourceRef(ref: SourceRef): string {
  return `${ref.kind}:${ref.name}`
}
