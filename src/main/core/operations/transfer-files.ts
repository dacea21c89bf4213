import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { QsError } from '../../../shared/errors'

/**
 * The files export and import touch, opened so that a path can do nothing but what it says: the
 * export file is a new regular file (never an existing one, never through a symlink, in a folder
 * that exists: nothing is created on the way), the import file an existing regular file, read
 * without ever blocking (a FIFO or a device is refused before a byte is read) and line by line
 * with a cap (a file without newlines cannot take the memory).
 */

/** Longest import line: a 128 MiB message (RabbitMQ's largest) in base64, with room for its headers. */
export const MAX_LINE_BYTES = 200 * 1024 * 1024

/** Why a path could not be opened, in words, by the code the system gave. */
function fileError(err: unknown, path: string, verb: 'write' | 'read'): QsError {
  const code = (err as NodeJS.ErrnoException).code
  switch (code) {
    case 'EEXIST':
      return new QsError('BAD_REQUEST', `${path} already exists; export never overwrites a file`)
    case 'ENOENT':
      return verb === 'write'
        ? new QsError('NOT_FOUND', `cannot write ${path}: its folder does not exist (export creates no folders)`)
        : new QsError('NOT_FOUND', `cannot read ${path}: no such file`)
    case 'EISDIR':
      return new QsError('BAD_REQUEST', `${path} is a folder, not a file`)
    case 'ENOTDIR':
      return new QsError('BAD_REQUEST', `cannot ${verb} ${path}: part of the path is a file, not a folder`)
    case 'ELOOP':
      return new QsError('BAD_REQUEST', `cannot ${verb} ${path}: it is a symbolic link`)
    case 'EACCES':
    case 'EPERM':
      return new QsError('BAD_REQUEST', `cannot ${verb} ${path}: permission denied`)
    default:
      return new QsError('BAD_REQUEST', `cannot ${verb} ${path}: ${(err as Error).message}`)
  }
}

/** A new file for an export, readable only by the user; fails if anything exists at the path. */
export async function createExportFile(path: string): Promise<FileHandle> {
  let file: FileHandle
  try {
    // O_EXCL also refuses a symlink at the path (dangling or not), so nothing is written elsewhere.
    file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0), 0o600)
  } catch (err) {
    throw fileError(err, path, 'write')
  }
  return file
}

/** An existing regular file for an import, opened so that opening and reading never block. */
export async function openImportFile(path: string): Promise<FileHandle> {
  let file: FileHandle
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever (and hold a thread).
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (err) {
    throw fileError(err, path, 'read')
  }
  const info = await file.stat().catch(async (err: unknown) => {
    await file.close().catch(() => undefined)
    throw fileError(err, path, 'read')
  })
  if (!info.isFile()) {
    await file.close().catch(() => undefined)
    const what = info.isDirectory()
      ? 'a folder'
      : info.isFIFO()
        ? 'a pipe'
        : info.isCharacterDevice() || info.isBlockDevice()
          ? 'a device'
          : info.isSocket()
            ? 'a socket'
            : 'not a regular file'
    throw new QsError('BAD_REQUEST', `cannot read ${path}: it is ${what}; import reads a file written by queuescope export`)
  }
  return file
}

/**
 * The lines of an open file (without their newline, a trailing \r dropped), each at most
 * `maxBytes`: a longer one ends the reading with an error naming its line. Reads in chunks, so
 * memory holds one line and one chunk.
 */
export async function* readLines(file: FileHandle, path: string, maxBytes = MAX_LINE_BYTES): AsyncGenerator<string> {
  const chunk = Buffer.allocUnsafe(1024 * 1024)
  let pending: Buffer[] = []
  let pendingBytes = 0
  let lineNumber = 1
  const line = (tail: Buffer): string => {
    const bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail])
    pending = []
    pendingBytes = 0
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length
    return bytes.toString('utf8', 0, end)
  }
  for (;;) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, null)
    if (bytesRead === 0) break
    let start = 0
    for (let newline = chunk.indexOf(0x0a, start); newline !== -1 && newline < bytesRead; newline = chunk.indexOf(0x0a, start)) {
      if (pendingBytes + newline - start > maxBytes) throw tooLong(path, lineNumber, maxBytes)
      yield line(Buffer.from(chunk.subarray(start, newline)))
      lineNumber++
      start = newline + 1
    }
    const rest = bytesRead - start
    if (rest > 0) {
      if (pendingBytes + rest > maxBytes) throw tooLong(path, lineNumber, maxBytes)
      pending.push(Buffer.from(chunk.subarray(start, bytesRead)))
      pendingBytes += rest
    }
  }
  if (pendingBytes > 0) yield line(Buffer.alloc(0))
}

function tooLong(path: string, lineNumber: number, maxBytes: number): QsError {
  const limit = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${maxBytes.toLocaleString('en-US')} bytes`
  return new QsError('BAD_REQUEST', `${path} line ${lineNumber} is longer than ${limit}; not a Queuescope export line`)
}
