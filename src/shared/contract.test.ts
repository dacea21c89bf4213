import { describe, expect, it } from 'vitest'
import { CALL_CHANNELS, EVENT_CHANNELS, calls } from './contract'
import { CALL_CHANNEL_NAMES, EVENT_CHANNEL_NAMES, IDEMPOTENT_CALL_NAMES } from './channels'
import { methodName, subscribeName } from './api'
import { profileViewSchema } from './model'

describe('contract', () => {
  it('the preload channel list is exactly the contract', () => {
    expect([...CALL_CHANNEL_NAMES].sort()).toEqual([...CALL_CHANNELS].sort())
    expect([...EVENT_CHANNEL_NAMES].sort()).toEqual([...EVENT_CHANNELS].sort())
    expect([...IDEMPOTENT_CALL_NAMES].sort()).toEqual(CALL_CHANNELS.filter((c) => calls[c].idempotent).sort())
  })

  it('names calls domain:verb and events domain:noun', () => {
    for (const channel of [...CALL_CHANNELS, ...EVENT_CHANNELS]) expect(channel).toMatch(/^[a-z]+:[a-z-]+$/)
  })

  it('derives method names', () => {
    expect(methodName('profiles:list')).toBe('profilesList')
    expect(methodName('connection:connect')).toBe('connectionConnect')
    expect(subscribeName('connection:status')).toBe('onConnectionStatus')
  })

  it('marks broker writes so the read-only guard sees them', () => {
    const writes = CALL_CHANNELS.filter((c) => calls[c].writes)
    expect(writes).toContain('messages:publish')
    expect(writes).toContain('sources:purge')
    expect(writes).not.toContain('sources:list')
    expect(writes).not.toContain('messages:peek')
  })

  it('has no place for a password in what the renderer sees', () => {
    expect(Object.keys(profileViewSchema.shape)).not.toContain('password')
    const parsed = profileViewSchema.parse({
      id: '1',
      name: 'n',
      broker: 'redis',
      url: 'redis://h',
      readOnly: false,
      color: 'none',
      watchQueues: [],
      hasPassword: true,
      password: 'x',
    })
    expect(parsed).not.toHaveProperty('password')
  })
})

describe('messages:peek and sources:purge requests', () => {
  it('peek: count defaults to 50 and stays within 1..1000; from is typed', () => {
    const peek = calls['messages:peek'].request
    expect(peek.parse({ connectionId: 'c', source: 'queue:q' })).toEqual({
      connectionId: 'c',
      source: 'queue:q',
      count: 50,
      acceptDeliveryLimitRisk: false,
      form: 'full',
    })
    expect(peek.safeParse({ connectionId: 'c', source: 'queue:q', count: 0 }).success).toBe(false)
    expect(peek.safeParse({ connectionId: 'c', source: 'queue:q', count: 1001 }).success).toBe(false)
    expect(peek.safeParse({ connectionId: 'c', source: 'queue:q', from: { type: 'offset', value: 5 } }).success).toBe(true)
    expect(peek.safeParse({ connectionId: 'c', source: 'queue:q', from: { type: 'offset' } }).success).toBe(false)
  })

  it('peek: a page is full messages unless a stream page is asked in summary form; streams:entry reads one entry by id', () => {
    const peek = calls['messages:peek'].request
    expect(peek.parse({ connectionId: 'c', source: 'stream:s', form: 'summary' }).form).toBe('summary')
    expect(peek.safeParse({ connectionId: 'c', source: 'stream:s', form: 'headers' }).success).toBe(false)
    const entry = calls['streams:entry']
    expect(entry.idempotent).toBe(true)
    expect(entry.writes).toBe(false)
    expect(entry.request.safeParse({ connectionId: 'c', source: 'stream:s', id: '1700000000000-0' }).success).toBe(true)
    expect(entry.request.safeParse({ connectionId: 'c', source: 'stream:s' }).success).toBe(false)
    expect(entry.request.safeParse({ connectionId: 'c', source: 'stream:s', id: 'x'.repeat(65) }).success).toBe(false)
  })

  it('purge needs a confirmation string', () => {
    expect(calls['sources:purge'].request.safeParse({ connectionId: 'c', source: 'queue:q' }).success).toBe(false)
  })
})
