import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import * as amqp from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRedis, createTestVhost, MANAGEMENT_URL, type TestRedis, type TestVhost } from '../test-support/brokers'
import { runCli } from './program'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { pollUntil, repeatUntil } from '../test-support/wait'

const run = promisify(execFile)

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) })
  return { code, stdout, stderr }
}

describe('queuescope CLI (real brokers)', () => {
  let vhost: TestVhost
  let redis: TestRedis

  beforeAll(async () => {
    process.env['QUEUESCOPE_CONFIG_DIR'] = await mkdtemp(join(tmpdir(), 'qs-cli-'))
    vhost = await createTestVhost('cli')
    redis = await createTestRedis('cli')
    const client = await amqp.connect(vhost.url)
    const ch = await client.createConfirmChannel()
    await ch.assertQueue('orders')
    for (let i = 0; i < 5; i++) ch.sendToQueue('orders', Buffer.from(`order ${i}`))
    await ch.waitForConfirms()
    await client.close()
    await redis.client.xadd(`${redis.prefix}events`, '*', 'n', '1')
    await redis.client.xadd(`${redis.prefix}events`, '*', 'n', '2')
    await redis.client.xgroup('CREATE', `${redis.prefix}events`, 'workers', '0')
    await redis.client.rpush(`${redis.prefix}jobs`, 'a')
  })

  afterAll(async () => {
    await vhost?.remove()
    await redis?.remove()
  })

  it('ls <amqp url> --json prints {"items":[...]} with kind, name, messages, consumers', async () => {
    type Item = { kind: string; name: string; messages: number | null; consumers: number | null }
    // The management API fills in a new queue's stats in steps: wait for both numbers.
    const items = await pollUntil(
      'the management API to report orders',
      async () => {
        const { code, stdout, stderr } = await cli('ls', vhost.url, '--json', '--management', MANAGEMENT_URL)
        expect(stderr).toBe('')
        expect(code).toBe(0)
        const listed = (JSON.parse(stdout) as { items: Item[] }).items
        const orders = listed.find((q) => q.name === 'orders')
        return orders?.messages === 5 && orders.consumers !== null ? listed : undefined
      },
      { everyMs: 500 },
    )
    expect(items.find((q) => q.kind === 'queue' && q.name === 'orders')).toMatchObject({ messages: 5, consumers: 0 })
    expect(items.find((q) => q.kind === 'exchange' && q.name === 'amq.direct')).toMatchObject({ messages: null, consumers: null })
  })

  it('broker data cannot drive the terminal: escapes in key names and bodies are shown, not obeyed', async () => {
    const evil = `${redis.prefix}\x1b]0;pwned\x07evil`
    await redis.client.rpush(evil, '\x1b[2J\x1b[31mred\u009b1;1H\r')
    const outputs = [
      await cli('ls', 'redis://127.0.0.1:6379', '--filter', redis.prefix),
      await cli('peek', 'redis://127.0.0.1:6379', `list:${evil}`),
      await cli('peek', 'redis://127.0.0.1:6379', `list:${evil}`, '--json'),
      await cli('peek', 'redis://127.0.0.1:6379', `stream:${evil}`), // an error that quotes the name
    ]
    for (const { stdout, stderr } of outputs) {
      // eslint-disable-next-line no-control-regex -- control characters are what must not get through
      expect(stdout + stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/)
    }
    expect(outputs[0]!.stdout).toContain('\\u001b]0;pwned\\u0007evil')
    // Scripts still get the exact data: the escapes are JSON's own.
    expect((JSON.parse(outputs[2]!.stdout) as { messages: { body: string }[] }).messages[0]!.body).toBe('\x1b[2J\x1b[31mred\u009b1;1H\r')
    expect(outputs[3]).toMatchObject({ code: expect.any(Number), stderr: expect.stringContaining('\\u001b]0;pwned') })
    await redis.client.del(evil) // the next tests list this prefix
  })

  it('ls <redis url> --json lists streams with groups and lists', async () => {
    const { code, stdout } = await cli('ls', 'redis://127.0.0.1:6379', '--json', '--filter', redis.prefix)
    expect(code).toBe(0)
    const { items } = JSON.parse(stdout) as { items: unknown[] }
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'stream',
        name: `${redis.prefix}events`,
        messages: 2,
        consumers: 0,
        groups: [expect.objectContaining({ name: 'workers', lag: 2, pending: 0, consumers: 0 })],
      }),
      expect.objectContaining({ kind: 'list', name: `${redis.prefix}jobs`, messages: 1, consumers: null }),
    ])
  })

  it('ls --watch shows named queues over AMQP when the management API is unreachable', async () => {
    const { code, stdout, stderr } = await cli('ls', vhost.url, '--management', 'http://127.0.0.1:1', '--watch', 'orders', '--watch', 'ghost', '--json')
    expect(code).toBe(0)
    expect(stderr).toMatch(/management API unavailable.*rabbitmq-plugins enable rabbitmq_management/)
    const { items } = JSON.parse(stdout) as { items: { name: string; messages: number | null; state: string }[] }
    expect(items.map((i) => [i.name, i.state])).toEqual([
      ['orders', 'running'],
      ['ghost', 'missing'],
    ])
    expect(items[0]!.messages).toBeGreaterThanOrEqual(5)
  })

  it('ls without --json prints an aligned table', async () => {
    const { code, stdout } = await cli('ls', 'redis://127.0.0.1:6379', '--filter', redis.prefix)
    expect(code).toBe(0)
    expect(stdout.split('\n')[0]).toMatch(/^KIND\s+NAME\s+MESSAGES\s+CONSUMERS\s+DETAILS$/)
    expect(stdout).toContain('workers: lag 2, pending 0')
  })

  it('fails with one line and a non-zero exit: bad URL (2), wrong password (1), unreachable host (1)', async () => {
    const cases: [string[], number, RegExp][] = [
      [['ls', 'amqp//nope'], 2, /is not a URL/],
      [['ls', 'http://localhost:15672'], 2, /unsupported scheme "http"/],
      [['ls', vhost.url.replace('guest:guest', 'guest:wrong')], 1, /wrong user name or password/],
      [['ls', 'amqp://guest:guest@127.0.0.1:1/'], 1, /127\.0\.0\.1:1: connection refused/],
      [['ls', 'redis://127.0.0.1:1'], 1, /connection refused/],
      [['ls', 'amqp://guest:guest@unreachable-host.invalid:5672/'], 1, /unreachable-host\.invalid:5672: host not found/],
      [['ls', 'redis://unreachable-host.invalid:6379'], 1, /host not found/],
      [['ls'], 2, /missing <url>/],
      [['ls', '--profile', 'no such profile'], 1, /no profile named "no such profile"/],
      [['frobnicate'], 2, /unknown command/],
    ]
    for (const [argv, exit, reason] of cases) {
      const { code, stderr, stdout } = await cli(...argv)
      expect({ argv, code }).toEqual({ argv, code: exit })
      expect(stderr).toMatch(reason)
      expect(stderr.trim().split('\n')).toHaveLength(1)
      expect(stdout).toBe('')
      expect(stderr).not.toContain('wrong@')
    }
  })

  it('publish puts a message on a queue; unroutable is a failure, not a success', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'qs-body-')), 'body.bin')
    await writeFile(file, Buffer.from([0, 1, 2, 255]))
    expect(
      await cli(
        'publish',
        vhost.url,
        'queue:orders',
        '--file',
        file,
        '--header',
        'source=cli',
        '--property',
        'priority=3',
        '--json',
        '--management',
        MANAGEMENT_URL,
      ),
    ).toMatchObject({ code: 0, stdout: '{"routed":true}\n' })
    const unroutable = await cli('publish', vhost.url, 'exchange:amq.topic', '--body', 'x', '--routing-key', 'nobody')
    expect(unroutable).toMatchObject({ code: 1, stderr: expect.stringMatching(/not routed \(NO_ROUTE\)/) })
    expect(await cli('publish', vhost.url, 'queue:orders')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--body TEXT or --file PATH/) })
    const client = await amqp.connect(vhost.url)
    const ch = await client.createChannel()
    let last: amqp.GetMessage | false = false
    for (let m = await ch.get('orders'); m; m = await ch.get('orders')) last = m
    expect(last && [...last.content]).toEqual([0, 1, 2, 255])
    expect(last && last.properties).toMatchObject({ priority: 3, headers: { source: 'cli' } })
    await client.close()
  })

  it('peek --json shows messages without consuming them; bad --count is a usage error', async () => {
    const client = await amqp.connect(vhost.url)
    const ch = await client.createConfirmChannel()
    await ch.assertQueue('cli-peek')
    ch.sendToQueue('cli-peek', Buffer.from('one'), { headers: { k: 'v' }, messageId: 'id-1' })
    ch.sendToQueue('cli-peek', Buffer.from([0xff, 0x00]))
    await ch.waitForConfirms()
    const peeked = await cli('peek', vhost.url, 'queue:cli-peek', '--json', '--management', MANAGEMENT_URL)
    expect(peeked.code).toBe(0)
    expect(peeked.stderr).toMatch(/^warning: .*redelivered/)
    const { messages } = JSON.parse(peeked.stdout) as { messages: Record<string, unknown>[] }
    expect(messages).toEqual([
      expect.objectContaining({ id: '1', body: 'one', encoding: 'utf8', properties: { messageId: 'id-1' }, headers: { k: 'v' }, redelivered: false }),
      expect.objectContaining({ id: '2', body: '/wA=', encoding: 'base64', properties: {}, headers: {}, redelivered: false }),
    ])
    const readable = await cli('peek', vhost.url, 'queue:cli-peek', '--count', '1', '--management', MANAGEMENT_URL)
    expect(readable).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^#1 .*redelivered\n {2}properties: messageId=id-1\n {2}headers: \{"k":"v"\}\n {2}body: one\n$/),
    })
    expect((await ch.checkQueue('cli-peek')).messageCount).toBe(2)
    expect(await cli('peek', vhost.url, 'queue:cli-peek', '--count', '0')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--count must be a whole number from 1 to 1000/),
    })
    expect(await cli('peek', vhost.url, 'queue:no-such-queue', '--management', MANAGEMENT_URL)).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/queue "no-such-queue" does not exist/),
    })
    expect(await cli('peek', vhost.url, 'orders')).toMatchObject({ code: 2, stderr: expect.stringMatching(/is not a source/) })
    await client.close()
  })

  it('purge refuses without --yes (exit 2) and with it prints {"purged":N}', async () => {
    const client = await amqp.connect(vhost.url)
    const ch = await client.createConfirmChannel()
    await ch.assertQueue('cli-purge')
    for (let i = 0; i < 3; i++) ch.sendToQueue('cli-purge', Buffer.from(`x${i}`))
    await ch.waitForConfirms()
    expect(await cli('purge', vhost.url, 'queue:cli-purge')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/add --yes to confirm/) })
    expect((await ch.checkQueue('cli-purge')).messageCount).toBe(3)
    expect(await cli('purge', vhost.url, 'queue:cli-purge', '--yes', '--json', '--management', MANAGEMENT_URL)).toEqual({
      code: 0,
      stdout: '{"purged":3}\n',
      stderr: '',
    })
    expect((await ch.checkQueue('cli-purge')).messageCount).toBe(0)
    expect(await cli('purge', vhost.url, 'queue:cli-purge', '--yes', '--management', MANAGEMENT_URL)).toMatchObject({
      code: 0,
      stdout: 'purged 0 messages from queue:cli-purge (unacked messages stay)\n',
    })
    expect(await cli('purge', vhost.url, 'queue:no-such-queue', '--yes', '--management', MANAGEMENT_URL)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/does not exist/),
    })
    await client.close()
  })

  it('replay: --to-origin moves dead-lettered messages back, prints the JSON report; move without --yes is a usage error', async () => {
    const client = await amqp.connect(vhost.url)
    const ch = await client.createConfirmChannel()
    await ch.assertExchange('cli.dlx', 'fanout')
    await ch.assertQueue('cli.dlq')
    await ch.bindQueue('cli.dlq', 'cli.dlx', '')
    await ch.assertQueue('cli.work', { arguments: { 'x-dead-letter-exchange': 'cli.dlx' } })
    for (let i = 0; i < 12; i++) ch.sendToQueue('cli.work', Buffer.from(JSON.stringify({ i, kind: i < 4 ? 'a' : 'b' })), { messageId: `w-${i}` })
    await ch.waitForConfirms()
    for (let i = 0; i < 12; i++) {
      const m = await ch.get('cli.work')
      if (m) ch.nack(m, false, false)
    }
    await expect.poll(async () => (await ch.checkQueue('cli.dlq')).messageCount).toBe(12)
    const m = ['--management', MANAGEMENT_URL]

    expect(await cli('replay', vhost.url, 'queue:cli.dlq', '--to-origin', ...m)).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/add --yes to confirm/),
    })
    expect(await cli('replay', vhost.url, 'queue:cli.dlq', ...m)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/exactly one of --to <target> or --to-origin/),
    })
    expect(await cli('replay', vhost.url, 'queue:cli.dlq', '--to-origin', '--filter', 'colour=red', ...m)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown selector "colour"/),
    })
    expect(await cli('replay', vhost.url, 'queue:cli.dlq', '--to-origin', '--limit', '-3', ...m)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--limit must be a positive whole number/),
    })

    const dry = await cli('replay', vhost.url, 'queue:cli.dlq', '--to-origin', '--dry-run', '--filter', 'body.kind=a', '--json', ...m)
    expect(dry).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(dry.stdout)).toMatchObject({ published: 4, acknowledged: 0, failed: 0, skipped: 8, left: 12, dryRun: true })

    const copied = await cli('replay', vhost.url, 'queue:cli.dlq', '--to', 'queue:cli.copy', '--mode', 'copy', '--json', ...m)
    expect(copied).toMatchObject({ code: 1, stderr: expect.stringMatching(/^queuescope: 12 messages could not be replayed.*unroutable/) })
    await ch.assertQueue('cli.copy')
    const copy = await cli('replay', vhost.url, 'queue:cli.dlq', '--to', 'queue:cli.copy', '--mode', 'copy', '--limit', '5', '--json', ...m)
    expect(JSON.parse(copy.stdout)).toMatchObject({ published: 5, acknowledged: 0, left: 5, dryRun: false })
    expect(copy.code).toBe(0)

    const moved = await cli('replay', vhost.url, 'queue:cli.dlq', '--to-origin', '--yes', '--json', ...m)
    expect(moved).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(moved.stdout)).toEqual({
      published: 12,
      acknowledged: 12,
      failed: 0,
      skipped: 0,
      left: 0,
      dryRun: false,
      duplicates: 0,
      cancelled: false,
    })
    expect((await ch.checkQueue('cli.work')).messageCount).toBe(12)
    expect((await ch.checkQueue('cli.dlq')).messageCount).toBe(0)

    const text = await cli('replay', vhost.url, 'queue:cli.work', '--to', 'queue:cli.copy', '--mode', 'copy', '--limit', '2', ...m)
    expect(text).toMatchObject({ code: 0, stdout: expect.stringMatching(/^copied 2 of 2 messages from queue:cli.work to queue:cli.copy\n/) })
    expect(await cli('replay', vhost.url, 'queue:nope', '--to', 'queue:cli.copy', '--mode', 'copy', ...m)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/queue "nope" does not exist/),
    })
    expect(await cli('replay', 'amqp://guest:guest@127.0.0.1:1/', 'queue:x', '--to-origin', '--yes')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/connection refused/),
    })
    await client.close()
  })

  it('peek --json of a Redis stream prints every entry whole: typed headers, properties, a compressed body decompressed', async () => {
    const stream = `${redis.prefix}peeked`
    await redis.client.xadd(stream, '1700000000000-0', 'body', '{"order":1}', 'tenant', 'acme')
    await redis.client.xadd(
      stream,
      '1700000000000-1',
      'body',
      gzipSync('{"order":2}'),
      'attempt',
      '2',
      'qs-header-json',
      '["attempt"]',
      'qs-properties',
      '{"contentEncoding":"gzip"}',
    )
    const peeked = await cli('peek', 'redis://127.0.0.1:6379/0', `stream:${stream}`, '--json')
    expect(peeked).toMatchObject({ code: 0, stderr: '' })
    expect((JSON.parse(peeked.stdout) as { messages: unknown[] }).messages).toEqual([
      { id: '1700000000000-0', body: '{"order":1}', encoding: 'utf8', size: 11, properties: {}, headers: { tenant: 'acme' }, redelivered: false },
      {
        id: '1700000000000-1',
        body: gzipSync('{"order":2}').toString('base64'),
        encoding: 'base64',
        size: gzipSync('{"order":2}').length,
        properties: { contentEncoding: 'gzip' },
        headers: { attempt: 2 },
        redelivered: false,
        decoded: { contentEncoding: 'gzip', body: '{"order":2}', encoding: 'utf8', size: 11 },
      },
    ])
    expect(await cli('peek', 'redis://127.0.0.1:6379/0', `stream:${stream}`, '--count', '1')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('{"order":1}'),
    })
  })

  it('replay --group moves a stream group’s pending entries (XACK after the confirm); --group needs a stream', async () => {
    const stream = `${redis.prefix}pending`
    for (let i = 0; i < 4; i++) await redis.client.xadd(stream, '*', 'body', `p${i}`)
    await redis.client.xgroup('CREATE', stream, 'mailers', '0')
    await redis.client.xreadgroup('GROUP', 'mailers', 'm1', 'COUNT', 3, 'STREAMS', stream, '>')
    const redisUrl = 'redis://127.0.0.1:6379/0'
    const moved = await cli('replay', redisUrl, `stream:${stream}`, '--group', 'mailers', '--to', `list:${redis.prefix}retry`, '--yes', '--json')
    expect(moved).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(moved.stdout)).toMatchObject({ published: 3, acknowledged: 3, failed: 0, left: 0 })
    expect(((await redis.client.xpending(stream, 'mailers')) as unknown[])[0]).toBe(0)
    expect(await redis.client.lrange(`${redis.prefix}retry`, 0, -1)).toEqual(['p2', 'p1', 'p0'])
    expect(await cli('replay', redisUrl, `list:${redis.prefix}jobs`, '--group', 'mailers', '--to', `list:${redis.prefix}x`, '--yes')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--group .* must be stream:KEY/),
    })
  })

  it('export writes NDJSON without consuming; import publishes it back; bad files and paths are clear errors', async () => {
    const client = await amqp.connect(vhost.url)
    const ch = await client.createConfirmChannel()
    await ch.assertQueue('cli.export')
    await ch.assertQueue('cli.import')
    for (let i = 0; i < 7; i++) ch.sendToQueue('cli.export', Buffer.from(`e${i}`), { messageId: `e-${i}`, headers: { n: i } })
    await ch.waitForConfirms()
    const m = ['--management', MANAGEMENT_URL]
    const dir = await mkdtemp(join(tmpdir(), 'qs-cli-export-'))
    const file = join(dir, 'out.ndjson')

    expect(await cli('export', vhost.url, 'queue:cli.export', ...m)).toMatchObject({ code: 2, stderr: expect.stringMatching(/--out/) })
    expect(await cli('export', vhost.url, 'queue:cli.export', '--out', file, '--json', ...m)).toEqual({
      code: 0,
      stdout: `${JSON.stringify({ exported: 7, path: file })}\n`,
      stderr: '',
    })
    await expect.poll(async () => (await ch.checkQueue('cli.export')).messageCount).toBe(7)
    expect(await cli('export', vhost.url, 'queue:cli.export', '--out', file, ...m)).toMatchObject({ code: 2, stderr: expect.stringMatching(/already exists/) })
    const partial = join(dir, 'three.ndjson')
    expect(await cli('export', vhost.url, 'queue:cli.export', '--out', partial, '--count', '3', ...m)).toMatchObject({
      code: 0,
      stdout: `exported 3 messages from queue:cli.export to ${partial} (nothing consumed)\n`,
    })
    const missing = join(dir, 'missing.ndjson')
    expect(await cli('export', vhost.url, 'queue:nope', '--out', missing, ...m)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/queue "nope" does not exist/),
    })
    expect(existsSync(missing), 'a failed export leaves no empty file behind').toBe(false)

    expect(await cli('import', vhost.url, 'queue:cli.import', '--in', file, '--json', ...m)).toEqual({
      code: 0,
      stdout: '{"published":7,"failed":0}\n',
      stderr: '',
    })
    const first = await ch.get('cli.import', { noAck: true })
    expect(first && { body: first.content.toString(), id: first.properties.messageId, headers: first.properties.headers }).toEqual({
      body: 'e0',
      id: 'e-0',
      headers: { n: 0 },
    })
    expect(await cli('import', vhost.url, 'exchange:cli.none', '--in', partial, ...m)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/exchange "cli.none" does not exist/),
    })
    const bad = join(dir, 'bad.ndjson')
    await writeFile(bad, `${(await readFile(partial, 'utf8')).split('\n')[0]}\n{"body": 42}\n`)
    expect(await cli('import', vhost.url, 'queue:cli.import', '--in', bad, ...m)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/line 2 is not a Queuescope export line.*; 1 message was published before it/),
    })
    expect(await cli('import', vhost.url, 'queue:cli.import', '--in', join(dir, 'none.ndjson'), ...m)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/cannot read .*none.ndjson/),
    })
    await client.close()
  })

  it('the built `queuescope` bin runs the same CLI (npm run build first)', async () => {
    const bin = resolve(__dirname, '../../bin/queuescope.js')
    expect(existsSync(resolve(__dirname, '../../out/main/cli.js')), 'out/main/cli.js is missing: run npm run build').toBe(true)
    const { stdout } = await run(process.execPath, [bin, 'ls', 'redis://127.0.0.1:6379', '--json', '--filter', `${redis.prefix}jobs`])
    expect(JSON.parse(stdout)).toEqual({ items: [{ kind: 'list', name: `${redis.prefix}jobs`, messages: 1, consumers: null }] })
    const failed = await run(process.execPath, [bin, 'ls', 'redis://127.0.0.1:1']).catch((err: { code: number; stderr: string }) => err)
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringMatching(/^queuescope: .*connection refused.*\n$/) })
  })

  it('tail <redis url> stream:KEY --max N --json prints each new entry as one JSON line, then exits 0', async () => {
    const key = `${redis.prefix}tailed`
    await redis.client.xadd(key, '*', 'body', 'before')
    const tail = cli('tail', 'redis://127.0.0.1:6379', `stream:${key}`, '--max', '3', '--json')
    // The tail starts from "now": keep adding until it has printed three.
    const added: string[] = []
    let done = false
    void tail.finally(() => (done = true))
    await repeatUntil(
      () => done,
      50,
      async () => void added.push(String(await redis.client.xadd(key, '*', 'body', `e${added.length}`, 'tenant', 'acme'))),
    )
    const { code, stdout, stderr } = await tail
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines).toHaveLength(3)
    const first = added.indexOf(lines[0]!['id'] as string)
    expect(first).toBeGreaterThanOrEqual(0)
    expect(lines).toEqual(
      [0, 1, 2].map((n) => ({
        id: added[first + n],
        at: Number.parseInt(added[first + n]!, 10),
        body: `e${first + n}`,
        encoding: 'utf8',
        headers: { tenant: 'acme' },
      })),
    )
  })

  it('tail channel:GLOB --pattern prints one line a message with its channel; --timeout and Ctrl-C end it with exit 0', async () => {
    const channel = `${redis.prefix}chat.room1`
    const tail = cli('tail', 'redis://127.0.0.1:6379', `channel:${redis.prefix}chat.*`, '--pattern', '--timeout', '3')
    let done = false
    void tail.finally(() => (done = true))
    await repeatUntil(
      () => done,
      100,
      async () => {
        await redis.client.publish(channel, 'line one\nline two')
        await redis.client.publish(channel, Buffer.from([0, 255]))
      },
    )
    const { code, stdout, stderr } = await tail
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const lines = stdout.trimEnd().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(2)
    for (const line of lines) {
      expect(line).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  \\d+  ${channel.replace(/[.*]/g, '\\$&')}  (line one\\\\nline two|\\(base64\\) AP8=)$`))
    }

    // Ctrl-C once a message has been printed: a clean exit, with nothing on stderr.
    let out = ''
    let err = ''
    const interrupted = runCli(['tail', 'redis://127.0.0.1:6379', `channel:${channel}`], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) })
    await repeatUntil(
      () => out.includes('  hi\n'),
      50,
      () => redis.client.publish(channel, 'hi'),
    )
    process.emit('SIGINT')
    expect(await interrupted).toBe(0)
    expect(err).toBe('')
  })

  it('tail refuses bad arguments (exit 2) and reports a source it cannot tail (exit 1, one line)', async () => {
    const url = 'redis://127.0.0.1:6379'
    expect(await cli('tail', url, `stream:${redis.prefix}events`, '--max', '0')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--max must be a positive whole number/),
    })
    expect(await cli('tail', url, `stream:${redis.prefix}events`, '--pattern')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--pattern goes with channel:GLOB/),
    })
    expect(await cli('tail', url, 'events')).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a source/) })
    expect(await cli('tail', url, `stream:${redis.prefix}ghost`, '--timeout', '5')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^queuescope: stream ".*ghost" does not exist[^\n]*\n$/),
    })
    expect(await cli('tail', vhost.url, 'queue:orders', '--management', MANAGEMENT_URL, '--timeout', '5')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^queuescope: queue "orders" is a classic queue: .*consuming.*\n$/),
    })
  })

  it('ls <redis url> --pattern GLOB --json: streams with group lag (null when unknown), lists, channels with subscribers, BullMQ counts', async () => {
    const p = `${redis.prefix}ls:`
    const c = redis.client
    await c.xadd(`${p}orders`, '*', 'n', '1')
    const middle = (await c.xadd(`${p}orders`, '*', 'n', '2'))!
    await c.xadd(`${p}orders`, '*', 'n', '3')
    await c.xgroup('CREATE', `${p}orders`, 'billing', '0')
    // A group moved to an arbitrary id: Redis cannot know its lag.
    await c.xgroup('CREATE', `${p}orders`, 'audit', '$')
    await c.xgroup('SETID', `${p}orders`, 'audit', middle)
    await c.rpush(`${p}jobs`, 'a', 'b', 'c')
    const queue = new Queue('mail', { connection: { host: '127.0.0.1', port: 6379 }, prefix: `${p}bull` })
    const subscriber = new Redis('redis://127.0.0.1:6379')
    try {
      await queue.add('welcome', {})
      await queue.add('later', {}, { delay: 3_600_000 })
      await subscriber.subscribe(`${p}news`)
      const { code, stdout, stderr } = await cli('ls', 'redis://127.0.0.1:6379', '--json', '--pattern', `${p}*`)
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
      const { items } = JSON.parse(stdout) as { items: { kind: string; name: string }[] }
      expect(items.map((i) => `${i.kind}:${i.name}`)).toEqual([`stream:${p}orders`, `list:${p}jobs`, `bullmq:${p}bull:mail`, `channel:${p}news`])
      expect(items[0]).toMatchObject({
        groups: [
          { name: 'audit', lag: null, pending: 0, consumers: 0 },
          { name: 'billing', lag: 3, pending: 0, consumers: 0 },
        ],
      })
      expect(items[1]).toMatchObject({ messages: 3 })
      expect(items[2]).toMatchObject({
        kind: 'bullmq',
        name: `${p}bull:mail`,
        counts: { waiting: 1, active: 0, delayed: 1, prioritized: 0, completed: 0, failed: 0, paused: 0 },
      })
      expect(Object.keys((items[2] as unknown as { counts: object }).counts).sort()).toEqual([
        'active',
        'completed',
        'delayed',
        'failed',
        'paused',
        'prioritized',
        'waiting',
      ])
      expect(items[3]).toMatchObject({ kind: 'channel', consumers: 1, messages: null })

      const table = await cli('ls', 'redis://127.0.0.1:6379', '--pattern', `${p}*`)
      expect(table.code).toBe(0)
      expect(table.stdout).toMatch(new RegExp(`^bullmq\\s+${p}bull:mail\\s+2\\s+\\d+\\s+waiting 1, active 0, .*delayed 1, .*failed 0$`, 'm'))
      expect(table.stdout).toMatch(new RegExp(`^channel\\s+${p}news\\s+—\\s+1\\s+pub/sub, subscribers now$`, 'm'))
      expect(table.stdout).toContain('group audit: lag unknown, pending 0, consumers 0')
    } finally {
      subscriber.disconnect()
      await queue.close()
    }
  })

  it('ls --pattern: usage errors (exit 2) with RabbitMQ or with --filter; a Cluster URL on a plain server fails in words (exit 1)', async () => {
    expect(await cli('ls', vhost.url, '--pattern', 'orders*')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--pattern applies to Redis; use --filter/),
    })
    expect(await cli('ls', 'redis://127.0.0.1:6379', '--pattern', 'a*', '--filter', 'a')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/either --filter TEXT or --pattern GLOB/),
    })
    expect(await cli('ls', 'redis://127.0.0.1:6379?cluster=1')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^queuescope: .*not part of a Cluster.*remove cluster=1 from the URL\n$/),
    })
    expect(await cli('ls', 'redis://127.0.0.1:6379?sentinels=a:1')).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs sentinelMaster=NAME/) })
  })
})
