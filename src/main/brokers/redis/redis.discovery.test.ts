import { describe, expect, it } from 'vitest'
import { redisGlob } from './redis.discovery'

describe('redisGlob (SCAN MATCH syntax, checked on this side for BullMQ queue names)', () => {
  it.each([
    ['bull:*', 'bull:mail', true],
    ['bull:*', 'bullx:mail', false],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h[ae]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['a.b(c)', 'a.b(c)', true],
    ['a.b', 'axb', false],
    ['[', '[', true],
    ['*', 'line\nbreak', true],
  ])('%s matches %s: %s', (glob, text, expected) => {
    expect(redisGlob(glob).test(text)).toBe(expected)
  })
})
