import { describe, expect, it } from 'vitest'
import { takeAccessToken, TOKEN_STORAGE_KEY, webSocketUrl, type PageLike } from './web-token'

function page(href: string, stored: Record<string, string> = {}): PageLike & { href: () => string; stored: Record<string, string> } {
  let url = new URL(href)
  const storage = {
    getItem: (key: string) => stored[key] ?? null,
    setItem: (key: string, value: string) => void (stored[key] = value),
  }
  return {
    get location() {
      return { hash: url.hash, pathname: url.pathname, search: url.search }
    },
    history: { replaceState: (_d: unknown, _u: string, next: string) => void (url = new URL(next, url)) },
    storage: () => storage,
    href: () => url.href,
    stored,
  }
}

describe('the web access token', () => {
  it('comes from the fragment, is kept for this tab and removed from the address bar', () => {
    const p = page('http://127.0.0.1:4710/#token=abc-123')
    expect(takeAccessToken(p)).toBe('abc-123')
    expect(p.href()).toBe('http://127.0.0.1:4710/')
    expect(p.stored[TOKEN_STORAGE_KEY]).toBe('abc-123')
  })

  it('survives a reload from storage, and a new URL replaces an old token', () => {
    expect(takeAccessToken(page('http://127.0.0.1:4710/', { [TOKEN_STORAGE_KEY]: 'kept' }))).toBe('kept')
    const p = page('http://127.0.0.1:4710/#token=new', { [TOKEN_STORAGE_KEY]: 'old' })
    expect(takeAccessToken(p)).toBe('new')
    expect(p.stored[TOKEN_STORAGE_KEY]).toBe('new')
  })

  it('keeps the rest of the address', () => {
    const p = page('http://127.0.0.1:4710/queues?x=1#token=t&tab=2')
    expect(takeAccessToken(p)).toBe('t')
    expect(p.href()).toBe('http://127.0.0.1:4710/queues?x=1#tab=2')
  })

  it('is null without one, and works where storage is disabled', () => {
    expect(takeAccessToken(page('http://127.0.0.1:4710/'))).toBeNull()
    const p = page('http://127.0.0.1:4710/#token=t')
    p.storage = () => {
      throw new Error('SecurityError')
    }
    expect(takeAccessToken(p)).toBe('t')
  })

  it('goes to the WebSocket of the same host and port only', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:4710' }, 'a/b+c')).toBe('ws://127.0.0.1:4710/ws?token=a%2Fb%2Bc')
    expect(webSocketUrl({ protocol: 'https:', host: '[::1]:9' }, 't')).toBe('wss://[::1]:9/ws?token=t')
  })
})
