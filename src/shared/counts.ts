import { z } from 'zod'

export const count = z.number().int().nonnegative()
/** null: the broker cannot tell; shown as "—" or "unknown" with the reason, never as 0. */
export const optionalCount = count.nullable()
