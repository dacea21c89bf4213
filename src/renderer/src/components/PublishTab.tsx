import { lazy, Suspense, useId, useRef } from 'react'
import type { SourceItem } from '../../../shared/model'
import { appStore, useApp } from '../store'
import {
  describePublishResult,
  describeRecent,
  isJsonBody,
  jsonHint,
  publishTargetOf,
  selectLastPublishFor,
  selectPublishDraft,
  selectPublishing,
  selectRecentPublishes,
} from '../store/publish.selectors'
import type { PublishDraft } from '../store/publish.slice'
import { ImportButton } from './FileTransferButtons'
import { CloseIcon, PlusIcon } from './Icons'

// CodeMirror loads on first use, outside the main bundle; until then a plain textarea edits the body.
const BodyEditor = lazy(() => import('./CodeView').then((m) => ({ default: m.BodyEditor })))

type TextField = 'contentType' | 'messageId' | 'correlationId' | 'replyTo' | 'expiration' | 'type' | 'appId' | 'priority'

const PROPERTY_FIELDS: { field: TextField; label: string; placeholder?: string }[] = [
  { field: 'contentType', label: 'Content type', placeholder: 'application/json' },
  { field: 'messageId', label: 'Message id' },
  { field: 'correlationId', label: 'Correlation id' },
  { field: 'replyTo', label: 'Reply-to' },
  { field: 'expiration', label: 'Expiration', placeholder: 'ms, e.g. 60000' },
  { field: 'type', label: 'Type' },
  { field: 'appId', label: 'App id' },
  { field: 'priority', label: 'Priority', placeholder: '0–255' },
]

/** The Publish tab (docs/ui.md "Dialogs"): body with JSON validation, header grid, properties, result. */
export function PublishTab({ item, connectionId, readOnly }: { item: SourceItem; connectionId: string; readOnly: boolean }) {
  const target = publishTargetOf(item)
  const draft = useApp(selectPublishDraft)
  const publishing = useApp(selectPublishing)
  const recent = useApp(selectRecentPublishes)
  const last = useApp(selectLastPublishFor(connectionId, target))
  const baseId = useId()
  const id = (name: string) => `${baseId}-${name}`
  const { updatePublishDraft, addHeaderRow, updateHeaderRow, removeHeaderRow, applyRecentPublish, publishMessage } = appStore.getState()
  const hint = jsonHint(draft)
  const rabbit = item.kind === 'queue' || item.kind === 'exchange'
  const form = useRef<HTMLFormElement>(null)
  const bodyField = useRef<HTMLDivElement>(null)

  return (
    <form
      ref={form}
      className="publish-form"
      aria-label={`Publish to ${target}`}
      onSubmit={(e) => {
        e.preventDefault()
        if (!readOnly) void publishMessage(connectionId, target)
      }}
    >
      <p className="muted publish-target">
        To <span className="mono">{target}</span>
        {item.kind === 'queue' ? ' (through the default exchange)' : ''}
      </p>
      {readOnly ? <p className="banner-inline">Read-only profile: publishing is not allowed.</p> : null}

      {recent.length > 0 ? (
        <div className="field">
          <label htmlFor={id('recent')}>Recent</label>
          <select
            id={id('recent')}
            value=""
            onChange={(e) => {
              if (e.target.value !== '') applyRecentPublish(Number(e.target.value))
            }}
          >
            <option value="">Use a recent publish as a template…</option>
            {recent.map((r, i) => (
              <option key={r.at + ':' + i} value={i}>
                {describeRecent(r)}
              </option>
            ))}
          </select>
        </div>
      ) : null}

      {item.kind === 'exchange' ? (
        <div className="field">
          <label htmlFor={id('rk')}>Routing key</label>
          <input id={id('rk')} className="mono" value={draft.routingKey} onChange={(e) => updatePublishDraft({ routingKey: e.target.value })} />
        </div>
      ) : null}
      {item.kind === 'list' ? (
        <div className="field">
          <label htmlFor={id('end')}>List end</label>
          <select id={id('end')} value={draft.listEnd} onChange={(e) => updatePublishDraft({ listEnd: e.target.value as PublishDraft['listEnd'] })}>
            <option value="left">left (LPUSH)</option>
            <option value="right">right (RPUSH)</option>
          </select>
        </div>
      ) : null}

      <div className="field" ref={bodyField}>
        {/* The editor is a contenteditable, which <label for> cannot name: aria-labelledby does, and a click focuses it. */}
        <label id={id('body-label')} onClick={() => bodyField.current?.querySelector<HTMLElement>('.cm-content, textarea')?.focus()}>
          Body
        </label>
        <Suspense
          fallback={
            <textarea
              className="mono body-input"
              rows={8}
              spellCheck={false}
              value={draft.body}
              aria-labelledby={id('body-label')}
              onChange={(e) => updatePublishDraft({ body: e.target.value })}
            />
          }
        >
          <BodyEditor
            value={draft.body}
            onChange={(body) => updatePublishDraft({ body })}
            json={isJsonBody(draft)}
            labelledBy={id('body-label')}
            describedBy={hint ? id('hint') : undefined}
            invalid={hint ? !hint.valid : undefined}
            onSubmit={() => form.current?.requestSubmit()}
          />
        </Suspense>
        {hint ? (
          <span id={id('hint')} className={`hint ${hint.valid ? 'hint-ok' : 'trouble-text'}`}>
            {hint.text}
          </span>
        ) : null}
      </div>

      {item.kind !== 'list' ? (
        <fieldset className="header-grid">
          <legend>Headers{item.kind === 'stream' ? ' (stream fields)' : ''}</legend>
          {draft.headers.map((row, i) => (
            <div className="header-row" key={i}>
              <input
                aria-label="Header name"
                className="mono"
                placeholder="name"
                value={row.name}
                onChange={(e) => updateHeaderRow(i, { name: e.target.value })}
              />
              <input
                aria-label="Header value"
                className="mono"
                placeholder="value"
                value={row.value}
                onChange={(e) => updateHeaderRow(i, { value: e.target.value })}
              />
              <button type="button" className="icon-btn" aria-label={`Remove header ${row.name || i + 1}`} onClick={() => removeHeaderRow(i)}>
                <CloseIcon size={12} />
              </button>
            </div>
          ))}
          <button type="button" className="btn btn-small" onClick={addHeaderRow}>
            <PlusIcon size={12} /> Add header
          </button>
        </fieldset>
      ) : null}

      {item.kind !== 'list' ? (
        <fieldset className="props-grid">
          <legend>Properties</legend>
          {rabbit ? (
            <>
              <label htmlFor={id('dm')}>Delivery mode</label>
              <select id={id('dm')} value={draft.deliveryMode} onChange={(e) => updatePublishDraft({ deliveryMode: Number(e.target.value) === 1 ? 1 : 2 })}>
                <option value={2}>persistent (2)</option>
                <option value={1}>transient (1)</option>
              </select>
            </>
          ) : null}
          {PROPERTY_FIELDS.map(({ field, label, placeholder }) => (
            <PropertyInput
              key={field}
              id={id(field)}
              label={label}
              placeholder={placeholder}
              value={draft[field]}
              onChange={(value) => updatePublishDraft({ [field]: value })}
            />
          ))}
        </fieldset>
      ) : null}

      <div className="publish-actions">
        <button type="submit" className="btn btn-primary" disabled={readOnly || publishing} title="Publish (Ctrl/⌘+Enter in the body)">
          {publishing ? 'Publishing…' : 'Publish'}
        </button>
        <ImportButton connectionId={connectionId} target={target} readOnly={readOnly} />
        <span role="status" className={`publish-result${last && !last.result.routed ? ' trouble-text' : ''}`}>
          {last ? describePublishResult(last.result) : ''}
        </span>
      </div>
    </form>
  )
}

function PropertyInput({
  id,
  label,
  value,
  placeholder,
  onChange,
}: {
  id: string
  label: string
  value: string
  placeholder?: string
  onChange: (value: string) => void
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} className="mono" value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
    </>
  )
}
