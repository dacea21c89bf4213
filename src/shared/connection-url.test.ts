import { describe, expect, it } from 'vitest'
import { parseConnectionUrl, redactUrl, stripPassword } from './connection-url'

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
    expect(parseConnectionUrl('redis://127.0.0.1:6379').target).toEqual({ broker: 'redis', tls: false, host: '127.0.0.1', port: 6379, db: 0, username: null })
    const { target, password } = parseConnectionUrl('rediss://alice:secret@cache:6380/3')
    expect(target).toEqual({ broker: 'redis', tls: true, host: 'cache', port: 6380, db: 3, username: 'alice' })
    expect(password).toBe('secret')
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
