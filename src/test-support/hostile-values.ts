/**
 * Values that broke or fooled parsers, path handling, terminals and object lookups before: the
 * raw material of the fuzz suites' invalid inputs (zod-arbitrary.ts mixes them into every schema's).
 */
import fc from 'fast-check'

/** Strings that broke or fooled parsers, path handling, terminals and object lookups before. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  ' \t\r\n',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202egnp.exe',
  '\ufeffbom',
  'zero\u200bwidth',
  'e\u0301',
  '😀',
  '𝕏𝕐',
  '\u001b]0;pwned\u0007',
  '\u001b[2J\u001b[H',
  '../../../etc/passwd',
  '/dev/zero',
  'C:\\Windows\\win.ini',
  '%00',
  '%',
  '*',
  '?[]',
  '\\',
  '"',
  "'; DROP TABLE x; --",
  '${process.exit()}',
  '$(id)',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  ':',
  'queue:',
  ' queue:x',
  'stream:a:b:c',
  '{"__proto__":{"polluted":1}}',
]

/** Numbers as they can arrive through JSON (1e309 parses to Infinity) or structured clone (NaN, -0). */
export const HOSTILE_NUMBERS: readonly number[] = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  -1,
  0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 53 + 2,
  -(2 ** 63),
  2 ** 64,
  Number.MIN_VALUE,
  Number.EPSILON,
]

/** An object that owns `entries` as data properties, `__proto__` included (as JSON.parse makes it). */
export function ownObject(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  return out
}

/** `leaf` wrapped `depth` times in single-key objects or one-item arrays: iterative, so any depth is cheap to build. */
export function deeplyNested(depth: number, shape: 'object' | 'array' | 'mixed', leaf: unknown = 'x', key = 'a'): unknown {
  let value = leaf
  for (let i = 0; i < depth; i++) {
    const array = shape === 'array' || (shape === 'mixed' && i % 2 === 1)
    value = array ? [value] : ownObject([[key, value]])
  }
  return value
}

/** Values of every JSON type and then some, none of which is a sensible request. */
export function hostileValue(deepNesting: readonly number[] = [12, 200, 3_000]): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(null, undefined, true, false, [], [null], {}, [[]], Object.create(null)),
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.constant(null).map(() => JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}') as unknown),
    fc
      .constantFrom(...deepNesting)
      .chain((depth) => fc.constantFrom<'object' | 'array' | 'mixed'>('object', 'array', 'mixed').map((shape) => deeplyNested(depth, shape))),
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(fc.constant(0), { minLength: 1_000, maxLength: 5_000 }),
  )
}
