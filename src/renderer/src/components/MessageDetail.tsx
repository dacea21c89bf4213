import { lazy, Suspense, useMemo } from 'react'
import type { PeekedMessage } from '../../../shared/messages'
import { appStore, useApp } from '../store'
import { bodySummary, cutNote, decodeNote, defaultBodyView, formatTime, formatValue, prettyJson, renderBody, selectBodyView } from '../store/messages.selectors'
import type { BodyView } from '../store/messages.slice'

// CodeMirror loads on first use, outside the main bundle; until then the body shows as plain text.
const BodyViewer = lazy(() => import('./CodeView').then((m) => ({ default: m.BodyViewer })))

/** What the plain-text stand-in shows while CodeMirror loads: enough to read, not megabytes of DOM. */
const FALLBACK_CHARS = 64 * 1024

const VIEWS: { view: BodyView; label: string }[] = [
  { view: 'pretty', label: 'Pretty' },
  { view: 'raw', label: 'Raw' },
  { view: 'hex', label: 'Hex' },
]

/** Pretty / Raw / Hex; Pretty only for a JSON body. */
export function BodyViewToggle({ view, canPretty, onChange }: { view: BodyView; canPretty: boolean; onChange: (view: BodyView) => void }) {
  return (
    <div className="segmented" role="group" aria-label="Body view">
      {VIEWS.map(({ view: v, label }) => (
        <button
          key={v}
          type="button"
          className={`btn btn-small${v === view ? ' active' : ''}`}
          aria-pressed={v === view}
          disabled={v === 'pretty' && !canPretty}
          title={v === 'pretty' && !canPretty ? 'The body is not JSON' : undefined}
          onClick={() => onChange(v)}
        >
          {label}
        </button>
      ))}
    </div>
  )
}

/** A body as shown: a hex dump as text, otherwise CodeMirror (plain text while it loads). */
export function BodyContent({ size, view, text, json }: { size: number; view: BodyView; text: string; json: boolean }) {
  if (size === 0) return <p className="muted empty-inline">(empty body)</p>
  if (view === 'hex') {
    return (
      <pre className="body-view body-hex" aria-label="Body" tabIndex={0}>
        {text}
      </pre>
    )
  }
  return (
    <Suspense
      fallback={
        <pre className={`body-view body-${view}`} aria-label="Body" tabIndex={0}>
          {text.slice(0, FALLBACK_CHARS)}
        </pre>
      }
    >
      <BodyViewer text={text} json={json} label="Body" />
    </Suspense>
  )
}

/** The selected message: body viewer with copy, properties, headers, x-death (docs/ui.md "Message browser"). */
export function MessageDetail({ message }: { message: PeekedMessage }) {
  const chosen = useApp(selectBodyView)
  const view = chosen ?? defaultBodyView(message)
  const { setBodyView, pushToast, reportError } = appStore.getState()
  const properties = Object.entries(message.properties)
  const headers = Object.entries(message.headers)
  // Parsing and pretty-printing a big body is the costly part: once per message (and view).
  const pretty = useMemo(() => prettyJson(message), [message])
  const canPretty = pretty !== null
  const text = useMemo(() => (view === 'pretty' && pretty !== null ? pretty : renderBody(message, view === 'pretty' ? 'raw' : view)), [message, view, pretty])
  const note = decodeNote(message)
  const cut = cutNote(message)
  const summary = bodySummary(message)

  // Copies what is shown: the decompressed body in Pretty and Raw, the dump in Hex.
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      pushToast({ kind: 'info', message: `Copied the body of message ${message.id}` })
    } catch (err) {
      reportError(err, 'Copy body')
    }
  }

  return (
    <section className="message-detail" aria-label={`Message ${message.id}`}>
      <div className="body-bar">
        <h3>Body</h3>
        <span className="muted num-plain body-summary" title={summary}>
          {summary}
        </span>
        <span className="spacer" />
        <BodyViewToggle view={view} canPretty={canPretty} onChange={setBodyView} />
        <button type="button" className="btn btn-small" onClick={() => void copy()}>
          Copy body
        </button>
      </div>
      {note !== null ? <p className="muted body-note">{note}; showing the stored bytes.</p> : null}
      {cut !== null ? (
        <p className="muted body-note" role="note">
          {cut}. Copy copies what is shown.
        </p>
      ) : null}
      <BodyContent size={message.size} view={view} text={text} json={view === 'pretty' && canPretty} />

      <h3>Properties</h3>
      {properties.length === 0 ? (
        <p className="muted empty-inline">No properties.</p>
      ) : (
        <KeyValueTable
          label="Properties"
          rows={properties.map(([k, v]) => [k, k === 'timestamp' && typeof v === 'number' ? `${formatTime(v * 1000)} (${v})` : formatValue(v)])}
        />
      )}

      <h3>Headers</h3>
      {headers.length === 0 ? (
        <p className="muted empty-inline">No headers.</p>
      ) : (
        <KeyValueTable label="Headers" rows={headers.map(([k, v]) => [k, formatValue(v)])} />
      )}

      {message.deliveryCount !== undefined ? (
        <p className="muted empty-inline">
          Delivery count: <span className="num">{message.deliveryCount}</span>
        </p>
      ) : null}

      {message.xDeath && message.xDeath.length > 0 ? (
        <>
          <h3>x-death</h3>
          <ol className="xdeath-list" aria-label="x-death">
            {message.xDeath.map((entry, i) => (
              <li key={`${entry.queue}-${entry.reason}-${i}`}>
                <div>
                  <span className="badge badge-xdeath">
                    {entry.reason} × {entry.count}
                  </span>{' '}
                  <span className="muted">{entry.time === null ? 'time unknown' : formatTime(entry.time)}</span>
                </div>
                <dl className="xdeath-facts">
                  <dt>queue</dt>
                  <dd className="mono">{entry.queue}</dd>
                  <dt>exchange</dt>
                  <dd className="mono">{entry.exchange === '' ? '(default exchange)' : entry.exchange}</dd>
                  <dt>routing keys</dt>
                  <dd className="mono">{entry.routingKeys.length > 0 ? entry.routingKeys.join(', ') : '—'}</dd>
                </dl>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  )
}

export function KeyValueTable({ label, rows }: { label: string; rows: [string, string][] }) {
  return (
    <table className="kv-table" aria-label={label}>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row" className="mono">
              {k}
            </th>
            <td className="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
