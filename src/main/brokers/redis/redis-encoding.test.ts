import { describe, expect, it } from 'vitest'
import { messageFromStreamFields, streamFieldsFromMessage } from './redis-encoding'

const asBuffers = (fields: (string | Buffer)[]) => fields.map((f) => (typeof f === 'string' ? Buffer.from(f) : f))

describe('stream fields <-> message (docs/architecture.md "Message mapping")', () => {
  it('reads back what publishing wrote: body, headers (reserved names too) and properties', () => {
    const fields = streamFieldsFromMessage(Buffer.from('hello'), { tenant: 'acme', body: 'not the body', 'qs-properties': 'x' }, { contentType: 'text/plain', priority: 2 })
    expect(messageFromStreamFields(asBuffers(fields))).toEqual({
      body: 'hello',
      encoding: 'utf8',
      size: 5,
      properties: { contentType: 'text/plain', priority: 2 },
      headers: { tenant: 'acme', body: 'not the body', 'qs-properties': 'x' },
    })
  })

  it('entries written by others: no body field, binary values', () => {
    expect(messageFromStreamFields(asBuffers(['n', '1', 'blob', Buffer.from([0xff])]))).toEqual({ body: '', encoding: 'utf8', size: 0, properties: {}, headers: { n: '1', blob: '/w==' } })
    expect(messageFromStreamFields(asBuffers(['body', Buffer.from([0, 1])]))).toMatchObject({ body: 'AAE=', encoding: 'base64', size: 2 })
  })
})
