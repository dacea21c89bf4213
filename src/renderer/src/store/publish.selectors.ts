import type { SourceItem } from '../../../shared/model'
import type { HeaderValue, MessageProperties, PublishRequest, PublishResult } from '../../../shared/publish'
import type { AppState } from './app.store'
import type { PublishDraft, PublishOutcome, RecentPublish } from './publish.slice'

export const selectPublishDraft = (state: AppState): PublishDraft => state.publishDraft
export const selectPublishing = (state: AppState): boolean => state.publishing
export const selectRecentPublishes = (state: AppState): RecentPublish[] => state.recentPublishes

/** The last publish's outcome, only while the same target is shown. */
export const selectLastPublishFor =
  (connectionId: string, target: string) =>
  (state: AppState): PublishOutcome | null => {
    const last = state.lastPublish
    return last !== null && last.connectionId === connectionId && last.target === target ? last : null
  }

/** Where a publish from this source's tab goes: queues through the default exchange, by name. */
export function publishTargetOf(item: SourceItem): string {
  return `${item.kind}:${item.name}`
}

/** The JSON hint under the body: null when there is nothing to say. */
export function jsonHint(draft: Pick<PublishDraft, 'body' | 'contentType'>): { valid: boolean; text: string } | null {
  if (!/json/i.test(draft.contentType) || draft.body.trim() === '') return null
  try {
    JSON.parse(draft.body)
    return { valid: true, text: 'Valid JSON' }
  } catch (err) {
    return { valid: false, text: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` }
  }
}

/** Whether the body editor treats the body as JSON (highlighting, lint): a JSON content type, or a body that starts like JSON. */
export function isJsonBody(draft: Pick<PublishDraft, 'body' | 'contentType'>): boolean {
  return /json/i.test(draft.contentType) || /^\s*[[{]/.test(draft.body)
}

/** The form as a messages:publish request: empty fields are left out, header values stay strings. */
export function buildPublishRequest(connectionId: string, target: string, draft: PublishDraft): PublishRequest {
  const headers: Record<string, HeaderValue> = {}
  for (const row of draft.headers) {
    const name = row.name.trim()
    if (name !== '') headers[name] = row.value
  }
  const properties: MessageProperties = {}
  const request: PublishRequest = { connectionId, target, body: draft.body, encoding: 'utf8', headers, properties }
  if (target.startsWith('exchange:')) request.routingKey = draft.routingKey
  // Redis lists carry the body alone (docs/architecture.md "Message mapping").
  if (target.startsWith('list:')) return { ...request, headers: {}, listEnd: draft.listEnd }
  if (target.startsWith('queue:') || target.startsWith('exchange:')) properties.deliveryMode = draft.deliveryMode
  const text = {
    contentType: draft.contentType,
    messageId: draft.messageId,
    correlationId: draft.correlationId,
    replyTo: draft.replyTo,
    expiration: draft.expiration,
    type: draft.type,
    appId: draft.appId,
  }
  for (const [key, value] of Object.entries(text) as [keyof typeof text, string][]) {
    if (value.trim() !== '') properties[key] = value.trim()
  }
  if (/^\d+$/.test(draft.priority.trim())) properties.priority = Math.min(255, Number(draft.priority.trim()))
  return request
}

/** The result line: "Routed" (with the stream id or list length when there is one) or "Unroutable: <reason>". */
export function describePublishResult(result: PublishResult): string {
  if (!result.routed) return `Unroutable: ${result.reason ?? 'no queue is bound for this routing key'}`
  if (result.id !== undefined) return `Routed (entry ${result.id})`
  if (result.count !== undefined) return `Routed (length ${result.count.toLocaleString()})`
  return 'Routed'
}

/** The "Recent" select's option text. */
export function describeRecent(recent: RecentPublish): string {
  const body = recent.draft.body.replace(/\s+/g, ' ').slice(0, 40)
  return `${new Date(recent.at).toLocaleTimeString()} · ${recent.target} · ${body || '(empty body)'}`
}
