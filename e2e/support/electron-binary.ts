// The same detection as the scripts use (one implementation, typed here for the e2e code).
import { electronBinary as detect } from '../../scripts/electron-binary.mjs'

/**
 * Where the Electron binary is, without triggering its download (docs/broker-facts.md "Electron":
 * `require('electron')` would try to fetch it). Null when it is not installed.
 */
export function electronBinary(root = process.cwd()): string | null {
  return detect(root)
}
