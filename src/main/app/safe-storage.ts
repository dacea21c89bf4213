import { safeStorage } from 'electron'
import type { Cipher } from '../storage/secrets'

/**
 * Electron safeStorage as a Cipher, or null where it gives no protection: unavailable, or on
 * Linux the `basic_text` backend, which encrypts with a hard-coded key (docs/broker-facts.md "Electron").
 */
export function safeStorageCipher(): Cipher | null {
  if (!safeStorage.isEncryptionAvailable()) return null
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return null
  return {
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (encrypted) => safeStorage.decryptString(Buffer.from(encrypted, 'base64')),
  }
}
