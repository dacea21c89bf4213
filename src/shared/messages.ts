import { z } from 'zod'
import { headerValueSchema, messagePropertiesSchema } from './publish'

/**
 * Browsing (messages:peek) and purging (sources:purge): the shapes every front end sees.
 * Browsing never consumes a message (docs/semantics.md).
 */

/** Largest page a peek may ask for (pages of 50 by default, up to 1,000). */
export const MAX_PEEK_COUNT = 1000
export const DEFAULT_PEEK_COUNT = 50

/**
 * RabbitMQ stream queues only: where the offset consumer starts (`x-stream-offset`).
 * offset: a stream offset; timestamp: epoch milliseconds (the broker works in whole seconds and
 * starts at the first chunk written at or after it, so a few earlier messages may show).
 */
export const streamFromSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('first') }),
  z.object({ type: z.literal('last') }),
  z.object({ type: z.literal('next') }),
  z.object({ type: z.literal('offset'), value: z.number().int().nonnegative() }),
  z.object({ type: z.literal('timestamp'), value: z.number().int().nonnegative() }),
])
export type StreamFrom = z.infer<typeof streamFromSchema>

export const peekRequestSchema = z.object({
  connectionId: z.string().min(1),
  /** `<kind>:<name>`: queue:q (classic, quorum, stream), stream:key, list:key. */
  source: z.string().min(1),
  count: z.number().int().min(1).max(MAX_PEEK_COUNT).default(DEFAULT_PEEK_COUNT),
  from: streamFromSchema.optional(),
  /**
   * Quorum queues with a delivery limit: each browse may spend one delivery attempt per message
   * (RabbitMQ before 4.3 counts every requeue). Without this the browse is refused.
   */
  acceptDeliveryLimitRisk: z.boolean().default(false),
  /**
   * Redis streams: a page by entry id. forward = XRANGE (oldest first), backward = XREVRANGE
   * (newest first). `after` is exclusive (the previous page's last id: the next page); `at` is
   * inclusive (jump to an id, or to a time as "<epoch ms>" which means "<ms>-0").
   */
  range: z
    .object({
      direction: z.enum(['forward', 'backward']).default('forward'),
      after: z.string().max(64).optional(),
      at: z.string().max(64).optional(),
    })
    .optional(),
  /** Redis lists: which end the page starts from, and how many items in from that end. */
  listFrom: z.enum(['head', 'tail']).optional(),
  offset: z.number().int().nonnegative().optional(),
  /**
   * Redis streams: `summary` sends the page as the list shows it (`entries`: id, time, size, a
   * short preview, field names) and leaves the full decoding (typed headers, properties,
   * decompression, the whole body) to `streams:entry` for the entry the user opens; `full` decodes
   * every entry into `messages`. Other sources always send full messages.
   */
  form: z.enum(['full', 'summary']).default('full'),
})
export type PeekRequest = z.input<typeof peekRequestSchema>
export type PeekRequestParsed = z.output<typeof peekRequestSchema>

/** One decoded `x-death` entry (newest first in the list, as the broker keeps them). */
export const xDeathEntrySchema = z.object({
  reason: z.string(),
  count: z.number().int().nonnegative(),
  queue: z.string(),
  exchange: z.string(),
  routingKeys: z.array(z.string()),
  /** When the broker dead-lettered it, epoch ms (the AMQP timestamp has whole seconds); null if absent. */
  time: z.number().nullable(),
})
export type XDeathEntry = z.infer<typeof xDeathEntrySchema>

export const peekedMessageSchema = z.object({
  /**
   * Unique within one page: RabbitMQ classic/quorum queues: the 1-based position from the head;
   * RabbitMQ streams: the stream offset; Redis streams: the entry id; Redis lists: the index.
   */
  id: z.string(),
  /** UTF-8 text as is; anything that is not valid UTF-8 (or holds NUL bytes) as base64. */
  body: z.string(),
  encoding: z.enum(['utf8', 'base64']),
  /** Body size in bytes. */
  size: z.number().int().nonnegative(),
  /**
   * Present when the body was cut for display (a large body, or the page's byte budget spent):
   * `body` holds its first `shownBytes` bytes. Export reads messages whole.
   */
  shownBytes: z.number().int().nonnegative().optional(),
  properties: messagePropertiesSchema,
  headers: z.record(z.string(), headerValueSchema),
  /** RabbitMQ: set on every browsed message once it has been browsed (or delivered) before. */
  redelivered: z.boolean(),
  /** Quorum queues: the broker's `x-delivery-count` when this page was read. */
  deliveryCount: z.number().int().nonnegative().optional(),
  /** RabbitMQ streams: the message's offset. */
  streamOffset: z.number().int().nonnegative().optional(),
  xDeath: z.array(xDeathEntrySchema).optional(),
  /**
   * A compressed body (content encoding gzip / deflate / br, or gzip's magic bytes) decompressed,
   * for showing; `body` stays the bytes as stored. `error` says why it could not be decoded.
   */
  decoded: z
    .object({
      contentEncoding: z.string(),
      body: z.string().optional(),
      encoding: z.enum(['utf8', 'base64']).optional(),
      size: z.number().int().nonnegative().optional(),
      /** As for the body: the decompressed form was cut to its first `shownBytes` bytes. */
      shownBytes: z.number().int().nonnegative().optional(),
      error: z.string().optional(),
    })
    .optional(),
})
export type PeekedMessage = z.infer<typeof peekedMessageSchema>

/** Characters of a stream entry's preview: the list row shows what fits. */
export const ENTRY_PREVIEW_CHARS = 160
/** Field names a stream entry's summary lists (`fieldCount` has them all), and characters of each. */
export const ENTRY_FIELD_NAMES = 32
export const ENTRY_FIELD_NAME_CHARS = 128

/**
 * A Redis stream entry as the list shows it (a page asked with `form: 'summary'`). Bounded whatever
 * the entry holds: a 1,000-entry page of these is a few MiB at most.
 */
export const streamEntrySummarySchema = z.object({
  /** The entry id. */
  id: z.string(),
  /**
   * When it was written, epoch ms: the `timestamp` property Queuescope stored with it, else the
   * id's milliseconds (null for an id too small to be a time, such as `1-0`).
   */
  time: z.number().nullable(),
  /** Bytes of every field, names and values. */
  size: z.number().int().nonnegative(),
  /**
   * The start of its fields as text, for the row: the body (decompressed when it is compressed),
   * then `name=value` for the other fields; at most ENTRY_PREVIEW_CHARS characters.
   */
  preview: z.string(),
  /** Field names as stored, in order: the first ENTRY_FIELD_NAMES, each cut at ENTRY_FIELD_NAME_CHARS. */
  fields: z.array(z.string()),
  /** How many fields the entry has. */
  fieldCount: z.number().int().nonnegative(),
})
export type StreamEntrySummary = z.infer<typeof streamEntrySummarySchema>

export const peekResultSchema = z.object({
  /** The page, each message fully decoded; empty when `entries` holds the page instead. */
  messages: z.array(peekedMessageSchema),
  /** A Redis stream page asked with `form: 'summary'`: its entries as the list shows them. */
  entries: z.array(streamEntrySummarySchema).optional(),
  /** What browsing did or could not do, in words (e.g. redelivered set, order may shift). */
  warnings: z.array(z.string()),
  /** Redis: where the next page starts (stream: the `after` id; list: the offset); null at the end. */
  next: z.string().nullable().optional(),
})
export type PeekResult = z.infer<typeof peekResultSchema>

export const purgeRequestSchema = z.object({
  connectionId: z.string().min(1),
  source: z.string().min(1),
  /** Typed confirmation: must equal the queue's name (docs/semantics.md: destructive acts). */
  confirm: z.string(),
})
export type PurgeRequest = z.input<typeof purgeRequestSchema>

export const purgeResultSchema = z.object({
  /** Ready messages removed; unacked messages stay in the queue. */
  purged: z.number().int().nonnegative(),
})
export type PurgeResult = z.infer<typeof purgeResultSchema>
