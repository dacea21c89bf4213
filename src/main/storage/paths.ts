import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The user's config folder, shared by the app, web mode and the CLI so they see the same
 * profiles. QUEUESCOPE_CONFIG_DIR overrides it (tests give each run its own).
 */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['QUEUESCOPE_CONFIG_DIR']) return env['QUEUESCOPE_CONFIG_DIR']
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Queuescope')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Queuescope')
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'queuescope')
}
