import { brotliCompressSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ENTRY_FIELD_NAME_CHARS, ENTRY_FIELD_NAMES, ENTRY_PREVIEW_CHARS } from '../../../shared/messages'
import { messageFromStreamFields, shortText, StreamPageSummaries, streamFieldsFromMessage } from './redis-encoding'

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

describe('stream entries in summary form (a page as the list shows it)', () => {
  const summarize = (fields: (string | Buffer)[], id = '1700000000000-0') => new StreamPageSummaries().summarize(id, asBuffers(fields))

  it('carries id, time, the size of every field, field names and a preview that reads like the decoded entry', () => {
    const fields = streamFieldsFromMessage(
      Buffer.from('hello'),
      { tenant: 'acme', count: 3, body: 'not the body' },
      { contentType: 'text/plain', timestamp: 1_700_000_100 },
    )
    const summary = summarize(fields, '1700000000000-7')
    expect(summary).toEqual({
      id: '1700000000000-7',
      // The timestamp property (seconds) when Queuescope stored one, else the id's milliseconds.
      time: 1_700_000_100_000,
      size: asBuffers(fields).reduce((sum, field) => sum + field.length, 0),
      // Body first; the reserved-name header under its own name; no properties or typed-header list.
      preview: 'hello  tenant=acme  count=3  body=not the body',
      fields: ['body', 'tenant', 'count', 'qs-header:body', 'qs-header-json', 'qs-properties'],
      fieldCount: 6,
    })
    const full = messageFromStreamFields(asBuffers(fields))
    expect(summary.preview).toBe(
      ['hello', ...Object.entries(full.headers).map(([name, value]) => `${name}=${JSON.stringify(value).replace(/^"|"$/g, '')}`)].join('  '),
    )
  })

  it('takes the time from the id, unless the id is a counter rather than a time', () => {
    expect(summarize(['n', '1'], '1700000000123-4').time).toBe(1_700_000_000_123)
    expect(summarize(['n', '1'], '5-0').time).toBeNull()
  })

  it('reads entries written by others: no body field, fields that only look like its own, binary values', () => {
    expect(summarize(['status', 'new', 'qs-properties', '{not json', 'blob', Buffer.from([0xff, 0x01]), 'nul', Buffer.from([0x41, 0, 0x42])]).preview).toBe(
      'status=new  qs-properties={not json  blob=/wE=  nul=QQBC',
    )
    // A binary body reads as the viewer's raw text does (U+FFFD for bad bytes).
    expect(summarize(['body', Buffer.from([0x41, 0xff, 0x42])]).preview).toBe('A\uFFFDB')
    // A value that holds U+FFFD itself is text.
    expect(summarize(['mark', '\uFFFD']).preview).toBe('mark=\uFFFD')
  })

  it('shows a compressed body decompressed: by content encoding, or by gzip magic without one', () => {
    const json = JSON.stringify({ order: 1, lines: Array.from({ length: 2000 }, (_, i) => ({ sku: `SKU-${i}` })) })
    expect(summarize(['body', gzipSync(json)]).preview).toBe(json.slice(0, ENTRY_PREVIEW_CHARS))
    const br = brotliCompressSync(json)
    expect(summarize(['body', br, 'qs-properties', JSON.stringify({ contentEncoding: 'br' })]).preview).toBe(json.slice(0, ENTRY_PREVIEW_CHARS))
  })

  it('bounds the decompression a page of previews may do: bombs and all, later previews show the stored bytes', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x61))
    const page = new StreamPageSummaries()
    const started = performance.now()
    for (let i = 0; i < 200; i++) expect(page.summarize(`${i + 1}-0`, asBuffers(['body', bomb])).preview.length).toBeLessThanOrEqual(ENTRY_PREVIEW_CHARS)
    expect(performance.now() - started).toBeLessThan(5000)
    const small = gzipSync('{"order":1}')
    expect(page.summarize('201-0', asBuffers(['body', small])).preview).not.toBe('{"order":1}')
    expect(new StreamPageSummaries().summarize('1-0', asBuffers(['body', small])).preview).toBe('{"order":1}')
  })

  it('stays small whatever the entry holds: preview, field names and their count are capped', () => {
    const fields: string[] = ['body', 'é'.repeat(10_000)]
    for (let i = 0; i < 100; i++) fields.push(`${'f'.repeat(200)}${i}`, 'v'.repeat(10_000))
    const summary = summarize(fields)
    expect(summary.preview).toBe('é'.repeat(ENTRY_PREVIEW_CHARS))
    expect(summary.fields).toHaveLength(ENTRY_FIELD_NAMES)
    expect(summary.fields[1]).toBe('f'.repeat(ENTRY_FIELD_NAME_CHARS))
    expect(summary.fieldCount).toBe(101)
    expect(summarize(['a', 'b'.repeat(10_000), 'c', 'd']).preview).toBe(`a=${'b'.repeat(ENTRY_PREVIEW_CHARS - 2)}`)
  })

  it('names each field right when entries of a page name them differently', () => {
    const page = new StreamPageSummaries()
    expect(page.summarize('1-0', asBuffers(['a', '1', 'b', '2'])).fields).toEqual(['a', 'b'])
    expect(page.summarize('2-0', asBuffers(['b', '1', 'a', '2', 'ü', '3'])).preview).toBe('b=1  a=2  ü=3')
    expect(page.summarize('3-0', asBuffers(['body', 'x', 'a', '2'])).fields).toEqual(['body', 'a'])
    expect(page.summarize('4-0', asBuffers(['body', 'y'])).fields).toEqual(['body'])
    expect(page.summarize('5-0', asBuffers(['body', 'z', 'a', '3']))).toMatchObject({ fields: ['body', 'a'], preview: 'z  a=3', fieldCount: 2 })
    expect(page.summarize('6-0', asBuffers([]))).toMatchObject({ fields: [], preview: '', fieldCount: 0, size: 0 })
  })

  it('decodes short ASCII runs itself and anything else as UTF-8', () => {
    expect(shortText(Buffer.from('1700000000000-0'))).toBe('1700000000000-0')
    expect(shortText(Buffer.from('ünï'))).toBe('ünï')
    expect(shortText(Buffer.from('x'.repeat(40)))).toBe('x'.repeat(40))
    expect(shortText(Buffer.alloc(0))).toBe('')
  })
})
