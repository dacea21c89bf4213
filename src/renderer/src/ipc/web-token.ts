/**
 * Web mode's access token. The printed URL carries it in the fragment (`/#token=…`), which the
 * browser never sends to a server nor puts in a Referer. The page keeps it in sessionStorage,
 * which belongs to this tab and this origin (so this port: two instances never share it), removes
 * it from the address bar, and hands it to the WebSocket, the only request that needs it.
 */

export const TOKEN_STORAGE_KEY = 'queuescope.token'

export interface PageLike {
  location: { hash: string; pathname: string; search: string }
  history: { replaceState(data: unknown, unused: string, url: string): void }
  /** A getter: reading sessionStorage throws where storage is disabled. */
  storage(): { getItem(key: string): string | null; setItem(key: string, value: string): void } | null
}

/** The token from the fragment (then stored and removed from the address bar), else the stored one. */
export function takeAccessToken(page: PageLike): string | null {
  const fragment = new URLSearchParams(page.location.hash.replace(/^#/, ''))
  const given = fragment.get('token')
  const storage = safely(() => page.storage())
  if (given) {
    safely(() => storage?.setItem(TOKEN_STORAGE_KEY, given))
    fragment.delete('token')
    const rest = fragment.toString()
    page.history.replaceState(null, '', `${page.location.pathname}${page.location.search}${rest ? `#${rest}` : ''}`)
    return given
  }
  return safely(() => storage?.getItem(TOKEN_STORAGE_KEY) ?? null) ?? null
}

/** The WebSocket URL of the server that served this page, with the token. */
export function webSocketUrl(location: { protocol: string; host: string }, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`
}

function safely<T>(read: () => T): T | null {
  try {
    return read()
  } catch {
    return null
  }
}
