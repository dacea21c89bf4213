/**
 * A WebSocket client at the byte level, for tests that send what no well-behaved client library
 * would: invalid UTF-8, reserved bits, unknown opcodes, lengths larger than the data sent. It does
 * the opening handshake by hand over node:net and reads the server's frames without judging them.
 */
import { connect, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'

export interface RawFrame {
  fin: boolean
  opcode: number
  payload: Buffer
}

export interface FrameOptions {
  opcode?: number
  fin?: boolean
  /** RSV1..RSV3 as a 3-bit number (4 = RSV1). */
  rsv?: number
  /** Clients must mask; false sends an unmasked frame. */
  mask?: boolean
  /** The length to declare in the header, when it must differ from the payload's. */
  declaredLength?: number
}

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const

/** One client frame as bytes. */
export function encodeFrame(payload: Buffer | string, options: FrameOptions = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload
  const length = options.declaredLength ?? data.length
  const masked = options.mask ?? true
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (options.opcode ?? OPCODE.text)
  let header: Buffer
  if (length < 126) {
    header = Buffer.from([first, (masked ? 0x80 : 0) | length])
  } else if (length < 65536) {
    header = Buffer.alloc(4)
    header[0] = first
    header[1] = (masked ? 0x80 : 0) | 126
    header.writeUInt16BE(length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = first
    header[1] = (masked ? 0x80 : 0) | 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }
  if (!masked) return Buffer.concat([header, data])
  const key = randomBytes(4)
  const body = Buffer.alloc(data.length)
  for (let i = 0; i < data.length; i++) body[i] = data[i]! ^ key[i & 3]!
  return Buffer.concat([header, key, body])
}

export interface RawWebSocket {
  socket: Socket
  /** Frames received so far (text, binary, close...). */
  frames: RawFrame[]
  send(bytes: Buffer): void
  sendText(text: string, options?: FrameOptions): void
  /**
   * Resolves with the oldest text frame, parsed as JSON, that satisfies the predicate and no earlier
   * call returned.
   */
  nextJson(predicate?: (value: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  /** Resolves when the server closes: the close code it sent (null if none) once the socket ended. */
  closed: Promise<{ code: number | null; reason: string }>
  destroy(): void
}

/**
 * Opens a WebSocket by hand: resolves once the server answered 101, rejects with the status line
 * otherwise.
 */
export function openRawWebSocket(port: number, path: string, headers: Record<string, string> = {}): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const frames: RawFrame[] = []
    const waiters: { predicate: (v: Record<string, unknown>) => boolean; resolve: (v: Record<string, unknown>) => void }[] = []
    // JSON text frames no nextJson() has taken yet.
    const inbox: Record<string, unknown>[] = []
    let buffered = Buffer.alloc(0)
    let upgraded = false
    let closeFrame: RawFrame | null = null
    let resolveClosed: (value: { code: number | null; reason: string }) => void = () => undefined
    const closed = new Promise<{ code: number | null; reason: string }>((r) => (resolveClosed = r))

    const deliver = (frame: RawFrame): void => {
      frames.push(frame)
      if (frame.opcode === OPCODE.close) closeFrame = frame
      if (frame.opcode !== OPCODE.text) return
      let value: Record<string, unknown>
      try {
        value = JSON.parse(frame.payload.toString('utf8')) as Record<string, unknown>
      } catch {
        return
      }
      const index = waiters.findIndex((w) => w.predicate(value))
      if (index === -1) {
        inbox.push(value)
        return
      }
      waiters[index]!.resolve(value)
      waiters.splice(index, 1)
    }

    const parseFrames = (): void => {
      for (;;) {
        if (buffered.length < 2) return
        const fin = (buffered[0]! & 0x80) !== 0
        const opcode = buffered[0]! & 0x0f
        let length = buffered[1]! & 0x7f
        let offset = 2
        if (length === 126) {
          if (buffered.length < 4) return
          length = buffered.readUInt16BE(2)
          offset = 4
        } else if (length === 127) {
          if (buffered.length < 10) return
          length = Number(buffered.readBigUInt64BE(2))
          offset = 10
        }
        if (buffered.length < offset + length) return
        deliver({ fin, opcode, payload: buffered.subarray(offset, offset + length) })
        buffered = buffered.subarray(offset + length)
      }
    }

    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n')
        if (end === -1) return
        const head = buffered.subarray(0, end).toString('latin1')
        buffered = buffered.subarray(end + 4)
        const status = head.split('\r\n')[0] ?? ''
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          socket.destroy()
          reject(new Error(status))
          return
        }
        upgraded = true
        resolve(api)
      }
      parseFrames()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      const frame = closeFrame as RawFrame | null
      const code = frame && frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : null
      resolveClosed({ code, reason: frame ? frame.payload.subarray(2).toString('utf8') : '' })
      if (!upgraded) reject(new Error('the server closed the connection during the handshake'))
    })

    const api: RawWebSocket = {
      socket,
      frames,
      send: (bytes) => void socket.write(bytes),
      sendText: (text, options) => void socket.write(encodeFrame(text, options)),
      nextJson: (predicate = () => true) =>
        new Promise((resolveJson) => {
          const index = inbox.findIndex(predicate)
          if (index === -1) {
            waiters.push({ predicate, resolve: resolveJson })
            return
          }
          resolveJson(inbox[index]!)
          inbox.splice(index, 1)
        }),
      closed,
      destroy: () => socket.destroy(),
    }

    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ]
    socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  })
}
