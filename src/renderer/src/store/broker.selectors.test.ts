import { describe, expect, it } from 'vitest'
import type { BrokerOverview } from '../../../shared/broker-overview'
import { countsFor, mergeWarnings, scopeLabel, scopeOptions } from './broker.selectors'

const counts = { connections: 3, channels: 5, consumers: null, scope: 'vhost /' }
const vhosts: BrokerOverview = {
  scope: '/',
  scopeKind: 'vhost',
  scopes: [
    { name: '/', items: 1234 },
    { name: 'billing', items: null },
  ],
  counts,
  warnings: [],
}

describe('scope picker', () => {
  it('labels vhosts with their messages and databases with their keys, when the broker says them', () => {
    expect(scopeLabel('vhost', '/', 1234, 'en-US')).toBe('/ (1,234 msgs)')
    expect(scopeLabel('vhost', 'billing', 1, 'en-US')).toBe('billing (1 msg)')
    expect(scopeLabel('vhost', 'billing', null)).toBe('billing')
    expect(scopeLabel('database', '3', 12, 'en-US')).toBe('db 3 (12 keys)')
    expect(scopeLabel('database', '0', 0, 'en-US')).toBe('db 0 (0 keys)')
  })

  it('lists the scopes in the broker order, and the open one even when the broker does not list it', () => {
    expect(scopeOptions(vhosts, '/', 'en-US')).toEqual([
      { value: '/', label: '/ (1,234 msgs)' },
      { value: 'billing', label: 'billing' },
    ])
    expect(scopeOptions(vhosts, 'hidden', 'en-US').map((o) => o.value)).toEqual(['hidden', '/', 'billing'])
  })
})

describe('broker counts', () => {
  it('shows counts only for the scope they were read on', () => {
    expect(countsFor(vhosts, '/')).toBe(counts)
    expect(countsFor(vhosts, 'billing')).toBeNull()
    expect(countsFor(vhosts, undefined)).toBeNull()
    expect(countsFor(null, '/')).toBeNull()
  })

  it('says each warning once, listing warnings first', () => {
    expect(mergeWarnings(['management API unreachable', 'b'], null, ['management API unreachable', 'c'])).toEqual(['management API unreachable', 'b', 'c'])
    expect(mergeWarnings(undefined, null)).toEqual([])
  })
})
