import { describe, expect, it } from 'vitest'
import { CALL_CHANNELS, EVENT_CHANNELS, calls } from './contract'
import { CALL_CHANNEL_NAMES, EVENT_CHANNEL_NAMES } from './channels'
import { methodName, subscribeName } from './api'
import { profileViewSchema } from './model'

describe('contract', () => {
  it('the preload channel list is exactly the contract', () => {
    expect([...CALL_CHANNEL_NAMES].sort()).toEqual([...CALL_CHANNELS].sort())
    expect([...EVENT_CHANNEL_NAMES].sort()).toEqual([...EVENT_CHANNELS].sort())
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
    expect(writes).not.toContain('sources:list')
  })

  it('has no place for a password in what the renderer sees', () => {
    expect(Object.keys(profileViewSchema.shape)).not.toContain('password')
    const parsed = profileViewSchema.parse({ id: '1', name: 'n', broker: 'redis', url: 'redis://h', readOnly: false, color: 'none', hasPassword: true, password: 'x' })
    expect(parsed).not.toHaveProperty('password')
  })
})
