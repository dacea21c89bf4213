import { describe, expect, it } from 'vitest'
import { bodyPreview, formatClock, tailLabel } from './tail.selectors'

describe('tail selectors', () => {
  it('previews a body on one line, and binary as what it is', () => {
    expect(bodyPreview({ body: '{\n  "a": 1\n}', encoding: 'utf8', size: 12 })).toBe('{ "a": 1 }')
    expect(bodyPreview({ body: btoa('\u0000\u0001\u0002\u00ff\u00fe'), encoding: 'base64', size: 5 })).toBe('binary, 5 bytes')
  })

  it('labels pattern messages by their channel', () => {
    const message = { seq: 1, id: '7', channel: 'orders.eu', at: 0, body: '', encoding: 'utf8' as const, size: 0, headers: {} }
    expect(tailLabel(message, true)).toBe('orders.eu')
    expect(tailLabel(message, false)).toBe('7')
  })

  it('shows arrival to the millisecond', () => {
    expect(formatClock(new Date(2026, 10, 27, 9, 5, 7, 42).getTime())).toBe('09:05:07.042')
  })
})
