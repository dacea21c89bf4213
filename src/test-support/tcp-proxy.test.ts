import { once } from 'node:events'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTcpProxy, type TcpProxy } from './tcp-proxy'

/** An echo server that counts what reaches it, standing in for a broker. */
interface Echo {
  port: number
  connections: number
  received: number
  ends: number
  sockets: Socket[]
  server: Server
}

async function startEcho(): Promise<Echo> {
  const echo: Echo = { port: 0, connections: 0, received: 0, ends: 0, sockets: [], server: createServer() }
  echo.server.on('connection', (socket) => {
    echo.connections++
    echo.sockets.push(socket)
    socket.on('error', () => undefined)
    socket.on('data', (chunk: Buffer) => {
      echo.received += chunk.length
      socket.write(chunk)
    })
    socket.on('end', () => echo.ends++)
  })
  echo.server.listen(0, '127.0.0.1')
  await once(echo.server, 'listening')
  echo.port = (echo.server.address() as AddressInfo).port
  return echo
}

/** A client socket that collects everything it receives. */
async function client(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => undefined)
  let text = ''
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
  // Not events.once: it rejects on 'error', and a reset is one way a socket closes here.
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  await once(socket, 'connect')
  return { socket, received: () => text, closed }
}

describe('tcp proxy (fault injection)', () => {
  let echo: Echo
  let proxy: TcpProxy

  beforeEach(async () => {
    echo = await startEcho()
    proxy = await startTcpProxy(echo.port)
  })

  afterEach(async () => {
    await proxy.close()
    for (const socket of echo.sockets) socket.destroy()
    await new Promise((resolve) => echo.server.close(resolve))
  })

  it('forwards both ways; cut() drops every connection and refuse() turns new ones away', async () => {
    const c = await client(proxy.port)
    c.socket.write('hello')
    await expect.poll(c.received).toBe('hello')
    proxy.cut()
    await c.closed
    proxy.refuse(true)
    const refused = await client(proxy.port)
    await refused.closed
    expect(echo.connections).toBe(1)
    proxy.refuse(false)
    const again = await client(proxy.port)
    again.socket.write('back')
    await expect.poll(again.received).toBe('back')
  })

  it('hang: accepts and never answers, without reaching the target; new connections work once it is off', async () => {
    proxy.hang(true)
    const hung = await client(proxy.port)
    hung.socket.write('anyone?')
    await expect.poll(() => proxy.stats().accepted).toBe(1)
    proxy.hang(false)
    const fresh = await client(proxy.port)
    fresh.socket.write('ok')
    await expect.poll(fresh.received).toBe('ok')
    expect(proxy.stats().upstream).toBe(1)
    expect(echo.connections).toBe(1)
    expect(hung.received()).toBe('')
    expect(hung.socket.destroyed).toBe(false)
  })

  it('blackhole: holds every byte both ways, silently, then delivers them in order when it ends', async () => {
    const c = await client(proxy.port)
    c.socket.write('a')
    await expect.poll(c.received).toBe('a')
    proxy.blackhole(true)
    c.socket.write('bcd')
    await expect.poll(() => proxy.stats().held.up).toBe(3)
    expect(echo.received).toBe(1)
    // A connection made meanwhile waits, unanswered, without reaching the target.
    const late = await client(proxy.port)
    late.socket.write('late')
    await expect.poll(() => proxy.stats().accepted).toBe(2)
    expect(proxy.stats().upstream).toBe(1)
    proxy.blackhole(false)
    await expect.poll(c.received).toBe('abcd')
    await expect.poll(late.received).toBe('late')
    expect(c.socket.destroyed).toBe(false)
  })

  it('blackhole also holds a close: the target sees the end only after the fault ends', async () => {
    const c = await client(proxy.port)
    c.socket.write('x')
    await expect.poll(c.received).toBe('x')
    proxy.blackhole(true)
    c.socket.end()
    // The echo server ends its side when the end arrives; held, so the client's socket stays half-open.
    await expect.poll(() => proxy.stats().open).toBe(1)
    expect(echo.ends).toBe(0)
    proxy.blackhole(false)
    await expect.poll(() => echo.ends).toBe(1)
    await c.closed
  })

  it('half-open: one direction stops while the other flows, in either direction', async () => {
    const c = await client(proxy.port)
    c.socket.write('1')
    await expect.poll(c.received).toBe('1')
    const [server] = echo.sockets

    proxy.halfOpen('up')
    c.socket.write('2')
    server!.write('s') // the broker can still reach the client
    await expect.poll(c.received).toBe('1s')
    expect(proxy.stats().held.up).toBe(1)
    expect(echo.received).toBe(1)

    proxy.halfOpen('down')
    // '2' now reaches the echo server, whose echo is held on the way back.
    await expect.poll(() => echo.received).toBe(2)
    await expect.poll(() => proxy.stats().held.down).toBe(1)
    expect(c.received()).toBe('1s')

    proxy.halfOpen(null)
    await expect.poll(c.received).toBe('1s2')
  })

  it('latency delays every chunk each way; switched off, traffic flows at once again', async () => {
    const c = await client(proxy.port)
    proxy.latency(150)
    const started = Date.now()
    c.socket.write('slow')
    await expect.poll(c.received, { timeout: 5000 }).toBe('slow')
    // Two hops (there and back), each at least the latency: a lower bound, never a speed claim.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    proxy.latency(0)
    c.socket.write('fast')
    await expect.poll(c.received).toBe('slowfast')
  })

  it('throttling limits bytes per second each way, and can be lifted mid-transfer', async () => {
    const c = await client(proxy.port)
    proxy.throttle(20_000)
    const payload = Buffer.alloc(12_000, 'z')
    const started = Date.now()
    c.socket.write(payload)
    await expect.poll(() => c.received().length, { timeout: 10_000 }).toBe(payload.length)
    // 12,000 bytes at 20,000 B/s take at least 0.6 s less one 50 ms burst per hop.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450)

    proxy.throttle(50)
    c.socket.write(Buffer.alloc(5000, 'y'))
    await expect.poll(() => proxy.stats().held.up + proxy.stats().held.down).toBeGreaterThan(4000)
    proxy.throttle(null)
    await expect.poll(() => c.received().length).toBe(payload.length + 5000)
  })
})
