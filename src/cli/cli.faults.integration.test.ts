import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_TIMEOUTS } from '../main/brokers/timeouts'
import { startTcpProxy, type TcpProxy } from '../test-support/tcp-proxy'
import { runCli } from './program'

/** The CLI runs with the production deadlines: a broker that never answers ends it with a reason. */
describe('queuescope CLI against a broker that never answers', () => {
  let proxy: TcpProxy

  beforeAll(async () => {
    process.env['QUEUESCOPE_CONFIG_DIR'] = await mkdtemp(join(tmpdir(), 'qs-cli-faults-'))
    proxy = await startTcpProxy(6379)
    proxy.hang(true)
  })

  afterAll(async () => {
    await proxy?.close()
  })

  it(
    'ls on a Redis port that accepts and never answers exits 1 saying it timed out',
    async () => {
      let stderr = ''
      const code = await runCli(['ls', `redis://127.0.0.1:${proxy.port}`], { stdout: () => undefined, stderr: (text) => void (stderr += text) })
      expect(code).toBe(1)
      expect(stderr).toMatch(/timed out connecting to Redis at 127\.0\.0\.1/)
    },
    3 * DEFAULT_TIMEOUTS.connectMs,
  )
})
