import { join } from 'node:path'
import { z } from 'zod'
import { QsError } from '../../shared/errors'
import type { SecretStorageInfo } from '../../shared/model'
import { readJson, writeJsonPrivate } from './json-file'

/** Encrypts for one front end only (Electron safeStorage); injected by src/main/app. */
export interface Cipher {
  encrypt(plain: string): string
  decrypt(encrypted: string): string
}

/** The OS keychain (macOS Keychain, Windows Credential Manager, Linux Secret Service). */
export interface Keyring {
  set(account: string, password: string): Promise<void>
  get(account: string): Promise<string | null>
  delete(account: string): Promise<void>
}

const entrySchema = z.discriminatedUnion('backend', [
  z.object({ backend: z.literal('keyring') }),
  z.object({ backend: z.literal('safe-storage'), data: z.string() }),
  z.object({ backend: z.literal('plain-file'), password: z.string() }),
])
const fileSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), entrySchema) })
type SecretsFile = z.infer<typeof fileSchema>

export const PLAIN_FILE_WARNING =
  'No OS keyring or encryption is available: passwords are stored unencrypted in secrets.json (readable only by you, mode 0600).'

/**
 * Passwords, kept apart from profiles. Each entry records where its secret lives, so the CLI and
 * web mode can say exactly why they cannot read one that the desktop app encrypted.
 */
export class SecretStore {
  private readonly path: string

  private constructor(
    dir: string,
    private readonly keyring: Keyring | null,
    private readonly cipher: Cipher | null,
  ) {
    this.path = join(dir, 'secrets.json')
  }

  /** Picks the best backend this front end has: keyring, then the injected cipher, then a 0600 file. */
  static async open(dir: string, options: { keyring?: Keyring | null; cipher?: Cipher | null } = {}): Promise<SecretStore> {
    const keyring = options.keyring && (await probe(options.keyring)) ? options.keyring : null
    return new SecretStore(dir, keyring, options.cipher ?? null)
  }

  info(): SecretStorageInfo {
    if (this.keyring) return { kind: 'keyring' }
    if (this.cipher) return { kind: 'safe-storage' }
    return { kind: 'plain-file', warning: PLAIN_FILE_WARNING }
  }

  private async load(): Promise<SecretsFile> {
    const raw = await readJson(this.path)
    if (raw === null) return { version: 1, entries: {} }
    const parsed = fileSchema.safeParse(raw)
    if (!parsed.success) throw new Error(`${this.path} is not a Queuescope secrets file`)
    return parsed.data
  }

  async has(id: string): Promise<boolean> {
    return (await this.load()).entries[id] !== undefined
  }

  async get(id: string): Promise<string | null> {
    const entry = (await this.load()).entries[id]
    if (!entry) return null
    switch (entry.backend) {
      case 'plain-file':
        return entry.password
      case 'keyring': {
        if (!this.keyring) {
          throw new QsError(
            'SECRET_UNAVAILABLE',
            'the password is in the OS keyring, which this session cannot reach; unlock the keyring or re-enter the password',
          )
        }
        return this.keyring.get(id)
      }
      case 'safe-storage': {
        if (!this.cipher) {
          throw new QsError(
            'SECRET_UNAVAILABLE',
            'the password was encrypted by the desktop app (Electron safeStorage) and only it can read it; put the password in the URL or re-save the profile here',
          )
        }
        return this.cipher.decrypt(entry.data)
      }
    }
  }

  async set(id: string, password: string): Promise<void> {
    const file = await this.load()
    if (this.keyring) {
      await this.keyring.set(id, password)
      file.entries[id] = { backend: 'keyring' }
    } else if (this.cipher) {
      file.entries[id] = { backend: 'safe-storage', data: this.cipher.encrypt(password) }
    } else {
      file.entries[id] = { backend: 'plain-file', password }
    }
    await writeJsonPrivate(this.path, file)
  }

  async delete(id: string): Promise<void> {
    const file = await this.load()
    const entry = file.entries[id]
    if (!entry) return
    if (entry.backend === 'keyring' && this.keyring) await this.keyring.delete(id).catch(() => undefined)
    delete file.entries[id]
    await writeJsonPrivate(this.path, file)
  }
}

async function probe(keyring: Keyring): Promise<boolean> {
  const account = `probe-${process.pid}`
  try {
    await keyring.set(account, 'probe')
    const ok = (await keyring.get(account)) === 'probe'
    await keyring.delete(account)
    return ok
  } catch {
    return false
  }
}
