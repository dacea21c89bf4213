/**
 * Broker data on a terminal: a message body, a key or queue name, a header, even an error that
 * quotes one can hold escape sequences that retitle, clear or rewrite the terminal (or hide what
 * follows). Everything the CLI prints goes through here: control characters other than newline and
 * tab, DEL, the C1 controls (0x80-0x9f, which some terminals obey as escapes) and the bidirectional
 * overrides become visible `\uXXXX` escapes. In JSON output that is also valid JSON: JSON.stringify
 * already escapes C0 controls, and the rest can only stand inside strings, where `\uXXXX` means
 * the same character, so a script still reads the original data.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
