import { describe, expect, it } from 'vitest'
import { buildPublishRequest, describePublishResult, isJsonBody, jsonHint } from './publish.selectors'
import { EMPTY_DRAFT } from './publish.slice'

describe('publish selectors', () => {
  it('hints at JSON validity only for a JSON content type and a body', () => {
    expect(jsonHint({ body: '', contentType: 'application/json' })).toBeNull()
    expect(jsonHint({ body: '{"a":1}', contentType: 'application/json' })).toEqual({ valid: true, text: 'Valid JSON' })
    expect(jsonHint({ body: '{"a":', contentType: 'application/json' })?.valid).toBe(false)
    expect(jsonHint({ body: '{"a":', contentType: 'text/plain' })).toBeNull()
  })

  it('edits the body as JSON for a JSON content type or a body that starts like JSON', () => {
    expect(isJsonBody({ contentType: 'application/json', body: '' })).toBe(true)
    expect(isJsonBody({ contentType: 'application/vnd.api+JSON', body: 'x' })).toBe(true)
    expect(isJsonBody({ contentType: '', body: '  {"a":1}' })).toBe(true)
    expect(isJsonBody({ contentType: 'text/plain', body: '[1' })).toBe(true)
    expect(isJsonBody({ contentType: 'text/plain', body: 'hello {}' })).toBe(false)
    expect(isJsonBody({ contentType: '', body: '' })).toBe(false)
  })

  it('builds a queue publish: persistent by default, empty fields and header rows left out', () => {
    const draft = {
      ...EMPTY_DRAFT,
      body: '{}',
      messageId: ' m-1 ',
      priority: '7',
      headers: [
        { name: 'tenant', value: 'acme' },
        { name: ' ', value: 'x' },
      ],
    }
    expect(buildPublishRequest('p1', 'queue:orders', draft)).toEqual({
      connectionId: 'p1',
      target: 'queue:orders',
      body: '{}',
      encoding: 'utf8',
      headers: { tenant: 'acme' },
      properties: { deliveryMode: 2, contentType: 'application/json', messageId: 'm-1', priority: 7 },
    })
  })

  it('adds the routing key for exchanges and the end for lists (which carry the body alone)', () => {
    expect(buildPublishRequest('p1', 'exchange:events', { ...EMPTY_DRAFT, routingKey: 'order.created' }).routingKey).toBe('order.created')
    const list = buildPublishRequest('p1', 'list:jobs', { ...EMPTY_DRAFT, listEnd: 'right', headers: [{ name: 'a', value: 'b' }] })
    expect(list).toMatchObject({ listEnd: 'right', headers: {}, properties: {} })
  })

  it('does not send an AMQP delivery mode to a Redis stream', () => {
    expect(buildPublishRequest('p1', 'stream:events', EMPTY_DRAFT).properties).toEqual({ contentType: 'application/json' })
  })

  it('says routed or unroutable with the reason', () => {
    expect(describePublishResult({ routed: true })).toBe('Routed')
    expect(describePublishResult({ routed: false, reason: 'NO_ROUTE' })).toBe('Unroutable: NO_ROUTE')
    expect(describePublishResult({ routed: true, id: '1-0' })).toBe('Routed (entry 1-0)')
  })
})
