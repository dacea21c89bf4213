import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { messageFromStreamFields, streamFieldsFromMessage } from './redis-encoding'

const asBuffers = (fields: (string | Buffer)[]) => fields.map((f) => (typeof f === 'string' ? Buffer.from(f) : f))

describe('stream fields <-> message (docs/architecture.md "Message mapping")', () => {
  it('reads back what publishing wrote: body, headers (reserved names too) and properties', () => {
    const fields = streamFieldsFromMessage(
      Buffer.from('hello'),
      { tenant: 'acme', body: 'not the body', 'qs-properties': 'x' },
      { contentType: 'text/plain', priority: 2 },
    )
    expect(messageFromStreamFields(asBuffers(fields))).toEqual({
      body: 'hello',
      encoding: 'utf8',
      size: 5,
      properties: { contentType: 'text/plain', priority: 2 },
      headers: { tenant: 'acme', body: 'not the body', 'qs-properties': 'x' },
    })
  })

  it('entries written by others: no body field, binary values', () => {
    expect(messageFromStreamFields(asBuffers(['n', '1', 'blob', Buffer.from([0xff])]))).toEqual({
      body: '',
      encoding: 'utf8',
      size: 0,
      properties: {},
      headers: { n: '1', blob: '/w==' },
    })
    expect(messageFromStreamFields(asBuffers(['body', Buffer.from([0, 1])]))).toMatchObject({ body: 'AAE=', encoding: 'base64', size: 2 })
  })

  it('gives typed headers back their type (reserved names too), whichever side of them the list of typed fields comes', () => {
    const headers = { count: 3, table: { a: [1, 'x'] }, flag: true, body: 7, text: '42' }
    const fields = streamFieldsFromMessage(Buffer.from('b'), headers, {})
    expect(messageFromStreamFields(asBuffers(fields)).headers).toEqual(headers)
    const typedAt = fields.indexOf('qs-header-json')
    const typedFirst = [...fields.slice(typedAt, typedAt + 2), ...fields.slice(0, typedAt), ...fields.slice(typedAt + 2)]
    expect(messageFromStreamFields(asBuffers(typedFirst)).headers).toEqual(headers)
  })

  it('keeps fields that only look like its own as headers: properties that do not parse, a list of typed fields that is not one', () => {
    const message = messageFromStreamFields(asBuffers(['body', 'x', 'qs-properties', '{not json', 'qs-header-json', '{"a":1}', 'n', '1']))
    expect(message.properties).toEqual({})
    expect(message.headers).toEqual({ 'qs-properties': '{not json', 'qs-header-json': '{"a":1}', n: '1' })
  })

  it('keeps a field named __proto__ as a header, as text or as a typed table, and writes it back', () => {
    const plain = messageFromStreamFields(asBuffers(['body', 'x', '__proto__', 'text']))
    expect(Object.keys(plain.headers)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(plain.headers)).toBe(Object.prototype)
    const typed = messageFromStreamFields(asBuffers(['body', 'x', '__proto__', '{"polluted":true}', 'qs-header-json', '["__proto__"]']))
    expect(Object.getOwnPropertyDescriptor(typed.headers, '__proto__')?.value).toEqual({ polluted: true })
    expect((typed.headers as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(streamFieldsFromMessage(Buffer.from('x'), typed.headers, {}).map(String)).toEqual([
      'body',
      'x',
      '__proto__',
      '{"polluted":true}',
      'qs-header-json',
      '["__proto__"]',
    ])
  })

  it('shows a gzipped body decompressed beside the bytes as they are', () => {
    const zipped = gzipSync('{"order":1}')
    const message = messageFromStreamFields(asBuffers(['body', zipped, 'qs-properties', JSON.stringify({ contentEncoding: 'gzip' })]))
    expect(message).toMatchObject({ encoding: 'base64', size: zipped.length, decoded: { contentEncoding: 'gzip', body: '{"order":1}', encoding: 'utf8' } })
  })
})
