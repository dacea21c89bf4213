/**
 * fast-check arbitraries from zod 4 schemas, read through zod's own introspection (`_zod.def`,
 * the checks' `_zod.def`, `_zod.optin`): `valid` values parse, `invalid` values are near-misses and
 * hostile inputs that a front end (or an attacker behind one) could send. A construct this file
 * does not understand throws UnsupportedSchemaError when the arbitrary is built, never generates
 * nothing in silence. zod-fast-check does not support zod 4, hence this file.
 */
import fc from 'fast-check'
import type { z } from 'zod'
import { deeplyNested, HOSTILE_NUMBERS, HOSTILE_STRINGS, hostileValue, ownObject } from './hostile-values'

type Schema = z.core.$ZodType
type Known = z.core.$ZodTypes

export class UnsupportedSchemaError extends Error {
  constructor(path: readonly string[], what: string) {
    super(`zod-arbitrary: ${what} at ${path.length > 0 ? path.join('.') : '(root)'} is not supported; add it to src/test-support/zod-arbitrary.ts`)
    this.name = 'UnsupportedSchemaError'
  }
}

/** A replacement for the generator at one place: e.g. connection ids drawn from the open ones. */
export interface Override {
  valid: fc.Arbitrary<unknown>
  /** Absent: this place is never made invalid (the caller trusts only its own values there). */
  invalid?: fc.Arbitrary<unknown>
}

export interface ZodArbitraryOptions {
  /**
   * Asked for every place in the schema: `path` is the object keys from the root, with `[]` for an
   * array item, `{}` for a record value and `#n` for a tuple item.
   */
  override?: (path: readonly string[], schema: Schema) => Override | undefined
  /** Levels of z.lazy unfolded in valid values (recursive header values). */
  maxLazyDepth?: number
  /** Most items in a generated array or record, unless the schema's minimum needs more. */
  maxItems?: number
  /** Longest random string, unless the schema's minimum needs more (boundary values go to the maximum). */
  maxStringLength?: number
  /** Nesting depths of the deep values tried where a schema recurses (and as raw hostile values). */
  deepNesting?: readonly number[]
}

export interface ZodArbitraries {
  valid: fc.Arbitrary<unknown>
  invalid: fc.Arbitrary<unknown>
}

const DEFAULTS: { maxLazyDepth: number; maxItems: number; maxStringLength: number; deepNesting: readonly number[] } = {
  maxLazyDepth: 3,
  maxItems: 4,
  maxStringLength: 24,
  deepNesting: [12, 200, 3_000],
}
/** Boundary strings of the schema's maximum length are generated up to this length; longer maxima get random lengths only. */
const BOUNDARY_STRING_MAX = 8_192
/** Too-long strings are built once per length and shared (a 64 MiB limit needs a 64 MiB + 1 string). */
const longStrings = new Map<number, string>()

/** Builds both arbitraries of a schema. Throws UnsupportedSchemaError for constructs it does not know. */
export function zodArbitrary(schema: Schema, options: ZodArbitraryOptions = {}): ZodArbitraries {
  const opts = { ...DEFAULTS, ...options }
  const root = new Builder(opts).node(schema, [], 0)
  const invalid = root.invalid()
  return {
    valid: root.valid(),
    // Mostly near-misses of the schema itself, sometimes something that is not even the right kind of thing.
    invalid: invalid ? fc.oneof({ weight: 4, arbitrary: invalid }, { weight: 1, arbitrary: hostileValue(opts.deepNesting) }) : hostileValue(opts.deepNesting),
  }
}

/** The same, built on first use: for an override that needs the generic values of a place only sometimes. */
export function lazyZodArbitrary(schema: Schema, options: ZodArbitraryOptions = {}): ZodArbitraries {
  let built: ZodArbitraries | undefined
  return {
    get valid() {
      return (built ??= zodArbitrary(schema, options)).valid
    },
    get invalid() {
      return (built ??= zodArbitrary(schema, options)).invalid
    },
  }
}

type Options = typeof DEFAULTS & ZodArbitraryOptions

/** One place in a schema: its valid values and its invalid ones (undefined: nothing there can fail). */
interface Node {
  valid(): fc.Arbitrary<unknown>
  invalid(): fc.Arbitrary<unknown> | undefined
}

/** Memoises both sides: an object's invalid values reuse its fields' valid ones. */
function node(valid: () => fc.Arbitrary<unknown>, invalid: () => fc.Arbitrary<unknown> | undefined): Node {
  let v: fc.Arbitrary<unknown> | undefined
  let i: { value: fc.Arbitrary<unknown> | undefined } | undefined
  return {
    valid: () => (v ??= valid()),
    invalid: () => (i ??= { value: invalid() }).value,
  }
}

function oneofDefined(...arbitraries: (fc.Arbitrary<unknown> | undefined | false)[]): fc.Arbitrary<unknown> | undefined {
  const present = arbitraries.filter((a): a is fc.Arbitrary<unknown> => a !== undefined && a !== false)
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : fc.oneof(...present)
}

const checksOf = (schema: Schema): z.core.$ZodCheckDef[] => (schema._zod.def.checks ?? []).map((check) => check._zod.def)

/** The checks' kinds this file understands, per schema type; anything else is refused loudly. */
const KNOWN_CHECKS: Record<string, readonly string[]> = {
  string: ['min_length', 'max_length', 'length_equals', 'overwrite'],
  number: ['greater_than', 'less_than', 'number_format'],
  array: ['min_length', 'max_length', 'length_equals'],
}

interface Lengths {
  min: number
  max: number
}

function lengths(checks: z.core.$ZodCheckDef[]): Lengths {
  let min = 0
  let max = Infinity
  for (const check of checks) {
    if (check.check === 'min_length') min = Math.max(min, (check as z.core.$ZodCheckMinLengthDef).minimum)
    if (check.check === 'max_length') max = Math.min(max, (check as z.core.$ZodCheckMaxLengthDef).maximum)
    if (check.check === 'length_equals') min = max = (check as z.core.$ZodCheckLengthEqualsDef).length
  }
  return { min, max }
}

const wrongTypes = {
  string: fc.constantFrom<unknown>(0, 1, true, null, [], {}, ['x'], { toString: 'x' }),
  number: fc.constantFrom<unknown>('1', '', true, null, [], {}, [1], NaN, Infinity, -Infinity),
  boolean: fc.constantFrom<unknown>('true', 'false', 0, 1, null, [], {}),
  object: fc.constantFrom<unknown>(null, [], [{}], 'x', 0, true, ''),
  array: fc.constantFrom<unknown>(null, {}, { 0: 'x', length: 1 }, 'x', 0, true),
}

class Builder {
  constructor(
    private readonly opts: Options,
    /** At the depth limit of a z.lazy: a lazy met again here yields nothing. */
    private readonly bottomed = false,
  ) {}

  node(schema: Schema, path: readonly string[], lazyDepth: number): Node {
    const override = this.opts.override?.(path, schema)
    if (override)
      return node(
        () => override.valid,
        () => override.invalid,
      )
    const s = schema as Known
    const def = s._zod.def
    // A refinement (`custom`) may sit on any type: it is a predicate over the base values.
    const known = [...(KNOWN_CHECKS[def.type] ?? []), 'custom']
    for (const check of checksOf(schema)) {
      if (!known.includes(check.check)) throw new UnsupportedSchemaError(path, `check "${check.check}" on ${def.type}`)
    }
    const refined = checksOf(schema).some((check) => check.check === 'custom')
    const built = this.byType(s, path, lazyDepth)
    if (!refined) return built
    // A refinement is a predicate: keep the base values that pass it (the base's invalid ones stay invalid).
    return node(
      () => built.valid().filter((value) => safeParses(schema, value)),
      () => built.invalid(),
    )
  }

  private byType(s: Known, path: readonly string[], lazyDepth: number): Node {
    const def = s._zod.def
    switch (def.type) {
      case 'string':
        return this.string(s as z.core.$ZodString, path)
      case 'number':
        return this.number(s as z.core.$ZodNumber, path)
      case 'boolean':
        return node(
          () => fc.boolean(),
          () => wrongTypes.boolean,
        )
      case 'null':
        return node(
          () => fc.constant(null),
          () => fc.constantFrom<unknown>(0, '', 'null', false, {}, []),
        )
      case 'undefined':
      case 'void':
        return node(
          () => fc.constant(undefined),
          () => fc.constantFrom<unknown>(null, 0, '', {}),
        )
      case 'nan':
        return node(
          () => fc.constant(NaN),
          () => fc.constantFrom<unknown>(0, 'NaN', null),
        )
      case 'any':
      case 'unknown':
        // Everything parses, so nothing here is invalid.
        return node(
          () => fc.jsonValue({ maxDepth: 2 }),
          () => undefined,
        )
      case 'literal': {
        const values = [...def.values]
        return node(
          () => fc.constantFrom(...values),
          () =>
            fc.constantFrom<unknown>(
              ...values.flatMap((v) => [typeof v === 'string' ? `${v} ` : String(v), typeof v === 'string' ? v.toUpperCase() + '!' : `${String(v)}x`]),
              null,
              {},
              [],
            ),
        )
      }
      case 'enum': {
        const values = Object.values(def.entries)
        return node(
          () => fc.constantFrom(...values),
          () =>
            fc.oneof(
              fc.constantFrom<unknown>(...values.flatMap((v) => [String(v).toUpperCase(), ` ${String(v)}`, `${String(v)}\u0000`]), '', null, 0, []),
              fc.string({ maxLength: 12 }).filter((text) => !values.includes(text)),
            ),
        )
      }
      case 'object':
        return this.object(s as z.core.$ZodObject, path, lazyDepth)
      case 'array':
        return this.array(s as z.core.$ZodArray, path, lazyDepth)
      case 'record':
        return this.record(s as z.core.$ZodRecord, path, lazyDepth)
      case 'tuple':
        return this.tuple(s as z.core.$ZodTuple, path, lazyDepth)
      case 'union':
        return this.union(s as z.core.$ZodUnion, path, lazyDepth)
      case 'optional': {
        const inner = this.node(def.innerType, path, lazyDepth)
        return node(
          () => fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: inner.valid() }),
          () => inner.invalid()?.filter((v) => v !== undefined),
        )
      }
      case 'nonoptional': {
        const inner = this.node(def.innerType, path, lazyDepth)
        return node(
          () => inner.valid().filter((v) => v !== undefined),
          () => oneofDefined(inner.invalid(), fc.constant(undefined)),
        )
      }
      case 'nullable': {
        const inner = this.node(def.innerType, path, lazyDepth)
        return node(
          () => fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: inner.valid() }),
          () => inner.invalid()?.filter((v) => v !== null),
        )
      }
      case 'default':
      case 'prefault': {
        // Absent (or undefined) takes the default; anything given must itself be valid.
        const inner = this.node(def.innerType, path, lazyDepth)
        return node(
          () => fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: inner.valid() }),
          () => inner.invalid()?.filter((v) => v !== undefined),
        )
      }
      case 'readonly': {
        const inner = this.node(def.innerType, path, lazyDepth)
        return node(
          () => inner.valid(),
          () => inner.invalid(),
        )
      }
      case 'catch': {
        // Whatever fails falls back to the catch value, so nothing here is invalid.
        const inner = this.node(def.innerType, path, lazyDepth)
        return node(
          () => inner.valid(),
          () => undefined,
        )
      }
      case 'lazy':
        return this.lazy(s as z.core.$ZodLazy, path, lazyDepth)
      case 'pipe': {
        // A pipe from a black box is one black box: what the first stage lets through, the next may refuse.
        const first = (def.in as Known)._zod.def.type
        if (first === 'custom' || first === 'transform') return blackBox(s, path, this.opts.deepNesting)
        // Otherwise: inputs of the first stage whose result the whole pipe accepts.
        const input = this.node(def.in, path, lazyDepth)
        return node(
          () => input.valid().filter((value) => safeParses(s, value)),
          () => input.invalid(),
        )
      }
      case 'transform':
      case 'custom':
        return blackBox(s, path, this.opts.deepNesting)
      default:
        throw new UnsupportedSchemaError(path, `schema type "${def.type}"`)
    }
  }

  private string(s: z.core.$ZodString, path: readonly string[]): Node {
    const def = s._zod.def
    if ('format' in def && def.format !== undefined) throw new UnsupportedSchemaError(path, `string format "${String(def.format)}"`)
    const checks = checksOf(s)
    const { min, max } = lengths(checks)
    const overwrites = checks.filter((c): c is z.core.$ZodCheckOverwriteDef => c.check === 'overwrite').map((c) => c.tx as (text: string) => string)
    // zod runs checks in order: an overwrite (trim) changes what the later length checks see.
    const passes = (text: string): boolean => {
      let current = text
      for (const check of checks) {
        if (check.check === 'overwrite') current = (check as z.core.$ZodCheckOverwriteDef).tx(current) as string
        else if (check.check === 'min_length' && current.length < (check as z.core.$ZodCheckMinLengthDef).minimum) return false
        else if (check.check === 'max_length' && current.length > (check as z.core.$ZodCheckMaxLengthDef).maximum) return false
        else if (check.check === 'length_equals' && current.length !== (check as z.core.$ZodCheckLengthEqualsDef).length) return false
      }
      return true
    }
    const randomMax = Math.min(max, Math.max(min, this.opts.maxStringLength))
    const fit = (text: string): string => {
      const padded = text.length >= min ? text : text + 'q'.repeat(min - text.length)
      return padded.length <= max ? padded : padded.slice(0, max)
    }
    const boundaries = [min, max].filter((n) => Number.isFinite(n) && n <= BOUNDARY_STRING_MAX)
    const valid = (): fc.Arbitrary<unknown> =>
      fc
        .oneof(
          { weight: 4, arbitrary: fc.string({ maxLength: randomMax }) },
          { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: randomMax }) },
          { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
          {
            weight: boundaries.length > 0 ? 1 : 0,
            arbitrary: fc
              .constantFrom(...(boundaries.length > 0 ? boundaries : [0]))
              .chain((n) => fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }).map((c) => c.repeat(n))),
          },
        )
        .map(fit)
        .filter(passes)
    const invalid = (): fc.Arbitrary<unknown> | undefined => {
      const tooShort = min > 0 && fc.constantFrom('', 'q'.repeat(min - 1), ' '.repeat(min + 1)).filter((text) => !passes(text))
      const tooLong = Number.isFinite(max) && fc.constantFrom(max + 1, max + 7, max * 2 + 1).map((n) => repeated(n))
      const unicodeTooLong = Number.isFinite(max) && max <= BOUNDARY_STRING_MAX && fc.constant('😀'.repeat(Math.ceil((max + 1) / 2)))
      return oneofDefined(wrongTypes.string, tooShort, tooLong, unicodeTooLong, overwrites.length > 0 && min > 0 && fc.constant(' \t\n'))
    }
    return node(valid, invalid)
  }

  private number(s: z.core.$ZodNumber, path: readonly string[]): Node {
    let lo = -Number.MAX_VALUE
    let hi = Number.MAX_VALUE
    let loInclusive = true
    let hiInclusive = true
    let integer = false
    for (const check of checksOf(s)) {
      if (check.check === 'greater_than') {
        const { value, inclusive } = check as z.core.$ZodCheckGreaterThanDef
        if (Number(value) > lo || (Number(value) === lo && !inclusive)) [lo, loInclusive] = [Number(value), inclusive]
      } else if (check.check === 'less_than') {
        const { value, inclusive } = check as z.core.$ZodCheckLessThanDef
        if (Number(value) < hi || (Number(value) === hi && !inclusive)) [hi, hiInclusive] = [Number(value), inclusive]
      } else if (check.check === 'number_format') {
        const { format } = check as z.core.$ZodCheckNumberFormatDef
        const range = NUMBER_FORMATS[format]
        if (!range) throw new UnsupportedSchemaError(path, `number format "${format}"`)
        integer ||= range.integer
        lo = Math.max(lo, range.min)
        hi = Math.min(hi, range.max)
      }
    }
    const valid = (): fc.Arbitrary<unknown> => {
      if (integer) {
        const min = Math.ceil(loInclusive ? lo : Math.floor(lo) + 1)
        const max = Math.floor(hiInclusive ? hi : Math.ceil(hi) - 1)
        if (min > max) throw new UnsupportedSchemaError(path, `an empty integer range [${lo}, ${hi}]`)
        return fc.oneof({ weight: 3, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(min, max) })
      }
      return fc.double({ min: lo, max: hi, minExcluded: !loInclusive, maxExcluded: !hiInclusive, noNaN: true, noDefaultInfinity: true })
    }
    const invalid = (): fc.Arbitrary<unknown> | undefined => {
      const below =
        lo > -Number.MAX_VALUE && fc.constantFrom(loInclusive ? (integer ? lo - 1 : lo - Math.max(1e-9, Math.abs(lo) * 1e-9)) : lo, -Number.MAX_VALUE)
      const above = hi < Number.MAX_VALUE && fc.constantFrom(hiInclusive ? (integer ? hi + 1 : hi + Math.max(1e-9, Math.abs(hi) * 1e-9)) : hi, Number.MAX_VALUE)
      const fractional = integer && fc.constantFrom(Math.max(lo, 0) + 0.5, Number.MAX_SAFE_INTEGER + 2, 2 ** 64)
      return oneofDefined(wrongTypes.number, below, above, fractional)
    }
    return node(valid, invalid)
  }

  private object(s: z.core.$ZodObject, path: readonly string[], lazyDepth: number): Node {
    const def = s._zod.def
    const keys = Object.keys(def.shape)
    const fields = new Map(keys.map((key) => [key, this.node(def.shape[key]!, [...path, key], lazyDepth)]))
    const required = keys.filter((key) => def.shape[key]!._zod.optin === undefined)
    const catchall = def.catchall?._zod.def.type
    // Unknown keys: stripped by default, kept by loose objects, refused by strict ones.
    const extrasAllowed = catchall === undefined || catchall === 'unknown' || catchall === 'any'
    if (catchall !== undefined && !['never', 'unknown', 'any'].includes(catchall)) throw new UnsupportedSchemaError(path, `object catchall "${catchall}"`)
    const record = (swap?: { key: string; value: fc.Arbitrary<unknown> }) =>
      fc.record(Object.fromEntries(keys.map((key) => [key, swap?.key === key ? swap.value : fields.get(key)!.valid()])), {
        requiredKeys: swap ? [...new Set([...required, swap.key])] : required,
      }) as fc.Arbitrary<Record<string, unknown>>
    const valid = (): fc.Arbitrary<unknown> =>
      extrasAllowed
        ? fc
            .tuple(record(), fc.option(extraKeys(), { freq: 4 }))
            .map(([value, extras]) => ({ ...value, ...(extras ? ownObject(Object.entries(extras).filter(([key]) => !Object.hasOwn(def.shape, key))) : {}) }))
        : record()
    const invalid = (): fc.Arbitrary<unknown> | undefined => {
      const oneFieldWrong = keys.flatMap((key) => {
        const bad = fields.get(key)!.invalid()
        return bad ? [record({ key, value: bad })] : []
      })
      const missing = required.map((key) => record().map((value) => ownObject(Object.entries(value).filter(([k]) => k !== key))))
      const strictExtra = catchall === 'never' && record().map((value) => ({ ...value, unexpected: 1 }))
      return oneofDefined(wrongTypes.object, ...oneFieldWrong, ...missing, strictExtra)
    }
    return node(valid, invalid)
  }

  private array(s: z.core.$ZodArray, path: readonly string[], lazyDepth: number): Node {
    const { min, max } = lengths(checksOf(s))
    const item = this.node(s._zod.def.element, [...path, '[]'], lazyDepth)
    const cap = Math.min(max, Math.max(min, this.opts.maxItems))
    const valid = (): fc.Arbitrary<unknown> => fc.array(item.valid(), { minLength: min, maxLength: cap })
    const invalid = (): fc.Arbitrary<unknown> | undefined => {
      const bad = item.invalid()
      const oneItemWrong =
        bad &&
        cap > 0 &&
        fc
          .tuple(fc.array(item.valid(), { minLength: Math.max(0, min - 1), maxLength: Math.max(0, cap - 1) }), bad, fc.nat())
          .map(([items, wrong, at]) => items.toSpliced(at % (items.length + 1), 0, wrong))
      const tooFew = min > 0 && fc.array(item.valid(), { minLength: min - 1, maxLength: min - 1 })
      // One item more than allowed: every item is valid, so only the count can fail.
      const tooMany = Number.isFinite(max) && item.valid().map((one) => new Array<unknown>(max + 1).fill(one))
      return oneofDefined(wrongTypes.array, oneItemWrong, tooFew, tooMany)
    }
    return node(valid, invalid)
  }

  private record(s: z.core.$ZodRecord, path: readonly string[], lazyDepth: number): Node {
    const def = s._zod.def
    const keyType = (def.keyType as Known)._zod.def
    const value = this.node(def.valueType, [...path, '{}'], lazyDepth)
    // zod 4 records over an enum or literals are exhaustive: every key must be there.
    const exhaustive = keyType.type === 'enum' ? Object.values(keyType.entries).map(String) : keyType.type === 'literal' ? keyType.values.map(String) : null
    if (!exhaustive && keyType.type !== 'string') throw new UnsupportedSchemaError(path, `record key type "${keyType.type}"`)
    const keyNode = exhaustive ? null : this.node(def.keyType, [...path, '<key>'], lazyDepth)
    const entries = (values: fc.Arbitrary<unknown>) =>
      exhaustive
        ? fc.tuple(...exhaustive.map((key) => values.map((v) => [key, v] as const)))
        : fc.array(fc.tuple(keyNode!.valid() as fc.Arbitrary<string>, values), { maxLength: this.opts.maxItems })
    const valid = (): fc.Arbitrary<unknown> => entries(value.valid()).map((list) => ownObject(list))
    const invalid = (): fc.Arbitrary<unknown> | undefined => {
      const bad = value.invalid()
      const oneValueWrong =
        bad &&
        fc
          .tuple(entries(value.valid()), fc.string({ maxLength: 8 }), bad)
          .map(([list, key, wrong]) => ownObject([...list, [exhaustive?.[0] ?? `bad${key}`, wrong]]))
      const badKey = keyNode?.invalid()
      // Only a string can be a key: a wrong key of another type makes the whole value null (also invalid).
      const oneKeyWrong = badKey && fc.tuple(badKey, value.valid()).map(([key, v]) => (typeof key === 'string' ? ownObject([[key, v]]) : null))
      const missingKey = exhaustive !== null && exhaustive.length > 0 && entries(value.valid()).map((list) => ownObject(list.slice(1)))
      return oneofDefined(fc.constantFrom<unknown>(null, [], ['x'], 'x', 0), oneValueWrong, oneKeyWrong, missingKey)
    }
    return node(valid, invalid)
  }

  private tuple(s: z.core.$ZodTuple, path: readonly string[], lazyDepth: number): Node {
    const def = s._zod.def
    const items = def.items.map((item, i) => this.node(item, [...path, `#${i}`], lazyDepth))
    const rest = def.rest ? this.node(def.rest, [...path, '[]'], lazyDepth) : null
    const valid = (): fc.Arbitrary<unknown> =>
      fc
        .tuple(fc.tuple(...items.map((item) => item.valid())), rest ? fc.array(rest.valid(), { maxLength: this.opts.maxItems }) : fc.constant([]))
        .map(([head, tail]) => [...head, ...tail])
    const invalid = (): fc.Arbitrary<unknown> | undefined => {
      const oneWrong = items.flatMap((item, i) => {
        const bad = item.invalid()
        return bad ? [fc.tuple(fc.tuple(...items.map((it) => it.valid())), bad).map(([head, wrong]) => head.toSpliced(i, 1, wrong))] : []
      })
      const tooLong = !rest && fc.tuple(...items.map((item) => item.valid())).map((head) => [...head, 'extra'])
      return oneofDefined(wrongTypes.array, ...oneWrong, tooLong)
    }
    return node(valid, invalid)
  }

  private union(s: z.core.$ZodUnion, path: readonly string[], lazyDepth: number): Node {
    const def = s._zod.def as z.core.$ZodUnionDef & { discriminator?: string; inclusive?: boolean }
    const options = def.options.map((option) => this.node(option, path, lazyDepth))
    const discriminator = def.discriminator
    // An exclusive union (z.xor) refuses values that two options accept.
    const exclusive = def.inclusive === false && discriminator === undefined
    const valid = (): fc.Arbitrary<unknown> => {
      const any = fc.oneof(...options.map((option) => option.valid()))
      return exclusive ? any.filter((value) => safeParses(s, value)) : any
    }
    const invalid = (): fc.Arbitrary<unknown> | undefined => {
      // A near-miss of one option may be another option's valid value: mostly invalid, not always.
      const nearMiss = oneofDefined(...options.map((option) => option.invalid()))
      if (discriminator === undefined) return nearMiss
      const known = new Set([...(s._zod.propValues?.[discriminator] ?? [])].map((v) => String(v)))
      const anyOption = fc.oneof(...options.map((option) => option.valid()))
      const withTag = (tag: unknown) => anyOption.map((value) => (isRecord(value) ? ownObject([...Object.entries(value), [discriminator, tag]]) : null))
      const unknownTag = fc
        .constantFrom('', 'no-such-tag', ...[...known].map((tag) => tag.toUpperCase()))
        .filter((tag) => !known.has(tag))
        .chain(withTag)
      const missingTag = anyOption.map((value) => (isRecord(value) ? ownObject(Object.entries(value).filter(([key]) => key !== discriminator)) : null))
      return oneofDefined(nearMiss, unknownTag, missingTag, withTag(null), withTag(['x']))
    }
    return node(valid, invalid)
  }

  private lazy(s: z.core.$ZodLazy, path: readonly string[], lazyDepth: number): Node {
    // Below the bottom of a recursion nothing is generated: the arrays and records there are empty.
    if (this.bottomed)
      return node(
        () => NOTHING,
        () => undefined,
      )
    let unfolded: Node | undefined
    const inner = (): Node =>
      (unfolded ??=
        lazyDepth >= this.opts.maxLazyDepth
          ? new Builder({ ...this.opts, maxItems: 0 }, true).node(s._zod.def.getter(), path, lazyDepth)
          : this.node(s._zod.def.getter(), path, lazyDepth + 1))
    return node(
      () => inner().valid(),
      () =>
        oneofDefined(
          lazyDepth < this.opts.maxLazyDepth && inner().invalid(),
          // Recursive schemas are where deep nesting hurts: zod recurses once per level.
          fc
            .constantFrom(...this.opts.deepNesting)
            .chain((depth) => fc.constantFrom<'object' | 'array' | 'mixed'>('object', 'array', 'mixed').map((shape) => deeplyNested(depth, shape))),
        ),
    )
  }
}

/** Never drawn: only ever the item of an array or record that is generated empty. */
const NOTHING: fc.Arbitrary<unknown> = fc.constant(undefined).filter(() => false)

/** Candidates for a schema that cannot be looked into: objects (own `__proto__` keys too), JSON values, hostile values. */
const blackBoxCandidates: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 8 })),
          fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...HOSTILE_NUMBERS)),
        ),
        { maxLength: 4 },
      )
      .map((entries) => ownObject(entries)),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: hostileValue([12]) },
)

/**
 * z.custom and a bare transform hide their predicate in a function: values are the candidates the
 * schema itself accepts (or refuses), deeply nested ones among the refused (a custom record that
 * recurses by hand overflows like any other). Refused loudly when a sample of candidates has none
 * it accepts, rather than filtering for ever.
 */
function blackBox(schema: Schema, path: readonly string[], deepNesting: readonly number[]): Node {
  const sample = fc.sample(blackBoxCandidates, { seed: 1, numRuns: 300 })
  if (!sample.some((value) => safeParses(schema, value)))
    throw new UnsupportedSchemaError(path, `a ${schema._zod.def.type} schema that accepts none of the generic candidates`)
  const deep = fc
    .constantFrom(...deepNesting)
    .chain((depth) => fc.constantFrom<'object' | 'array' | 'mixed'>('object', 'array', 'mixed').map((shape) => deeplyNested(depth, shape)))
  const refused = fc
    .oneof(
      { weight: 2, arbitrary: blackBoxCandidates },
      { weight: 1, arbitrary: deep },
      { weight: 2, arbitrary: deep.map((value) => ownObject([['nested', value]])) },
      {
        weight: 2,
        arbitrary: deep.map((value) =>
          ownObject([
            ['a', 1],
            ['nested', [value]],
          ]),
        ),
      },
    )
    .filter((value) => !safeParses(schema, value))
  const probes = [...sample, ...deepNesting.flatMap((depth) => [deeplyNested(depth, 'object'), deeplyNested(depth, 'array')])]
  const refuses = probes.some((value) => !safeParses(schema, value))
  return node(
    () => blackBoxCandidates.filter((value) => safeParses(schema, value)),
    () => (refuses ? refused : undefined),
  )
}

const NUMBER_FORMATS: Record<string, { integer: boolean; min: number; max: number } | undefined> = {
  safeint: { integer: true, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  int32: { integer: true, min: -(2 ** 31), max: 2 ** 31 - 1 },
  uint32: { integer: true, min: 0, max: 2 ** 32 - 1 },
  float32: { integer: false, min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
  float64: { integer: false, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
}

function repeated(length: number): string {
  let text = longStrings.get(length)
  if (text === undefined) {
    text = 'q'.repeat(length)
    longStrings.set(length, text)
  }
  return text
}

/** Keys a request does not know, among them the ones that reach Object.prototype through a careless lookup. */
function extraKeys(): fc.Arbitrary<Record<string, unknown>> {
  const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'extra', ''), fc.string({ maxLength: 8 }))
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 1 }),
    fc.constant(null).map(() => ({ polluted: 'yes' })),
  )
  return fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }).map((entries) => ownObject(entries))
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function safeParses(schema: Schema, value: unknown): boolean {
  try {
    return (schema as z.ZodType).safeParse(value).success
  } catch {
    return false
  }
}
