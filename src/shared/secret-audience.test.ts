import { describe, expect, it } from 'vitest'
import { parseConnectionUrl } from './connection-url'
import { sameAudience } from './secret-audience'

const target = (url: string, managementUrl?: string) => parseConnectionUrl(url, { managementUrl }).target

describe('secretAudience: a saved password is for one scheme, address set, user and management origin', () => {
  it('RabbitMQ: another vhost is the same audience; another host, port, scheme, user or management origin is not', () => {
    const saved = target('amqp://app@mq:5672/prod')
    expect(sameAudience(saved, target('amqp://app@MQ:5672/staging'))).toBe(true)
    expect(sameAudience(saved, target('amqp://app@mq:5672/prod', 'http://mq:15672/some/path'))).toBe(true)
    for (const other of [
      target('amqp://app@evil:5672/prod'),
      target('amqp://app@mq:5673/prod'),
      target('amqps://app@mq:5672/prod'),
      target('amqp://root@mq:5672/prod'),
      target('amqp://app@mq:5672/prod', 'http://evil:15672'),
    ]) {
      expect(sameAudience(saved, other)).toBe(false)
    }
  })

  it('Redis: another database is the same audience; another node list, master or user is not', () => {
    expect(sameAudience(target('redis://h:6379/0'), target('redis://h:6379/3'))).toBe(true)
    expect(sameAudience(target('redis://h:6379/0'), target('redis://evil:6379/0'))).toBe(false)
    expect(sameAudience(target('redis://h:6379/0'), target('rediss://h:6379/0'))).toBe(false)
    expect(sameAudience(target('redis://u@h:6379/0'), target('redis://h:6379/0'))).toBe(false)
    const sentinel = target('redis://s1:26379/0?sentinelMaster=m&sentinels=s2:26379')
    expect(sameAudience(sentinel, target('redis://s2:26379/0?sentinelMaster=m&sentinels=s1:26379'))).toBe(true)
    expect(sameAudience(sentinel, target('redis://s1:26379/0?sentinelMaster=m&sentinels=evil:26379'))).toBe(false)
    expect(sameAudience(sentinel, target('redis://s1:26379/0?sentinelMaster=other&sentinels=s2:26379'))).toBe(false)
    expect(sameAudience(target('redis://n1:7000?cluster=1&nodes=n2:7000'), target('redis://n1:7000?cluster=1&nodes=evil:7000'))).toBe(false)
  })
})
