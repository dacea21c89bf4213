import { describe, expect, it } from 'vitest'
import { bullmqSummary, countsSentence, describeRetry, formatAge, pageRange, parseCleanDraft, prettyJsonText } from './bullmq.selectors'

const COUNTS = { waiting: 4, active: 2, delayed: 0, prioritized: 0, completed: 900, failed: 3, paused: 0 }

describe('bullmq selectors', () => {
  it('summarises the states worth a glance, failed marked as trouble', () => {
    expect(bullmqSummary(COUNTS)).toEqual([
      { state: 'active', count: 2, trouble: false },
      { state: 'failed', count: 3, trouble: true },
    ])
    expect(bullmqSummary({ ...COUNTS, active: 0, failed: 0 })).toEqual([])
    expect(countsSentence(COUNTS)).toBe('waiting 4, active 2, delayed 0, prioritized 0, completed 900, failed 3, paused 0')
  })

  it('says where a page is among the jobs of a state', () => {
    expect(pageRange(0, 50, 120)).toBe('1–50 of 120')
    expect(pageRange(100, 20, 120)).toBe('101–120 of 120')
    expect(pageRange(0, 0, 0)).toBe('0 jobs')
  })

  it('reads ages coarsely', () => {
    expect(formatAge(12_400)).toBe('12 s')
    expect(formatAge(4 * 60_000)).toBe('4 min')
    expect(formatAge(3 * 3_600_000 + 5)).toBe('3 h')
    expect(formatAge(2 * 86_400_000)).toBe('2 d')
  })

  it('names the jobs a retry left alone, a few of them', () => {
    expect(describeRetry({ retried: 1, notRetried: [] })).toBe('Retried 1 job')
    const notRetried = ['1', '2', '3', '4', '5'].map((id) => ({ id, reason: 'not failed' }))
    expect(describeRetry({ retried: 0, notRetried })).toBe('Retried 0 jobs; 5 not retried: 1 (not failed), 2 (not failed), 3 (not failed), and 2 more')
  })

  it('turns the clean form into milliseconds and a limit, or says what is wrong', () => {
    expect(parseCleanDraft({ grace: '1.5', unit: 'hours', limit: '100' })).toEqual({ graceMs: 5_400_000, limit: 100 })
    expect(parseCleanDraft({ grace: '', unit: 'days', limit: '1' })).toEqual({ graceMs: 0, limit: 1 })
    expect(parseCleanDraft({ grace: '-1', unit: 'seconds', limit: '10' })).toMatch(/^the grace period/)
    expect(parseCleanDraft({ grace: '1', unit: 'seconds', limit: '2.5' })).toMatch(/^the limit/)
    expect(parseCleanDraft({ grace: '1', unit: 'seconds', limit: '0' })).toMatch(/^the limit/)
  })

  it('pretty-prints JSON data and leaves anything else as stored', () => {
    expect(prettyJsonText('{"to":"a"}')).toBe('{\n  "to": "a"\n}')
    expect(prettyJsonText('not json')).toBe('not json')
  })
})
