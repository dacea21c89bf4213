import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { parseConnectionUrl, stripPassword } from '../../shared/connection-url'
import { QsError } from '../../shared/errors'
import { envColorSchema, brokerSchema, profileInputSchema, type ProfileInput, type ProfileView } from '../../shared/model'
import { readJson, writeJsonPrivate } from './json-file'
import type { SecretStore } from './secrets'
import { sameAudience } from '../../shared/secret-audience'

const storedProfileSchema = z.object({
  id: z.string(),
  name: z.string(),
  broker: brokerSchema,
  url: z.string(),
  managementUrl: z.string().optional(),
  readOnly: z.boolean(),
  color: envColorSchema,
  watchQueues: z.array(z.string()).default([]),
})
export type StoredProfile = z.infer<typeof storedProfileSchema>

const fileSchema = z.object({ version: z.literal(1), profiles: z.array(storedProfileSchema) })

/** Offered on first run: the brokers a developer most likely has on this machine. */
export const FIRST_RUN_PROFILES: (ProfileInput & { password?: string })[] = [
  { name: 'Local RabbitMQ', broker: 'rabbitmq', url: 'amqp://guest@127.0.0.1:5672/', password: 'guest', readOnly: false, color: 'none' },
  { name: 'Local Redis', broker: 'redis', url: 'redis://127.0.0.1:6379/0', readOnly: false, color: 'none' },
]

/** Connection profiles in profiles.json (no passwords: those live in the SecretStore). */
export class ProfileStore {
  private readonly path: string
  private writing: Promise<unknown> = Promise.resolve()

  constructor(
    dir: string,
    private readonly secrets: SecretStore,
  ) {
    this.path = join(dir, 'profiles.json')
  }

  private async load(): Promise<StoredProfile[] | null> {
    const raw = await readJson(this.path)
    if (raw === null) return null
    const parsed = fileSchema.safeParse(raw)
    if (!parsed.success) throw new QsError('INTERNAL', `${this.path} is not a Queuescope profiles file: ${parsed.error.issues[0]?.message ?? ''}`)
    return parsed.data.profiles
  }

  private async persist(profiles: StoredProfile[]): Promise<void> {
    await writeJsonPrivate(this.path, { version: 1, profiles })
  }

  /** Serialises read-modify-write cycles so two saves never lose one another. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writing.then(work)
    this.writing = run.catch(() => undefined)
    return run
  }

  /** All profiles; on first run (no file yet) seeds the local RabbitMQ and Redis profiles. */
  async list(): Promise<StoredProfile[]> {
    const existing = await this.load()
    if (existing) return existing
    return this.exclusive(async () => {
      const again = await this.load()
      if (again) return again
      const seeded: StoredProfile[] = []
      for (const input of FIRST_RUN_PROFILES) {
        const profile = { ...toStored(input, randomUUID()) }
        if (input.password) await this.secrets.set(profile.id, input.password)
        seeded.push(profile)
      }
      await this.persist(seeded)
      return seeded
    })
  }

  async get(id: string): Promise<StoredProfile> {
    const profile = (await this.list()).find((p) => p.id === id)
    if (!profile) throw new QsError('NOT_FOUND', `no profile with id "${id}"`)
    return profile
  }

  async findByName(name: string): Promise<StoredProfile> {
    const profiles = await this.list()
    const profile = profiles.find((p) => p.name === name) ?? profiles.find((p) => p.name.toLowerCase() === name.toLowerCase())
    if (!profile) {
      throw new QsError('NOT_FOUND', `no profile named "${name}" (profiles: ${profiles.map((p) => p.name).join(', ') || 'none'})`)
    }
    return profile
  }

  async view(profile: StoredProfile): Promise<ProfileView> {
    return { ...profile, hasPassword: await this.secrets.has(profile.id) }
  }

  async save(raw: ProfileInput): Promise<StoredProfile> {
    const input = profileInputSchema.parse(raw)
    // Validates the URL and pulls out an embedded password (it must never be stored in the URL).
    const { target, password: urlPassword } = profileTarget(input)
    const sentinelPassword = target.broker === 'redis' && target.topology.kind === 'sentinel' ? target.topology.sentinelPassword : null
    return this.exclusive(async () => {
      const profiles = (await this.load()) ?? []
      const id = input.id ?? randomUUID()
      const index = profiles.findIndex((p) => p.id === id)
      if (input.id && index < 0) throw new QsError('NOT_FOUND', `no profile with id "${input.id}"`)
      const stored = toStored(input, id)
      const password = input.password !== undefined && input.password !== '' ? input.password : urlPassword
      // An edit that points the profile at another server or user drops the saved passwords it
      // did not replace: they were given for the old audience only (secret-audience.ts).
      const moved = index >= 0 && !sameAudience(profileTarget(profiles[index]!).target, target)
      if (password !== null) await this.secrets.set(id, password)
      else if (input.password === '' || moved) await this.secrets.delete(id)
      // The sentinels' own password (sentinelPassword in the URL) is a second secret, kept the same way.
      if (sentinelPassword !== null) await this.secrets.set(sentinelSecretId(id), sentinelPassword)
      else if (moved) await this.secrets.delete(sentinelSecretId(id))
      if (index >= 0) profiles[index] = stored
      else profiles.push(stored)
      await this.persist(profiles)
      return stored
    })
  }

  async delete(id: string): Promise<boolean> {
    return this.exclusive(async () => {
      const profiles = (await this.load()) ?? []
      const next = profiles.filter((p) => p.id !== id)
      if (next.length === profiles.length) return false
      await this.persist(next)
      await this.secrets.delete(id)
      await this.secrets.delete(sentinelSecretId(id))
      return true
    })
  }

  password(id: string): Promise<string | null> {
    return this.secrets.get(id)
  }

  /** The password of a Sentinel profile's sentinels, when its URL had one. */
  sentinelPassword(id: string): Promise<string | null> {
    return this.secrets.get(sentinelSecretId(id))
  }
}

function sentinelSecretId(id: string): string {
  return `${id}#sentinel`
}

/** A profile's URL parsed, checked against its broker; the password found in the URL apart. */
export function profileTarget(input: Pick<ProfileInput, 'url' | 'broker' | 'managementUrl'>): ReturnType<typeof parseConnectionUrl> {
  const parsed = parseConnectionUrl(input.url, { managementUrl: input.managementUrl })
  if (parsed.target.broker !== input.broker) {
    throw new QsError('BAD_URL', `the URL is for ${parsed.target.broker} but the profile says ${input.broker}`)
  }
  return parsed
}

function toStored(input: ProfileInput, id: string): StoredProfile {
  const parsed = profileInputSchema.parse(input)
  const stored: StoredProfile = {
    id,
    name: parsed.name,
    broker: parsed.broker,
    url: stripPassword(parsed.url),
    readOnly: parsed.readOnly,
    color: parsed.color,
    watchQueues: [...new Set(parsed.watchQueues)],
  }
  if (parsed.managementUrl) stored.managementUrl = parsed.managementUrl
  return stored
}
