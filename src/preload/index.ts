import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { methodName, subscribeName, type Envelope } from '../shared/api'
import { CALL_CHANNEL_NAMES, EVENT_CHANNEL_NAMES } from '../shared/channels'

/**
 * window.queuescope: one method per contract call and one on*() per event, nothing else (never
 * raw ipcRenderer). Calls resolve to envelopes ({ok, data} or {ok: false, error}) because an
 * Error's code would not survive the contextBridge; the renderer's client unwraps them.
 */
const api: Record<string, unknown> = {}

for (const channel of CALL_CHANNEL_NAMES) {
  api[methodName(channel)] = (request: unknown): Promise<Envelope<unknown>> => ipcRenderer.invoke(channel, request)
}

for (const channel of EVENT_CHANNEL_NAMES) {
  api[subscribeName(channel)] = (listener: (payload: unknown) => void) => {
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(channel, wrapped)
    return () => {
      ipcRenderer.removeListener(channel, wrapped)
    }
  }
}

contextBridge.exposeInMainWorld('queuescope', api)
