import { useMemo } from 'react'
import type { PeekedMessage } from '../../../shared/messages'
import { appStore } from '../store'
import { defaultBodyView, formatTime, formatValue, messageTime, renderBody } from '../store/messages.selectors'
import type { StreamEntryView } from '../store/redis.slice'
import { BrowseWarnings } from './MessagesTab'

/**
 * The open entry of a stream page read in summary form: the page carries what the list shows, so
 * the entry is read whole by id when it is opened (`streams:entry`), and shows while it is read,
 * once it is there, or why it could not be read, with a way to try again.
 */
export function StreamEntryPane({ entry }: { entry: StreamEntryView }) {
  if (entry.message !== null) {
    return (
      <>
        <BrowseWarnings warnings={entry.warnings} />
        <EntryDetail message={entry.message} />
      </>
    )
  }
  return (
    <section className="message-detail entry-detail" aria-label={`Entry ${entry.id}`} aria-busy={entry.loading}>
      <div className="body-bar">
        <h3>Entry</h3>
        <span className="mono">{entry.id}</span>
      </div>
      {entry.error === null ? (
        <p className="muted empty-inline" role="status">
          Reading entry {entry.id}…
        </p>
      ) : (
        <div className="banner banner-trouble" role="alert">
          <span>{entry.error.message}</span>{' '}
          <button type="button" className="btn btn-small" onClick={() => void appStore.getState().openStreamEntry(entry.id)}>
            Try again
          </button>
        </div>
      )}
    </section>
  )
}

interface Field {
  name: string
  text: string
  format: 'json' | 'text' | 'hex'
}

/** A field's value as it reads best: pretty JSON, text, or a hex dump of binary. */
function formatField(name: string, value: unknown): Field {
  if (typeof value !== 'string') return { name, text: JSON.stringify(value, null, 2), format: 'json' }
  const trimmed = value.trim()
  if (/^[[{]/.test(trimmed)) {
    try {
      return { name, text: JSON.stringify(JSON.parse(trimmed), null, 2), format: 'json' }
    } catch {
      // Not JSON after all: shown as the text it is.
    }
  }
  return { name, text: value, format: 'text' }
}

/** The open stream entry: every field with its value formatted, then the properties Queuescope stored. */
export function EntryDetail({ message }: { message: PeekedMessage }) {
  const fields = useMemo(() => {
    const list: Field[] = []
    if (message.size > 0) {
      const view = defaultBodyView(message)
      list.push({ name: 'body', text: renderBody(message, view), format: view === 'pretty' ? 'json' : view === 'hex' ? 'hex' : 'text' })
    }
    for (const [name, value] of Object.entries(message.headers)) list.push(formatField(name, value))
    return list
  }, [message])
  const properties = Object.entries(message.properties)
  const time = messageTime(message)

  return (
    <section className="message-detail entry-detail" aria-label={`Entry ${message.id}`}>
      <div className="body-bar">
        <h3>Entry</h3>
        <span className="mono">{message.id}</span>
        <span className="muted num-plain">{formatTime(time)}</span>
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            const json = JSON.stringify(
              Object.fromEntries([...(message.size > 0 ? [['body', renderBody(message, 'raw')]] : []), ...Object.entries(message.headers)]),
              null,
              2,
            )
            navigator.clipboard.writeText(json).then(
              () => appStore.getState().pushToast({ kind: 'info', message: `Copied the fields of entry ${message.id}` }),
              (err: unknown) => appStore.getState().reportError(err, 'Copy fields'),
            )
          }}
        >
          Copy as JSON
        </button>
      </div>
      {fields.length === 0 ? (
        <p className="muted empty-inline">(no fields)</p>
      ) : (
        <table className="kv-table entry-fields" aria-label="Fields">
          <tbody>
            {fields.map((field) => (
              <tr key={field.name}>
                <th scope="row" className="mono">
                  {field.name}
                  {field.format === 'text' ? null : <span className="badge tag-badge">{field.format}</span>}
                </th>
                <td>
                  {field.format === 'text' ? (
                    <span className="mono field-text">{field.text}</span>
                  ) : (
                    <pre className={`body-view field-${field.format}`}>{field.text}</pre>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {properties.length > 0 ? (
        <>
          <h3>Properties (qs-properties)</h3>
          <table className="kv-table" aria-label="Properties">
            <tbody>
              {properties.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td className="mono">{formatValue(value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  )
}
