import { describe, expect, it } from 'vitest'
import { terminalSafe } from './terminal-safe'

describe('terminalSafe', () => {
  it('shows escape sequences, C1 controls, DEL and bidi overrides as \\uXXXX; keeps newline, tab and text', () => {
    expect(terminalSafe('\x1b]0;owned\x07\x1b[2J')).toBe('\\u001b]0;owned\\u0007\\u001b[2J')
    expect(terminalSafe('a\u009b31mb\x7f\r')).toBe('a\\u009b31mb\\u007f\\u000d')
    expect(terminalSafe('admin\u202Etxt.exe')).toBe('admin\\u202etxt.exe')
    expect(terminalSafe('line 1\n\tünï 😀')).toBe('line 1\n\tünï 😀')
  })

  it('keeps JSON valid and meaning the same data', () => {
    const data = { body: '\x1b[31mred\u009b\x7f', name: 'q\u202e' }
    expect(JSON.parse(terminalSafe(JSON.stringify(data)))).toEqual(data)
  })
})
