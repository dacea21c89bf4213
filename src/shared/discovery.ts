import { z } from 'zod'
import { count, optionalCount } from './counts'

/**
 * Redis discovery: sources:list on a Redis connection reports progress (`sources:progress`) and can be cancelled.
 */

export const discoveryProgressSchema = z.object({
  /** The `discoveryId` the sources:list request gave. */
  id: z.string(),
  connectionId: z.string(),
  /** Keys SCAN has returned so far, over every master. */
  scanned: count,
  /** DBSIZE summed over the masters when the scan started (null when unknown). */
  total: optionalCount,
  /** Sources found so far (streams, lists, BullMQ queues, channels). */
  found: count,
  /** Masters scanned / to scan (1 on a standalone server). */
  nodesDone: count,
  nodes: count,
  done: z.boolean(),
})
export type DiscoveryProgress = z.infer<typeof discoveryProgressSchema>

export const discoveryCancelRequestSchema = z.object({ id: z.string().min(1) })
