import { readFile } from 'node:fs/promises'
import { QsError } from '../shared/errors'

const NUMERIC_PROPERTIES = new Set(['deliveryMode', 'priority', 'timestamp'])

/** `K=V` pairs from repeatable options; values stay strings except numeric AMQP properties. */
export function parseKeyValues(pairs: string[], flag: string, properties = false): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new QsError('BAD_REQUEST', `${flag} "${pair}" must look like KEY=VALUE`)
    const key = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    if (properties && NUMERIC_PROPERTIES.has(key)) {
      const n = Number(value)
      if (!Number.isInteger(n)) throw new QsError('BAD_REQUEST', `${flag} ${key} must be a whole number, not "${value}"`)
      out[key] = n
    } else {
      out[key] = value
    }
  }
  return out
}

/** The body as the contract carries it: UTF-8 text as is, anything else base64. */
export async function readBody(options: { body?: string; file?: string }): Promise<{ body: string; encoding: 'utf8' | 'base64' }> {
  if (options.body !== undefined) return { body: options.body, encoding: 'utf8' }
  let bytes: Buffer
  try {
    bytes = await readFile(options.file!)
  } catch (err) {
    throw new QsError('NOT_FOUND', `cannot read ${options.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  const text = bytes.toString('utf8')
  return Buffer.from(text, 'utf8').equals(bytes) ? { body: text, encoding: 'utf8' } : { body: bytes.toString('base64'), encoding: 'base64' }
}
