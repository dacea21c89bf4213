import { describe, expect, it } from 'vitest'
import { describeTarget, parseConnectionUrl, redactUrl, scopeOf, stripPassword, withScope } from './connection-url'

describe('parseConnectionUrl', () => {
  it('reads an AMQP URL with the default vhost spelled three ways', () => {
    for (const url of ['amqp://guest:guest@localhost:5672/', 'amqp://guest:guest@localhost:5672', 'amqp://guest:guest@localhost:5672/%2F']) {
      const { target, password } = parseConnectionUrl(url)
      expect(target).toMatchObject({ broker: 'rabbitmq', host: 'localhost', port: 5672, vhost: '/', username: 'guest', tls: false })
      expect(password).toBe('guest')
    }
  })

  it('decodes vhost and credentials and derives the management URL', () => {
    const { target, password } = parseConnectionUrl('amqps://app%40corp:p%3Ass@mq.example:5671/orders%2Fv2')
    expect(target).toMatchObject({ broker: 'rabbitmq', tls: true, vhost: 'orders/v2', username: 'app@corp', managementUrl: 'https://mq.example:15671' })
    expect(password).toBe('p:ss')
  })

  it('takes an explicit management URL without a trailing slash', () => {
    const { target } = parseConnectionUrl('amqp://h/', { managementUrl: 'http://h:8080/rabbit/' })
    expect(target).toMatchObject({ managementUrl: 'http://h:8080/rabbit' })
  })

  it('reads Redis URLs with database, user and TLS', () => {
    expect(parseConnectionUrl('redis://127.0.0.1:6379').target).toEqual({
      broker: 'redis',
      tls: false,
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      username: null,
      topology: { kind: 'standalone' },
    })
    const { target, password } = parseConnectionUrl('rediss://alice:secret@cache:6380/3')
    expect(target).toEqual({ broker: 'redis', tls: true, host: 'cache', port: 6380, db: 3, username: 'alice', topology: { kind: 'standalone' } })
    expect(password).toBe('secret')
  })

  it('reads a Sentinel URL: host:port is the first sentinel (default port 26379), more in sentinels=', () => {
    const { target, password } = parseConnectionUrl('redis://app:pw@s1/2?sentinelMaster=mymaster&sentinels=s2:26380,s3,[::1]:5000&sentinelPassword=sp%40ss')
    expect(password).toBe('pw')
    expect(target).toEqual({
      broker: 'redis',
      tls: false,
      host: 's1',
      port: 26379,
      db: 2,
      username: 'app',
      topology: {
        kind: 'sentinel',
        master: 'mymaster',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26380 },
          { host: 's3', port: 26379 },
          { host: '::1', port: 5000 },
        ],
        sentinelPassword: 'sp@ss',
      },
    })
    expect(describeTarget(target)).toBe('redis master "mymaster" via sentinel s1:26379 db 2')
  })

  it('reads a Cluster URL: host:port and nodes= are seed nodes, listed once', () => {
    const { target } = parseConnectionUrl('rediss://c1:7000/0?cluster=1&nodes=c2:7001,c1:7000')
    expect(target).toMatchObject({
      tls: true,
      db: 0,
      topology: {
        kind: 'cluster',
        nodes: [
          { host: 'c1', port: 7000 },
          { host: 'c2', port: 7001 },
        ],
      },
    })
    expect(describeTarget(target)).toBe('rediss cluster c1:7000')
    expect(scopeOf(target)).toBe('0')
    expect(withScope(target, '0')).toEqual(target)
    expect(() => withScope(target, '1')).toThrow(/Cluster has only database 0/)
  })

  it('rejects topology parameters that do not fit together, saying which', () => {
    expect(() => parseConnectionUrl('redis://h/1?cluster=1')).toThrow(/only database 0, not 1/)
    expect(() => parseConnectionUrl('redis://h?cluster=yes-please')).toThrow(/write cluster=1/)
    expect(() => parseConnectionUrl('redis://h?cluster=1&sentinelMaster=m')).toThrow(/not both/)
    expect(() => parseConnectionUrl('redis://h?sentinels=a:1')).toThrow(/needs sentinelMaster=NAME/)
    expect(() => parseConnectionUrl('redis://h?nodes=a:1')).toThrow(/add cluster=1/)
    expect(() => parseConnectionUrl('redis://h?cluster=1&sentinels=a:1')).toThrow(/belongs to Sentinel URLs/)
    expect(() => parseConnectionUrl('redis://h?sentinelMaster=')).toThrow(/needs the name of the master/)
    expect(() => parseConnectionUrl('redis://h?sentinelMaster=m&sentinels=a:99999')).toThrow(/"a:99999" in sentinels= is not host:port/)
    expect(() => parseConnectionUrl('redis://h?db=2')).toThrow(/unknown query parameter "db"/)
    expect(() => parseConnectionUrl('redis://h?cluster=1&cluster=1')).toThrow(/given 2 times/)
    expect(() => parseConnectionUrl('redis://h#frag')).toThrow(/fragment/)
  })

  it('never shows a sentinel password in an error, and never stores it', () => {
    try {
      parseConnectionUrl('redis://h?sentinelMaster=m&sentinelPassword=topsecret&x=1')
      expect.unreachable()
    } catch (err) {
      expect((err as Error).message).toMatch(/unknown query parameter "x"/)
      expect((err as Error).message).not.toContain('topsecret')
    }
    expect(stripPassword('redis://u:pw@h:26379/0?sentinelPassword=sp&sentinelMaster=m&sentinels=a:1,b:2')).toBe(
      'redis://u@h:26379/0?sentinelMaster=m&sentinels=a:1,b:2',
    )
    expect(stripPassword('redis://h?sentinelMaster=m&sentinelPassword=sp')).toBe('redis://h?sentinelMaster=m')
    expect(redactUrl('redis://h?sentinelMaster=m&sentinelPassword=sp')).toBe('redis://h?sentinelMaster=m&sentinelPassword=***')
  })

  it('rejects what it cannot use, saying why', () => {
    expect(() => parseConnectionUrl('not a url')).toThrow(/is not a URL/)
    expect(() => parseConnectionUrl('http://localhost:15672')).toThrow(/unsupported scheme "http"/)
    expect(() => parseConnectionUrl('redis://localhost/orders')).toThrow(/database number/)
    expect(() => parseConnectionUrl('amqp://h/?heartbeat=5')).toThrow(/query/)
    expect(() => parseConnectionUrl('amqp://h/', { managementUrl: 'ftp://h' })).toThrow(/http/)
  })

  it('never puts a password in an error message', () => {
    try {
      parseConnectionUrl('amqp://u:topsecret@h/?x=1')
      expect.unreachable()
    } catch (err) {
      expect((err as Error).message).not.toContain('topsecret')
    }
  })
})

describe('stripPassword / redactUrl', () => {
  it('removes or masks the password and keeps the rest', () => {
    expect(stripPassword('amqp://guest:guest@localhost:5672/')).toBe('amqp://guest@localhost:5672/')
    expect(redactUrl('redis://u:pw@h:1/2')).toBe('redis://u:***@h:1/2')
    expect(redactUrl('garbage://u:pw@')).not.toContain('pw@')
  })
})
