import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

export type StaticAnswer = { status: 200; body: Buffer; contentType: string } | { status: 400 | 403 | 500; message: string }

/**
 * A file of the built renderer for a URL path. Unknown paths get index.html (a single page).
 * Messages are for the browser: no file system paths, no error text from Node.
 */
export async function readStatic(rendererDir: string, pathname: string): Promise<StaticAnswer> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return { status: 400, message: 'bad request: malformed percent-encoding in the path' }
  }
  if (decoded.includes('\0')) return { status: 400, message: 'bad request: NUL in the path' }
  const root = normalize(rendererDir + sep)
  let file = normalize(join(root, decoded))
  if (!file.startsWith(root)) return { status: 403, message: 'forbidden' }
  let info = await stat(file).catch(() => null)
  if (!info?.isFile()) {
    file = join(root, 'index.html')
    info = await stat(file).catch(() => null)
  }
  if (!info?.isFile()) return { status: 500, message: 'the web UI is not built: run npm run build' }
  return { status: 200, body: await readFile(file), contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }
}
