import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CALL_CHANNELS, calls, events, EVENT_CHANNELS } from '../shared/contract'
import { fuzzRuns, fuzzSeed } from './contract-fuzz'
import { UnsupportedSchemaError, zodArbitrary } from './zod-arbitrary'
import { deeplyNested, ownObject } from './hostile-values'

const RUNS = fuzzRuns(60)
const SEED = fuzzSeed()

const parses = (schema: z.ZodType, value: unknown): boolean => {
  try {
    return schema.safeParse(value).success
  } catch {
    return false
  }
}

/** Share of `invalid` values the schema refuses (a throw counts as refused: the dispatcher must catch it first). */
function rejectionRate(schema: z.ZodType, samples = 200): number {
  const values = fc.sample(zodArbitrary(schema).invalid, { seed: SEED, numRuns: samples })
  return values.filter((value) => !parses(schema, value)).length / values.length
}

function assertValidParse(schema: z.ZodType, label: string): void {
  fc.assert(
    fc.property(zodArbitrary(schema).valid, (value) => {
      const result = schema.safeParse(value)
      if (!result.success) throw new Error(`${label}: ${result.error.issues[0]?.path.join('.')}: ${result.error.issues[0]?.message}`)
    }),
    { numRuns: RUNS, seed: SEED },
  )
}

describe('zod-arbitrary over the contract', () => {
  for (const channel of CALL_CHANNELS) {
    it(`${channel}: valid requests and results parse, invalid requests are mostly refused`, () => {
      assertValidParse(calls[channel].request, `${channel} request`)
      assertValidParse(calls[channel].response, `${channel} response`)
      expect(rejectionRate(calls[channel].request)).toBeGreaterThanOrEqual(0.85)
    })
  }

  it('every event payload parses', () => {
    for (const channel of EVENT_CHANNELS) assertValidParse(events[channel], channel)
  })
})

/** One schema with every construct the generator claims to understand. */
const node: z.ZodType<{ name: string; children: unknown[] }> = z.lazy(() => z.object({ name: z.string().min(1), children: z.array(node).max(3) }))
const base = z.object({ id: z.string().trim().min(1).max(8), count: z.number().int().positive().max(10) })
const everything = base.extend({
  ratio: z.number().min(0).max(1),
  above: z.number().gt(-5).lt(5),
  unsigned: z.number().int().nonnegative(),
  flag: z.boolean(),
  literal: z.literal('fixed'),
  choice: z.enum(['a', 'b']),
  either: z.union([z.string().max(2), z.number().int()]),
  tagged: z.discriminatedUnion('kind', [z.object({ kind: z.literal('x'), x: z.number() }), z.object({ kind: z.literal('y'), y: z.string() })]),
  list: z.array(z.string()).min(1).max(3),
  dictionary: z.record(z.string(), z.number()),
  exhaustive: z.record(z.enum(['left', 'right']), z.boolean()),
  maybe: z.string().optional(),
  defaulted: z.number().int().default(3),
  nothing: z.string().nullable(),
  tree: node,
  pair: z.tuple([z.string(), z.number()]),
  rest: z.tuple([z.boolean()], z.string()),
  even: z
    .number()
    .int()
    .refine((n) => n % 2 === 0),
  ordered: z.object({ low: z.number(), high: z.number() }).refine((v) => v.low <= v.high),
  length: z.string().transform((text) => text.length),
  parsed: z.string().pipe(z.string().max(3)),
  strict: z.strictObject({ only: z.string() }),
  loose: z.looseObject({ known: z.number() }),
  partial: z.object({ a: z.string(), b: z.number() }).partial(),
  nil: z.null(),
  anything: z.unknown(),
  custom: z.custom<Record<string, unknown>>((input) => typeof input === 'object' && input !== null && !Array.isArray(input)),
})

describe('zod-arbitrary constructs', () => {
  it('valid values of every construct parse', () => {
    assertValidParse(everything, 'everything')
  })

  it('invalid values of every construct are mostly refused', () => {
    expect(rejectionRate(everything)).toBeGreaterThanOrEqual(0.85)
    for (const [key, schema] of Object.entries(everything.shape)) {
      // unknown, custom-from-anything and catch-alls have little or nothing invalid; the rest must.
      if (key === 'anything') continue
      expect(rejectionRate(schema as z.ZodType, 100), key).toBeGreaterThanOrEqual(0.5)
    }
  })

  it('fails loudly on what it does not understand', () => {
    const unsupported: [string, z.ZodType][] = [
      ['map', z.map(z.string(), z.number())],
      ['set', z.set(z.string())],
      ['date', z.date()],
      ['bigint', z.bigint()],
      ['symbol', z.symbol()],
      ['email', z.email()],
      ['regex', z.string().regex(/^x+$/)],
      ['startsWith', z.string().startsWith('x')],
      ['multipleOf', z.number().multipleOf(5)],
      ['template literal', z.templateLiteral(['a', z.number()])],
      ['intersection', z.intersection(z.object({ a: z.string() }), z.object({ b: z.string() }))],
      ['number-keyed record', z.record(z.number(), z.string())],
      ['object catchall', z.object({}).catchall(z.string())],
      ['custom that accepts nothing', z.custom(() => false)],
      ['nested inside an object', z.object({ ok: z.string(), bad: z.array(z.map(z.string(), z.string())) })],
    ]
    for (const [label, schema] of unsupported) {
      expect(() => {
        const { valid, invalid } = zodArbitrary(schema)
        fc.sample(valid, 1)
        fc.sample(invalid, 1)
      }, label).toThrow(UnsupportedSchemaError)
    }
    expect(() => zodArbitrary(z.object({ ok: z.string(), bad: z.array(z.map(z.string(), z.string())) })).valid).toThrow(/at bad\.\[\]/)
  })

  it('an override replaces a place, and without `invalid` that place is never made invalid', () => {
    const schema = z.object({ connectionId: z.string().min(1), inner: z.object({ connectionId: z.string() }), n: z.number() })
    const seen: string[] = []
    const { valid, invalid } = zodArbitrary(schema, {
      override: (path) => {
        seen.push(path.join('.'))
        return path.at(-1) === 'connectionId' ? { valid: fc.constantFrom('c1', 'c2') } : undefined
      },
    })
    for (const value of fc.sample(valid, { seed: SEED, numRuns: 50 })) {
      const v = value as { connectionId: string; inner: { connectionId: string } }
      expect(['c1', 'c2']).toContain(v.connectionId)
      expect(['c1', 'c2']).toContain(v.inner.connectionId)
    }
    for (const value of fc.sample(invalid, { seed: SEED, numRuns: 300 })) {
      if (typeof value === 'object' && value !== null && Object.hasOwn(value, 'connectionId'))
        expect(['c1', 'c2']).toContain((value as { connectionId: unknown }).connectionId)
    }
    expect(seen).toEqual(expect.arrayContaining(['', 'connectionId', 'inner', 'inner.connectionId', 'n']))
  })

  it('keys named __proto__ and constructor are own data properties, and nothing reaches Object.prototype', () => {
    const before = Reflect.ownKeys(Object.prototype).length
    const record = z.record(z.string(), z.unknown())
    const values = fc.sample(zodArbitrary(z.object({ r: record })).valid, { seed: SEED, numRuns: 500 })
    const protoKeys = values.filter((v) => Object.hasOwn((v as { r: object }).r, '__proto__') || Object.hasOwn(v as object, '__proto__'))
    expect(protoKeys.length).toBeGreaterThan(0)
    for (const v of protoKeys) expect(Object.getPrototypeOf((v as { r: object }).r)).toBe(Object.prototype)
    expect(Reflect.ownKeys(Object.prototype)).toHaveLength(before)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(Object.keys(ownObject([['__proto__', 1]]))).toEqual(['__proto__'])
  })

  it('builds values nested 100,000 deep without recursion', () => {
    let depth = 0
    for (let v = deeplyNested(100_000, 'mixed'); typeof v === 'object' && v !== null; depth++) v = Array.isArray(v) ? v[0] : (v as { a: unknown }).a
    expect(depth).toBe(100_000)
  })
})
