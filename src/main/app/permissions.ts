import type { Session } from 'electron'

/**
 * The app needs no browser permission (camera, microphone, notifications, geolocation, clipboard
 * reads, MIDI, HID, serial, USB...): every request and every check is refused, so content that got
 * into the renderer cannot ask the user for one either.
 */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}
