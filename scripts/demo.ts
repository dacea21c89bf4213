// `npm run demo`: fills the local brokers with realistic traffic to explore in Queuescope, then
// keeps light live traffic flowing until Ctrl+C. `npm run demo -- --once` seeds and exits.
//
// Idempotent: every run deletes and recreates its own objects, and only those. All of them are
// named `demo.` (RabbitMQ, vhost from QS_RABBITMQ_URL, `/` by default), `demo:` (Redis keys) or
// `demo-` (the BullMQ queue `demo-mail`, keys `bull:demo-mail:*`).
//
// Env: QS_RABBITMQ_URL (amqp://guest:guest@127.0.0.1:5672/), QS_RABBITMQ_MANAGEMENT_URL
// (http://127.0.0.1:15672), QS_REDIS_URL (redis://127.0.0.1:6379).
import { randomBytes, randomUUID } from 'node:crypto'
import * as amqp from 'amqplib'
import { Queue, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import { redactUrl } from '../src/shared/connection-url'

const RABBITMQ_URL = process.env.QS_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672/'
const MANAGEMENT_URL = process.env.QS_RABBITMQ_MANAGEMENT_URL || 'http://127.0.0.1:15672'
const REDIS_URL = process.env.QS_REDIS_URL || 'redis://127.0.0.1:6379'
const ONCE = process.argv.includes('--once')

// ---- names (every object this script touches) ------------------------------------------------
const EX_EVENTS = 'demo.events'
const EX_DLX = 'demo.dlx'
const Q_ORDERS = 'demo.orders'
const Q_PAYMENTS = 'demo.payments'
const Q_DLQ = 'demo.payments.dlq'
const Q_INVOICES = 'demo.invoices'
const Q_AUDIT = 'demo.audit'
const RABBIT_QUEUES = [Q_ORDERS, Q_PAYMENTS, Q_DLQ, Q_INVOICES, Q_AUDIT]
const RABBIT_EXCHANGES = [EX_EVENTS, EX_DLX]
const K_STREAM = 'demo:orders:events'
const K_JOBS = 'demo:jobs'
const K_CHANNEL = 'demo:notifications'
const BULL_QUEUE = 'demo-mail'
const BULL_PREFIX = 'bull'

// ---- how much ------------------------------------------------------------------------------
const N = {
  orders: 250,
  paymentsBacklog: 28,
  paymentsExpired: 6,
  paymentsRejected: 8,
  invoices: 60,
  invoicesRedelivered: 3,
  audit: 300,
  streamEntries: 500,
  billingPending: 4,
  shippingRead: 320,
  shippingPending: 20,
  jobs: 50,
  mailProcessed: 40,
  mailWaiting: 12,
  mailDelayed: 6,
  orderPrefetch: 10,
}

// ---- output ----------------------------------------------------------------------------------
const redact = redactUrl

class Unreachable extends Error {}

function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorText(error.errors[0])
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message
  return String(error)
}

// ---- deterministic-looking fake data -----------------------------------------------------------
let seed = 0x5eed
function rand(): number {
  // mulberry32: same demo content every run, but varied
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1))
const pad = (n: number, width: number) => String(n).padStart(width, '0')

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Tim', 'Hedy']
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman', 'Berners-Lee', 'Lamarr']
const CITIES: ReadonlyArray<[string, string]> = [
  ['Berlin', 'DE'],
  ['Lyon', 'FR'],
  ['Utrecht', 'NL'],
  ['Porto', 'PT'],
  ['Austin', 'US'],
  ['Leeds', 'GB'],
  ['Turin', 'IT'],
  ['Kraków', 'PL'],
]
const PRODUCTS: ReadonlyArray<[string, string, number]> = [
  ['SKU-1001', 'Mechanical keyboard', 129.0],
  ['SKU-1002', 'USB-C dock', 89.9],
  ['SKU-1003', '27" monitor', 319.0],
  ['SKU-1004', 'Noise-cancelling headphones', 249.0],
  ['SKU-1005', 'Laptop stand', 39.5],
  ['SKU-1006', 'Webcam 4K', 119.0],
  ['SKU-1007', 'Ergonomic mouse', 59.9],
  ['SKU-1008', 'Desk lamp', 45.0],
]
const TENANTS = ['acme', 'globex', 'initech', 'umbrella']
const CURRENCY = 'EUR'

let orderSeq = 104200
function customer() {
  const first = pick(FIRST)
  const last = pick(LAST)
  const [city, country] = pick(CITIES)
  return {
    id: `CUS-${pad(int(1, 4999), 4)}`,
    name: `${first} ${last}`,
    email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + '@example.com',
    city,
    country,
  }
}
function order() {
  const c = customer()
  const items = Array.from({ length: int(1, 3) }, () => {
    const [sku, name, price] = pick(PRODUCTS)
    return { sku, name, quantity: int(1, 3), unitPrice: price }
  })
  const total = Math.round(items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) * 100) / 100
  return {
    orderId: `ORD-${++orderSeq}`,
    customer: { id: c.id, name: c.name, email: c.email },
    items,
    total,
    currency: CURRENCY,
    shippingAddress: { city: c.city, country: c.country },
    channel: pick(['web', 'web', 'ios', 'android', 'pos']),
    createdAt: new Date(Date.now() - int(0, 3_600_000)).toISOString(),
  }
}
const traceId = () => randomBytes(8).toString('hex')

function properties(type: string, appId: string, extra: amqp.Options.Publish = {}): amqp.Options.Publish {
  return {
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    messageId: randomUUID(),
    correlationId: extra.correlationId ?? randomUUID(),
    timestamp: Math.floor(Date.now() / 1000),
    appId,
    type,
    persistent: true,
    ...extra,
    headers: { 'x-tenant': pick(TENANTS), 'x-schema-version': 2, 'x-trace-id': traceId(), ...(extra.headers ?? {}) },
  }
}
const json = (value: unknown) => Buffer.from(JSON.stringify(value))

// ---- lifecycle -------------------------------------------------------------------------------
const cleanups: Array<() => Promise<unknown> | unknown> = []
const timers: NodeJS.Timeout[] = []
let stopping = false

function every(ms: number, fn: () => Promise<void> | void) {
  let busy = false
  const timer = setInterval(() => {
    if (busy || stopping) return
    busy = true
    Promise.resolve()
      .then(fn)
      .catch((error: unknown) => {
        if (!stopping) console.error(`demo: live traffic step failed: ${errorText(error)}`)
      })
      .finally(() => (busy = false))
  }, ms)
  timers.push(timer)
}

async function shutdown(code: number, message?: string): Promise<never> {
  if (stopping) process.exit(code || 130)
  stopping = true
  if (message) console.error(message)
  for (const timer of timers) clearInterval(timer)
  // Whatever hangs, the process still ends.
  setTimeout(() => {
    console.error('demo: connections did not close within 10 s; exiting anyway')
    process.exit(code || 1)
  }, 10_000).unref()
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup()
    } catch {}
  }
  if (message) console.error('demo: all connections closed.')
  process.exit(code)
}

function fatal(message: string): void {
  void shutdown(1, message)
}

// ---- RabbitMQ ----------------------------------------------------------------------------------
async function connectRabbit(): Promise<amqp.ChannelModel> {
  let connection: amqp.ChannelModel
  try {
    connection = await amqp.connect(RABBITMQ_URL, { timeout: 5000, clientProperties: { connection_name: 'queuescope demo' } })
  } catch (error) {
    const text = errorText(error)
    const hint = /ACCESS.REFUSED|403/.test(text) ? 'check the user and password in QS_RABBITMQ_URL' : 'run npm run brokers'
    throw new Unreachable(`✗ RabbitMQ unreachable at ${redact(RABBITMQ_URL)} (${text}) — ${hint}`)
  }
  connection.on('error', (error: Error) => {
    if (!stopping) console.error(`demo: RabbitMQ connection error: ${error.message}`)
  })
  connection.on('close', () => {
    if (!stopping) fatal(`✗ RabbitMQ connection to ${redact(RABBITMQ_URL)} closed — run npm run brokers`)
  })
  cleanups.push(() => connection.close())
  return connection
}

async function channel(connection: amqp.ChannelModel): Promise<amqp.Channel> {
  const ch = await connection.createChannel()
  ch.on('error', (error: Error) => {
    if (!stopping) console.error(`demo: RabbitMQ channel error: ${error.message}`)
  })
  return ch
}

/** One throw-away channel per operation: a failing operation closes only its own channel. */
async function tryOnce(connection: amqp.ChannelModel, op: (ch: amqp.Channel) => Promise<unknown>): Promise<void> {
  const ch = await connection.createChannel()
  ch.on('error', () => {}) // expected for probes (404): the channel closes, the connection stays
  try {
    await op(ch)
  } catch {}
  try {
    await ch.close()
  } catch {}
}

async function publishAll(ch: amqp.ConfirmChannel, items: Array<[exchange: string, routingKey: string, body: Buffer, options: amqp.Options.Publish]>) {
  for (const [exchange, routingKey, body, options] of items) {
    if (!ch.publish(exchange, routingKey, body, { mandatory: true, ...options })) {
      await new Promise((resolve) => ch.once('drain', resolve))
    }
  }
  await ch.waitForConfirms()
}

async function waitForCount(ch: amqp.Channel, queue: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let count = (await ch.checkQueue(queue)).messageCount
  while (count < expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    count = (await ch.checkQueue(queue)).messageCount
  }
  return count
}

interface RabbitSummary {
  dlq: number
  unroutable: number
  orderConsumers: OrderConsumer[]
  publisher: amqp.ConfirmChannel
  managementNote: string
}

interface OrderConsumer {
  ch: amqp.Channel
  tag: string
  held: amqp.ConsumeMessage[]
  acked: number
}

async function seedRabbit(connection: amqp.ChannelModel): Promise<RabbitSummary> {
  // Warn when an older demo is still attached: resetting cancels its consumers.
  await tryOnce(connection, async (ch) => {
    const { consumerCount } = await ch.checkQueue(Q_ORDERS)
    if (consumerCount > 0) console.log(`  (demo.orders had ${consumerCount} consumer(s): another demo may still be running; it is being reset)`)
  })

  // Reset: delete only our own objects (deleting a missing one is fine).
  for (const queue of RABBIT_QUEUES) await tryOnce(connection, (ch) => ch.deleteQueue(queue))
  for (const exchange of RABBIT_EXCHANGES) await tryOnce(connection, (ch) => ch.deleteExchange(exchange))

  // Topology.
  const setup = await channel(connection)
  await setup.assertExchange(EX_EVENTS, 'topic', { durable: true })
  await setup.assertExchange(EX_DLX, 'fanout', { durable: true })
  await setup.assertQueue(Q_ORDERS, { durable: true })
  await setup.assertQueue(Q_PAYMENTS, { durable: true, arguments: { 'x-dead-letter-exchange': EX_DLX } })
  await setup.assertQueue(Q_DLQ, { durable: true })
  await setup.assertQueue(Q_INVOICES, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 5 } })
  await setup.assertQueue(Q_AUDIT, {
    durable: true,
    arguments: { 'x-queue-type': 'stream', 'x-max-length-bytes': 50_000_000, 'x-stream-max-segment-size-bytes': 5_000_000 },
  })
  await setup.bindQueue(Q_ORDERS, EX_EVENTS, 'orders.*')
  await setup.bindQueue(Q_PAYMENTS, EX_EVENTS, 'payments.#')
  await setup.bindQueue(Q_AUDIT, EX_EVENTS, 'audit.#')
  await setup.bindQueue(Q_DLQ, EX_DLX, '')

  const publisher = await connection.createConfirmChannel()
  publisher.on('error', (error: Error) => {
    if (!stopping) console.error(`demo: RabbitMQ publisher channel error: ${error.message}`)
  })
  let unroutable = 0
  publisher.on('return', () => unroutable++)

  // Payments, part 1: authorisation holds with a 1 s per-message TTL. They reach the head of the
  // empty queue, expire, and the BROKER dead-letters them: x-death reason "expired".
  const payment = (status: string) => {
    const o = order()
    return {
      paymentId: `PAY-${pad(int(100000, 999999), 6)}`,
      orderId: o.orderId,
      customerId: o.customer.id,
      amount: o.total,
      currency: CURRENCY,
      method: pick(['card', 'card', 'sepa_debit', 'paypal', 'apple_pay']),
      status,
      ...(status === 'failed' ? { failure: { code: pick(['card_declined', 'insufficient_funds', 'expired_card']), retryable: false } } : {}),
      at: new Date().toISOString(),
    }
  }
  await publishAll(
    publisher,
    Array.from({ length: N.paymentsExpired }, () => {
      const body = payment('authorization_pending')
      return [
        EX_EVENTS,
        'payments.authorization.hold',
        json(body),
        properties('payments.authorization.hold', 'payment-gateway', { expiration: '1000', correlationId: body.orderId }),
      ]
    }),
  )
  const expired = await waitForCount(setup, Q_DLQ, N.paymentsExpired, 15_000)
  if (expired < N.paymentsExpired) console.warn(`  warning: only ${expired} of ${N.paymentsExpired} payments expired into ${Q_DLQ} so far`)

  // Payments, part 2: failed payments that a consumer rejects (requeue=false): reason "rejected".
  await publishAll(
    publisher,
    Array.from({ length: N.paymentsRejected }, () => {
      const body = payment('failed')
      return [EX_EVENTS, 'payments.failed', json(body), properties('payments.failed', 'payment-gateway', { correlationId: body.orderId })]
    }),
  )
  const rejecter = await channel(connection)
  for (let i = 0; i < N.paymentsRejected; i++) {
    const message = await rejecter.get(Q_PAYMENTS, { noAck: false })
    if (message) rejecter.reject(message, false)
  }
  await rejecter.close()
  const dlq = await waitForCount(setup, Q_DLQ, N.paymentsExpired + N.paymentsRejected, 10_000)

  // Payments, part 3: a backlog nobody consumes yet.
  await publishAll(
    publisher,
    Array.from({ length: N.paymentsBacklog }, () => {
      const status = pick(['captured', 'captured', 'captured', 'refund.requested', 'authorized'])
      const body = payment(status.replace('.', '_'))
      return [EX_EVENTS, `payments.${status}`, json(body), properties(`payments.${status}`, 'payment-gateway', { correlationId: body.orderId })]
    }),
  )

  // Orders: a backlog on the work queue.
  await publishAll(
    publisher,
    Array.from({ length: N.orders }, () => orderMessage()),
  )

  // Invoices on the quorum queue; a few are delivered and nacked back (x-delivery-count 1).
  await publishAll(
    publisher,
    Array.from({ length: N.invoices }, (_, i) => {
      const o = order()
      const net = Math.round((o.total / 1.19) * 100) / 100
      const body = {
        invoiceId: `INV-2024-${pad(5100 + i, 6)}`,
        orderId: o.orderId,
        customer: o.customer,
        lines: o.items.map((item) => ({ ...item, amount: Math.round(item.quantity * item.unitPrice * 100) / 100 })),
        net,
        vat: Math.round((o.total - net) * 100) / 100,
        total: o.total,
        currency: CURRENCY,
        dueDate: new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10),
        status: 'issued',
      }
      return ['', Q_INVOICES, json(body), properties('invoice.issued', 'billing-service', { correlationId: o.orderId })]
    }),
  )
  const browser = await channel(connection)
  const held: amqp.GetMessage[] = []
  for (let i = 0; i < N.invoicesRedelivered; i++) {
    const message = await browser.get(Q_INVOICES, { noAck: false })
    if (message) held.push(message)
  }
  for (const message of held) browser.nack(message, false, true)
  await browser.close()

  // Audit trail on the stream queue, through the exchange.
  const entities = ['user', 'order', 'payment', 'invoice', 'api-key']
  const actions: Record<string, string[]> = {
    user: ['login', 'logout', 'password.changed', 'mfa.enabled'],
    order: ['created', 'updated', 'cancelled'],
    payment: ['captured', 'refunded'],
    invoice: ['issued', 'sent'],
    'api-key': ['created', 'revoked'],
  }
  await publishAll(
    publisher,
    Array.from({ length: N.audit }, () => auditMessage(entities, actions)),
  )

  // Two consumers on demo.orders: prefetch, slow acks, so messages sit unacknowledged.
  const orderConsumers: OrderConsumer[] = []
  for (let i = 1; i <= 2; i++) {
    const ch = await channel(connection)
    await ch.prefetch(N.orderPrefetch)
    const consumer: OrderConsumer = { ch, tag: '', held: [], acked: 0 }
    const reply = await ch.consume(
      Q_ORDERS,
      (message) => {
        if (message) consumer.held.push(message)
      },
      { noAck: false, consumerTag: `demo-fulfilment-${i}-${process.pid}` },
    )
    consumer.tag = reply.consumerTag
    orderConsumers.push(consumer)
    // Slow acks: one order "processed" every 1.6-2.2 s per consumer.
    every(1600 + i * 300, () => {
      const message = consumer.held.shift()
      if (message) {
        consumer.ch.ack(message)
        consumer.acked++
      }
    })
  }

  await setup.close()

  // Management API: optional (Queuescope degrades without it); say whether it is there.
  let managementNote: string
  try {
    const u = new URL(MANAGEMENT_URL)
    const amqpUrl = new URL(RABBITMQ_URL)
    const user = decodeURIComponent(u.username || amqpUrl.username || 'guest')
    const password = decodeURIComponent(u.password || amqpUrl.password || 'guest')
    u.username = ''
    u.password = ''
    const base = u.toString().replace(/\/?$/, '/')
    const response = await fetch(new URL('api/overview', base), {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      signal: AbortSignal.timeout(3000),
    })
    managementNote = response.ok ? `management API ${base.replace(/\/$/, '')}` : `management API answered HTTP ${response.status}`
  } catch (error) {
    managementNote = `management API not reachable at ${MANAGEMENT_URL} (${errorText(error)}): Queuescope lists less; run npm run brokers`
  }

  return { dlq, unroutable, orderConsumers, publisher, managementNote }
}

function orderMessage(): [string, string, Buffer, amqp.Options.Publish] {
  const body = order()
  const event = pick(['created', 'created', 'created', 'created', 'updated', 'paid', 'cancelled'])
  return [
    EX_EVENTS,
    `orders.${event}`,
    json({ event: `order.${event}`, ...body }),
    properties(`orders.${event}`, 'checkout-service', { correlationId: body.orderId }),
  ]
}

function auditMessage(entities: string[], actions: Record<string, string[]>): [string, string, Buffer, amqp.Options.Publish] {
  const entity = pick(entities)
  const action = pick(actions[entity] ?? ['touched'])
  const c = customer()
  const body = {
    auditId: randomUUID(),
    actor: { type: pick(['user', 'user', 'service']), id: c.id, email: c.email },
    entity,
    action,
    ip: `192.0.2.${int(1, 254)}`,
    userAgent: pick(['Mozilla/5.0 (Macintosh)', 'Mozilla/5.0 (Windows NT 10.0)', 'okhttp/4.12', 'curl/8.5.0']),
    at: new Date().toISOString(),
  }
  return [EX_EVENTS, `audit.${entity}.${action}`, json(body), properties(`audit.${entity}.${action}`, 'audit-log')]
}

// ---- Redis -----------------------------------------------------------------------------------
async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false, // never re-send writes after a reconnect: fail and say so
    retryStrategy: (times) => (times > 3 ? null : 500),
    connectionName: 'queuescope-demo',
  })
  let lastError: unknown = null
  redis.on('error', (error: unknown) => (lastError = error)) // reported through failed commands / 'end'
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    redis.disconnect()
    const text = errorText(lastError ?? error)
    const hint = /NOAUTH|WRONGPASS/.test(text) ? 'check the password in QS_REDIS_URL' : 'run npm run brokers'
    throw new Unreachable(`✗ Redis unreachable at ${redact(REDIS_URL)} (${text}) — ${hint}`)
  }
  redis.on('end', () => {
    if (!stopping) fatal(`✗ Redis connection to ${redact(REDIS_URL)} lost — run npm run brokers`)
  })
  cleanups.push(() => redis.quit())
  return redis
}

function streamFields(): string[] {
  const o = order()
  const event = pick(['order.created', 'order.created', 'order.paid', 'order.packed', 'order.shipped', 'order.delivered', 'order.cancelled'])
  return [
    'event',
    event,
    'order_id',
    o.orderId,
    'customer_id',
    o.customer.id,
    'total',
    o.total.toFixed(2),
    'currency',
    CURRENCY,
    'payload',
    JSON.stringify({ items: o.items.length, country: o.shippingAddress.country, channel: o.channel }),
  ]
}

function jobItem(i: number): string {
  const type = pick(['thumbnail.generate', 'report.export', 'webhook.deliver', 'search.reindex'])
  const payload =
    type === 'thumbnail.generate'
      ? { imageId: `img_${randomBytes(5).toString('hex')}`, sizes: [128, 512, 1024] }
      : type === 'report.export'
        ? { report: pick(['sales-monthly', 'inventory', 'churn']), format: pick(['csv', 'xlsx', 'pdf']), tenant: pick(TENANTS) }
        : type === 'webhook.deliver'
          ? { url: `https://hooks.example.com/${pick(TENANTS)}/orders`, event: 'order.shipped', attempt: 1 }
          : { index: pick(['products', 'customers', 'orders']), full: rand() < 0.2 }
  return JSON.stringify({
    id: `job-${pad(i, 5)}`,
    type,
    payload,
    priority: pick(['low', 'normal', 'normal', 'high']),
    attempts: 0,
    enqueuedAt: new Date().toISOString(),
  })
}

type XReadReply = Array<[string, Array<[string, string[]]>]> | null
async function readGroup(redis: Redis, group: string, consumer: string, count: number): Promise<string[]> {
  const reply = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', K_STREAM, '>')) as XReadReply
  return reply?.[0]?.[1].map(([id]) => id) ?? []
}

async function seedRedis(redis: Redis, subscriber: Redis) {
  await redis.del(K_STREAM, K_JOBS)

  // Stream with ~500 order events.
  const pipeline = redis.pipeline()
  for (let i = 0; i < N.streamEntries; i++) pipeline.xadd(K_STREAM, '*', ...streamFields())
  await pipeline.exec()

  // billing: caught up, a few still pending (two consumers).
  await redis.xgroup('CREATE', K_STREAM, 'billing', '0')
  const billingA = await readGroup(redis, 'billing', 'billing-worker-1', Math.floor(N.streamEntries / 2))
  const billingB = await readGroup(redis, 'billing', 'billing-worker-2', N.streamEntries)
  const billing = [...billingA, ...billingB]
  await redis.xack(K_STREAM, 'billing', ...billing.slice(0, billing.length - N.billingPending))

  // shipping: lagging behind, with un-acked deliveries.
  await redis.xgroup('CREATE', K_STREAM, 'shipping', '0')
  const shipping = await readGroup(redis, 'shipping', 'shipping-worker-1', N.shippingRead)
  await redis.xack(K_STREAM, 'shipping', ...shipping.slice(0, shipping.length - N.shippingPending))

  // A plain list used as a job queue.
  await redis.rpush(K_JOBS, ...Array.from({ length: N.jobs }, (_, i) => jobItem(i + 1)))

  // Pub/sub: a subscriber that stays subscribed, and a first few notifications.
  let received = 0
  subscriber.on('message', () => received++)
  await subscriber.subscribe(K_CHANNEL)
  for (let i = 0; i < 3; i++) await redis.publish(K_CHANNEL, notification())
  return { received: () => received }
}

let jobSeq = N.jobs
function notification(): string {
  const c = customer()
  const kind = pick(['order.shipped', 'order.delivered', 'payment.failed', 'invoice.ready', 'password.reset'])
  return JSON.stringify({ id: randomUUID(), kind, userId: c.id, email: c.email, title: kind.replace('.', ' '), at: new Date().toISOString() })
}

// ---- BullMQ ----------------------------------------------------------------------------------
interface MailJob {
  to: string
  template: string
  subject: string
  locale: string
  orderId?: string
}

function mailJob(bounce = false): MailJob {
  const c = customer()
  const template = pick(['order-confirmation', 'shipping-update', 'invoice', 'password-reset', 'welcome'])
  return {
    to: bounce ? c.email.replace('@example.com', '@bounce.example.net') : c.email,
    template,
    subject: {
      'order-confirmation': 'Your order is confirmed',
      'shipping-update': 'Your parcel is on its way',
      invoice: 'Your invoice',
      'password-reset': 'Reset your password',
      welcome: 'Welcome aboard',
    }[template]!,
    locale: pick(['en-GB', 'de-DE', 'fr-FR', 'nl-NL']),
    orderId: template === 'welcome' || template === 'password-reset' ? undefined : `ORD-${int(100000, 104199)}`,
  }
}

const MAIL_OPTS = { attempts: 2, backoff: { type: 'fixed', delay: 150 } } as const

async function processMail(job: Job<MailJob>) {
  await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 60)))
  if (job.data.to.endsWith('@bounce.example.net')) throw new Error(`550 5.1.1 <${job.data.to}>: mailbox unavailable`)
  // Transient failure on the first attempt of some invoices: completed on the retry.
  if (job.data.template === 'invoice' && job.attemptsMade === 0) throw new Error('421 4.7.0 smtp.example.net: try again later')
  return { messageId: `<${randomUUID()}@mail.example.net>`, acceptedAt: new Date().toISOString() }
}

function bullConnection() {
  return { url: REDIS_URL, maxRetriesPerRequest: null, connectTimeout: 5000 }
}

async function seedBull(redis: Redis) {
  // Reset with a throw-away Queue: the real one below then writes a fresh meta hash (version).
  const reset = new Queue<MailJob>(BULL_QUEUE, { connection: bullConnection(), prefix: BULL_PREFIX, skipMetasUpdate: true })
  reset.on('error', () => {})
  try {
    await reset.obliterate({ force: true })
  } finally {
    await reset.close()
  }
  // Belt and braces: drop any key obliterate left behind (only bull:demo-mail:*).
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${BULL_PREFIX}:${BULL_QUEUE}:*`, 'COUNT', 500)
    if (keys.length > 0) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')

  const queue = new Queue<MailJob>(BULL_QUEUE, { connection: bullConnection(), prefix: BULL_PREFIX })
  queue.on('error', (error) => {
    if (!stopping) console.error(`demo: BullMQ queue error: ${error.message}`)
  })
  cleanups.push(() => queue.close())
  await queue.getVersion() // waits until the meta hash is written

  const jobs = Array.from({ length: N.mailProcessed }, (_, i) => {
    const data = mailJob(i % 5 === 2) // 8 of 40 bounce: failed after 2 attempts
    return { name: data.template, data, opts: MAIL_OPTS }
  })
  await queue.addBulk(jobs)
  const worker = new Worker<MailJob>(BULL_QUEUE, processMail, { connection: bullConnection(), prefix: BULL_PREFIX, concurrency: 4 })
  worker.on('error', (error) => {
    if (!stopping) console.error(`demo: BullMQ worker error: ${error.message}`)
  })
  const deadline = Date.now() + 30_000
  let counts = await queue.getJobCounts('completed', 'failed')
  while ((counts.completed ?? 0) + (counts.failed ?? 0) < N.mailProcessed && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    counts = await queue.getJobCounts('completed', 'failed')
  }
  await worker.close()

  // Waiting (no worker right now) and delayed ones.
  await queue.addBulk(
    Array.from({ length: N.mailWaiting }, () => ({
      name: 'newsletter',
      data: { ...mailJob(), template: 'newsletter', subject: 'What is new this month' },
      opts: MAIL_OPTS,
    })),
  )
  await queue.addBulk(
    Array.from({ length: N.mailDelayed }, (_, i) => {
      const data = mailJob()
      return {
        name: 'reminder',
        data: { ...data, template: 'cart-reminder', subject: 'You left something in your cart' },
        opts: { ...MAIL_OPTS, delay: (30 + i * 25) * 60_000 },
      }
    }),
  )
  return queue
}

// ---- main ------------------------------------------------------------------------------------
async function main() {
  // A second Ctrl+C (not the echo of the first one that a wrapper may relay) exits at once.
  let firstSignal = 0
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping && Date.now() - firstSignal < 1000) return
    firstSignal ||= Date.now()
    void shutdown(0, stopping ? undefined : `\n${signal}: stopping the demo, closing connections…`)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('unhandledRejection', (error) => fatal(`demo: ${errorText(error)}`))

  // Both brokers first, so nothing is half-seeded when one is missing.
  const [rabbitResult, redisResult] = await Promise.allSettled([connectRabbit(), connectRedis()])
  const problems = [rabbitResult, redisResult].filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (problems.length > 0) {
    for (const p of problems) console.error(p.reason instanceof Unreachable ? p.reason.message : `✗ ${errorText(p.reason)}`)
    return shutdown(1)
  }
  const connection = (rabbitResult as PromiseFulfilledResult<amqp.ChannelModel>).value
  const redis = (redisResult as PromiseFulfilledResult<Redis>).value
  const subscriber = redis.duplicate({ connectionName: 'queuescope-demo-subscriber' })
  subscriber.on('error', () => {})
  await subscriber.connect()
  cleanups.push(() => subscriber.quit())

  console.log(`Seeding demo data (RabbitMQ ${redact(RABBITMQ_URL)}, Redis ${redact(REDIS_URL)})…`)
  const started = Date.now()
  const rabbit = await seedRabbit(connection)
  const pubsub = await seedRedis(redis, subscriber)
  const mail = await seedBull(redis)

  const groups = (await redis.xinfo('GROUPS', K_STREAM)) as unknown[][]
  const groupLine = groups
    .map((g) => {
      const f = Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [String(g[i * 2]), g[i * 2 + 1]]))
      return `${String(f.name)} (lag ${f.lag === null || f.lag === undefined ? 'unknown' : String(f.lag)}, ${String(f.pending)} pending)`
    })
    .join(', ')
  const mailCounts = await mail.getJobCounts('completed', 'failed', 'waiting', 'delayed')
  const [ordersNow, paymentsNow, invoicesNow] = await Promise.all(
    [Q_ORDERS, Q_PAYMENTS, Q_INVOICES].map(async (q) => {
      const ch = await channel(connection)
      try {
        return await ch.checkQueue(q)
      } finally {
        await ch.close()
      }
    }),
  )

  const row = (what: string, detail: string) => console.log(`    ${what.padEnd(34)} ${detail}`)
  console.log(`\nDemo data ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
  console.log(`  RabbitMQ ${redact(RABBITMQ_URL)} (${rabbit.managementNote})`)
  row(`exchange ${EX_EVENTS} (topic)`, `orders.* → ${Q_ORDERS}, payments.# → ${Q_PAYMENTS}, audit.# → ${Q_AUDIT}`)
  row(`exchange ${EX_DLX} (fanout)`, `→ ${Q_DLQ}`)
  const unacked = rabbit.orderConsumers.reduce((sum, c) => sum + c.held.length, 0)
  row(
    `queue ${Q_ORDERS}`,
    `${ordersNow!.messageCount} ready + ${unacked} unacked, ${ordersNow!.consumerCount} consumers (prefetch ${N.orderPrefetch}, slow acks)`,
  )
  row(`queue ${Q_PAYMENTS}`, `${paymentsNow!.messageCount} payments, dead-letters to ${EX_DLX}`)
  row(`queue ${Q_DLQ}`, `${rabbit.dlq} dead letters with x-death (${N.paymentsExpired} expired, ${N.paymentsRejected} rejected)`)
  row(`queue ${Q_INVOICES} (quorum)`, `${invoicesNow!.messageCount} invoices, x-delivery-limit 5, ${N.invoicesRedelivered} redelivered once`)
  row(`queue ${Q_AUDIT} (stream)`, `${N.audit} audit events`)
  console.log(`  Redis ${redact(REDIS_URL)}`)
  row(`stream ${K_STREAM}`, `${await redis.xlen(K_STREAM)} entries; groups ${groupLine}`)
  row(`list ${K_JOBS}`, `${await redis.llen(K_JOBS)} JSON jobs`)
  row(`channel ${K_CHANNEL}`, `1 subscriber, ${pubsub.received()} notifications so far`)
  row(`bullmq ${BULL_QUEUE}`, `${mailCounts.completed} completed, ${mailCounts.failed} failed, ${mailCounts.waiting} waiting, ${mailCounts.delayed} delayed`)
  if (rabbit.unroutable > 0) console.warn(`  warning: ${rabbit.unroutable} message(s) were unroutable`)

  if (ONCE) {
    console.log('\n--once: closing connections (consumers and the subscriber go away with them).')
    return shutdown(0)
  }

  // ---- live traffic ----
  const live = new Worker<MailJob>(BULL_QUEUE, processMail, {
    connection: bullConnection(),
    prefix: BULL_PREFIX,
    concurrency: 1,
    limiter: { max: 1, duration: 8000 }, // slow mail service: the waiting list stays non-empty
  })
  live.on('error', (error) => {
    if (!stopping) console.error(`demo: BullMQ worker error: ${error.message}`)
  })
  cleanups.push(() => live.close())

  const entities = ['user', 'order', 'payment', 'invoice', 'api-key']
  const actions: Record<string, string[]> = {
    user: ['login', 'logout'],
    order: ['created', 'updated'],
    payment: ['captured'],
    invoice: ['sent'],
    'api-key': ['created'],
  }
  let tick = 0
  let published = 0
  every(1000, async () => {
    tick++
    const burst = rand() < 0.15 ? 2 : 1
    for (let i = 0; i < burst; i++) {
      const [exchange, routingKey, body, options] = orderMessage()
      rabbit.publisher.publish(exchange, routingKey, body, { mandatory: true, ...options })
      published++
    }
    await redis.xadd(K_STREAM, '*', ...streamFields())
    // billing keeps up (its old pending entries stay pending: "stuck" deliveries to look at)
    const ids = await readGroup(redis, 'billing', 'billing-worker-1', 50)
    if (ids.length > 0) await redis.xack(K_STREAM, 'billing', ...ids)
    if (tick % 2 === 0) await redis.publish(K_CHANNEL, notification())
    if (tick % 5 === 0) {
      const [exchange, routingKey, body, options] = auditMessage(entities, actions)
      rabbit.publisher.publish(exchange, routingKey, body, options)
      await redis.rpush(K_JOBS, jobItem(++jobSeq))
      await redis.lpop(K_JOBS)
    }
    if (tick % 10 === 0) {
      // shipping reads a little and falls further behind
      const shipped = await readGroup(redis, 'shipping', 'shipping-worker-1', 5)
      if (shipped.length > 0) await redis.xack(K_STREAM, 'shipping', ...shipped)
    }
    if (tick % 8 === 0) await mail.add('order-confirmation', mailJob(rand() < 0.1), MAIL_OPTS)
    if (tick % 30 === 0) {
      const acked = rabbit.orderConsumers.reduce((sum, c) => sum + c.acked, 0)
      console.log(`  live: ${published} orders published, ${acked} acked by the consumers, ${pubsub.received()} notifications received`)
    }
  })
  console.log('\nLive traffic running: ~1 order/s to demo.events → demo.orders (2 slow consumers), ~1 entry/s to')
  console.log('demo:orders:events, notifications every 2 s, a slow BullMQ mail worker. Ctrl+C to stop.')
}

main().catch((error: unknown) => {
  fatal(error instanceof Unreachable ? error.message : `✗ demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
})
