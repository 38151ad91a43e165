import { connect, type Socket } from 'node:net'

/** An error reply (`-ERR …`) from Redis. It is a value, not a thrown error, inside arrays. */
export class RespError {
  /** @param message - the error line without the leading `-` */
  constructor(readonly message: string) {}
}

/**
 * A decoded RESP2 reply: simple strings as `string`, bulk strings as `Buffer` (binary-safe),
 * integers as `number`, nil as `null`, error replies as {@link RespError}, arrays as arrays.
 */
export type RespReply = string | Buffer | number | null | RespError | RespReply[]

/** One command: the name and its arguments. */
export type RespCommand = readonly (string | Buffer)[]

const CRLF = Buffer.from('\r\n')

/** Encodes commands as RESP arrays of bulk strings, ready to write in one go. */
export function encodeCommands(commands: readonly RespCommand[]): Buffer {
  const parts: Buffer[] = []
  for (const command of commands) {
    parts.push(Buffer.from(`*${command.length}\r\n`))
    for (const arg of command) {
      const bytes = typeof arg === 'string' ? Buffer.from(arg) : arg
      parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF)
    }
  }
  return Buffer.concat(parts)
}

const incomplete = Symbol('incomplete')
type Parsed = { value: RespReply; end: number } | typeof incomplete

/**
 * Parses one reply starting at `offset`. Returns {@link incomplete} when `buffer` does not hold a
 * whole reply yet (the caller waits for more bytes and tries again).
 */
function parseAt(buffer: Buffer, offset: number): Parsed {
  if (offset >= buffer.length) return incomplete
  const lineEnd = buffer.indexOf(CRLF, offset)
  if (lineEnd === -1) return incomplete
  const type = buffer[offset]
  const line = buffer.toString('utf8', offset + 1, lineEnd)
  const next = lineEnd + 2
  switch (type) {
    case 0x2b: // +
      return { value: line, end: next }
    case 0x2d: // -
      return { value: new RespError(line), end: next }
    case 0x3a: // :
      return { value: Number(line), end: next }
    case 0x24: {
      // $
      const length = Number(line)
      if (length < 0) return { value: null, end: next }
      if (buffer.length < next + length + 2) return incomplete
      return { value: Buffer.from(buffer.subarray(next, next + length)), end: next + length + 2 }
    }
    case 0x2a: {
      // *
      const count = Number(line)
      if (count < 0) return { value: null, end: next }
      const items: RespReply[] = []
      let cursor = next
      for (let i = 0; i < count; i++) {
        const item = parseAt(buffer, cursor)
        if (item === incomplete) return incomplete
        items.push(item.value)
        cursor = item.end
      }
      return { value: items, end: cursor }
    }
    default:
      throw new Error(`Unexpected RESP type byte 0x${(type ?? 0).toString(16)}`)
  }
}

/**
 * An incremental RESP2 decoder: feed it bytes as they arrive, get whole replies out in order.
 */
export class RespDecoder {
  private buffer: Buffer = Buffer.alloc(0)

  /** Appends `chunk` and returns every reply that is now complete. */
  push(chunk: Buffer): RespReply[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    const replies: RespReply[] = []
    let offset = 0
    for (;;) {
      const parsed = parseAt(this.buffer, offset)
      if (parsed === incomplete) break
      replies.push(parsed.value)
      offset = parsed.end
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset)
    return replies
  }
}

interface Pending {
  resolve(replies: RespReply[]): void
  reject(error: Error): void
  replies: RespReply[]
  expected: number
}

/**
 * A minimal pipelining RESP2 connection to `redis-server`. Each {@link RespConnection.send} writes
 * its commands in a single write, so a `MULTI … EXEC` batch is never interleaved with another
 * caller's commands; replies come back in order.
 */
export class RespConnection {
  private readonly decoder = new RespDecoder()
  private readonly pending: Pending[] = []
  private closedWith: Error | undefined

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (error) => this.fail(error))
    socket.on('close', () => this.fail(new Error('Redis connection closed')))
  }

  /** Opens a connection to `host:port`; rejects when nothing listens there. */
  static open(port: number, host = '127.0.0.1'): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host })
      const onError = (error: Error) => {
        socket.destroy()
        reject(error)
      }
      socket.once('error', onError)
      socket.once('connect', () => {
        socket.off('error', onError)
        resolve(new RespConnection(socket))
      })
    })
  }

  /** False once the socket errored or closed; open a new connection then. */
  get open(): boolean {
    return this.closedWith === undefined
  }

  /** Sends the commands in one write and resolves with one reply per command. */
  send(commands: readonly RespCommand[]): Promise<RespReply[]> {
    if (this.closedWith) return Promise.reject(this.closedWith)
    if (commands.length === 0) return Promise.resolve([])
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, replies: [], expected: commands.length })
      this.socket.write(encodeCommands(commands))
    })
  }

  /** Closes the socket; pending commands reject. */
  close(): void {
    this.fail(new Error('Redis connection closed'))
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    let replies: RespReply[]
    try {
      replies = this.decoder.push(chunk)
    } catch (error) {
      this.fail(error as Error)
      this.socket.destroy()
      return
    }
    for (const reply of replies) {
      const head = this.pending[0]
      if (!head) continue
      head.replies.push(reply)
      if (head.replies.length === head.expected) {
        this.pending.shift()
        head.resolve(head.replies)
      }
    }
  }

  private fail(error: Error): void {
    this.closedWith ??= error
    for (const waiting of this.pending.splice(0)) waiting.reject(error)
  }
}
