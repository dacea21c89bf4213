import { describe, expect, it } from 'vitest'
import { describeSettings, duration } from './queue-arguments'

describe('describeSettings', () => {
  it('says the arguments that matter in words', () => {
    const settings = describeSettings({
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'failed',
      'x-delivery-limit': 5,
      'x-max-length': 10000,
      'x-overflow': 'reject-publish',
      'x-message-ttl': 90_000,
      'x-expires': 86_400_000,
      'x-custom': { a: 1 },
    })
    expect(settings.map((s) => [s.label, s.value])).toEqual([
      ['Dead-letter exchange', '(default exchange)'],
      ['Dead-letter routing key', 'failed'],
      ['Delivery limit', '5 deliveries, then dropped or dead-lettered'],
      ['Max length', '10,000 messages'],
      ['When full', 'refuse new messages (reject-publish)'],
      ['Message TTL', '1 min 30 s'],
      ['Queue expires when unused for', '1 d'],
      ['x-custom', '{"a":1}'],
    ])
  })

  it('takes policy keys when the queue has no argument, and says where each came from', () => {
    const settings = describeSettings(
      { 'x-max-length': 5 },
      { 'max-length': 100, 'dead-letter-exchange': 'dlx', 'delivery-limit': -1 },
      { 'message-ttl': 1000 },
    )
    expect(settings).toEqual([
      { key: 'dead-letter-exchange', label: 'Dead-letter exchange', value: 'dlx', from: 'policy' },
      { key: 'delivery-limit', label: 'Delivery limit', value: 'unlimited', from: 'policy' },
      { key: 'x-max-length', label: 'Max length', value: '5 messages', from: 'argument' },
      { key: 'message-ttl', label: 'Message TTL', value: '1 s', from: 'operator-policy' },
    ])
  })

  it('formats durations', () => {
    expect(duration(500)).toBe('500 ms')
    expect(duration(3_723_000)).toBe('1 h 2 min')
  })
})
