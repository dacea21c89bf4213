import { describe, expect, it } from 'vitest'
import { describeFilter, jsonPathValue, parseFilterExpression } from './replay'

describe('parseFilterExpression', () => {
  it('reads each selector and operator', () => {
    expect(parseFilterExpression('header.tenant=acme')).toEqual({ field: 'header', name: 'tenant', op: 'equals', value: 'acme' })
    expect(parseFilterExpression('property.type~=order')).toEqual({ field: 'property', name: 'type', op: 'contains', value: 'order' })
    expect(parseFilterExpression('body.customer.id=42')).toEqual({ field: 'body', name: 'customer.id', op: 'equals', value: '42' })
    expect(parseFilterExpression('body=~^\\{"a"')).toEqual({ field: 'body', name: '', op: 'regex', value: '^\\{"a"' })
    expect(parseFilterExpression('xdeath.reason=rejected')).toEqual({ field: 'xDeathReason', name: '', op: 'equals', value: 'rejected' })
    expect(parseFilterExpression('header.x-retry?')).toEqual({ field: 'header', name: 'x-retry', op: 'exists', value: '' })
    expect(parseFilterExpression('header.note=a=b')).toMatchObject({ name: 'note', value: 'a=b' })
  })

  it('says what is wrong with a bad expression', () => {
    expect(() => parseFilterExpression('tenant')).toThrow(/write <selector>=<value>/)
    expect(() => parseFilterExpression('colour=red')).toThrow(/unknown selector "colour"/)
    expect(() => parseFilterExpression('body=~(')).toThrow(/not a valid regular expression/)
  })

  it('describes filters in words', () => {
    expect(describeFilter(parseFilterExpression('body.lines[0].sku~=SKU'))).toBe('body lines[0].sku contains SKU')
    expect(describeFilter(parseFilterExpression('xdeath.reason=expired'))).toBe('x-death reason = expired')
  })
})

describe('jsonPathValue', () => {
  const doc = { customer: { id: 42 }, lines: [{ sku: 'A' }, { sku: 'B' }] }
  it('follows keys and indexes, with or without $.', () => {
    expect(jsonPathValue(doc, 'customer.id')).toBe(42)
    expect(jsonPathValue(doc, '$.lines[1].sku')).toBe('B')
    expect(jsonPathValue(doc, 'lines[5].sku')).toBeUndefined()
    expect(jsonPathValue(doc, 'customer.id.more')).toBeUndefined()
    expect(jsonPathValue(doc, '')).toBe(doc)
  })

  it("finds only the document's own keys, never what every object inherits", () => {
    expect(jsonPathValue(doc, 'constructor')).toBeUndefined()
    expect(jsonPathValue(doc, 'customer.toString')).toBeUndefined()
    expect(jsonPathValue(JSON.parse('{"__proto__":{"a":1}}'), '__proto__.a')).toBe(1)
  })
})
