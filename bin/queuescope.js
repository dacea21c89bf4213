#!/usr/bin/env node
// The `queuescope` command: runs the built CLI (out/main/cli.js, made by `npm run build`).
import { existsSync } from 'node:fs'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  console.error('queuescope: not built yet; run `npm run build` in the Queuescope folder first')
  process.exit(1)
}
await import(cli.href)
