import type { Keyring } from './secrets'

const SERVICE = 'queuescope'

/**
 * The OS keyring through @napi-rs/keyring. On Linux it is pinned to the Secret Service: the
 * library's fallback, the kernel keyring, forgets everything at reboot.
 * Returns null when the native module cannot load on this platform.
 */
export async function osKeyring(): Promise<Keyring | null> {
  let mod: typeof import('@napi-rs/keyring')
  try {
    mod = await import('@napi-rs/keyring')
  } catch {
    return null
  }
  const entry = (account: string) => new mod.AsyncEntry(SERVICE, account, { linux: { store: 'secret-service' } })
  return {
    set: (account, password) => entry(account).setPassword(password),
    get: (account) => entry(account).getPassword(),
    delete: async (account) => {
      await entry(account).deleteCredential()
    },
  }
}
