import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createCore } from './core'

describe('core.profileConfig', () => {
  it('gives a saved Sentinel profile its sentinels\u2019 password back from the secret store', async () => {
    const core = await createCore({ configDir: await mkdtemp(join(tmpdir(), 'qs-profile-config-')), mode: 'web', version: 'test' })
    try {
      const saved = await core.profiles.save({
        name: 's',
        broker: 'redis',
        url: 'redis://app:pw@s1:26379/0?sentinelMaster=m&sentinels=s2:26379&sentinelPassword=sp',
      })
      const config = await core.profileConfig(saved)
      expect(config.password).toBe('pw')
      expect(config.target).toMatchObject({ broker: 'redis', topology: { kind: 'sentinel', master: 'm', sentinelPassword: 'sp' } })
    } finally {
      await core.close()
    }
  })
})
