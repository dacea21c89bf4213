import { useId, useState } from 'react'
import type { CallResponse } from '../../../shared/contract'
import { toQsErrorShape, type QsErrorShape } from '../../../shared/errors'
import { ENV_COLORS, type Broker, type EnvColor, type ProfileInput, type ProfileView } from '../../../shared/model'
import { getApi } from '../ipc/client'
import { parseConnectionUrl } from '../../../shared/connection-url'
import { sameAudience } from '../../../shared/secret-audience'
import { appStore } from '../store'
import { Modal } from './Modal'

export const DEFAULT_URLS: Record<Broker, string> = {
  rabbitmq: 'amqp://guest@127.0.0.1:5672/',
  redis: 'redis://127.0.0.1:6379',
}

const URL_HINTS: Record<Broker, string> = {
  rabbitmq: 'amqp(s)://user@host:port/vhost — the password goes in its own field',
  redis: 'redis(s)://user@host:port/db — the password goes in its own field',
}

type TestResult = CallResponse<'profiles:test'>
type TestState = { phase: 'idle' } | { phase: 'testing' } | { phase: 'done'; result: TestResult } | { phase: 'threw'; error: QsErrorShape }

interface Fields {
  name: string
  broker: Broker
  url: string
  password: string
  managementUrl: string
  /** One queue name per line (RabbitMQ, used when the management API is unavailable). */
  watchQueues: string
  color: EnvColor
  readOnly: boolean
}

function initialFields(profile: ProfileView | null): Fields {
  if (!profile)
    return { name: '', broker: 'rabbitmq', url: DEFAULT_URLS.rabbitmq, password: '', managementUrl: '', watchQueues: '', color: 'none', readOnly: false }
  return {
    name: profile.name,
    broker: profile.broker,
    url: profile.url,
    password: '',
    managementUrl: profile.managementUrl ?? '',
    watchQueues: profile.watchQueues.join('\n'),
    color: profile.color,
    readOnly: profile.readOnly,
  }
}

/** A URL the user has not really chosen: empty, one of our suggestions, or another broker's scheme. */
function isReplaceableUrl(url: string, broker: Broker): boolean {
  const trimmed = url.trim()
  if (trimmed === '' || Object.values(DEFAULT_URLS).includes(trimmed)) return true
  return broker === 'redis' ? /^amqps?:/i.test(trimmed) : /^rediss?:/i.test(trimmed)
}

/** One name per line (commas work too); blanks and repeats dropped. */
export function parseWatchQueues(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    ),
  ]
}

/**
 * Whether the edited address is another server or user than the one the password was saved for:
 * the core then neither tests with it nor keeps it (shared/secret-audience.ts). Unparsable URLs
 * say nothing here; the core reports them.
 */
function passwordWouldMove(profile: ProfileView, fields: Fields): boolean {
  try {
    const before = parseConnectionUrl(profile.url, { managementUrl: profile.managementUrl }).target
    const after = parseConnectionUrl(fields.url.trim(), {
      managementUrl: fields.broker === 'rabbitmq' ? fields.managementUrl.trim() || undefined : undefined,
    }).target
    return !sameAudience(before, after)
  } catch {
    return false
  }
}

/**
 * What we send: the password is write-only. Empty means "keep the stored one" when editing (the
 * core falls back to it when testing too) and "none" for a new profile.
 */
function toInput(fields: Fields, id: string | undefined, forgetPassword: boolean): ProfileInput {
  const input: ProfileInput = {
    name: fields.name.trim(),
    broker: fields.broker,
    url: fields.url.trim(),
    color: fields.color,
    readOnly: fields.readOnly,
  }
  if (id !== undefined) input.id = id
  if (fields.password !== '') input.password = fields.password
  else if (forgetPassword) input.password = ''
  const managementUrl = fields.managementUrl.trim()
  if (fields.broker === 'rabbitmq' && managementUrl !== '') input.managementUrl = managementUrl
  if (fields.broker === 'rabbitmq') input.watchQueues = parseWatchQueues(fields.watchQueues)
  return input
}

export function ProfileDialog({ profile, onClose }: { profile: ProfileView | null; onClose: () => void }) {
  const [fields, setFields] = useState<Fields>(() => initialFields(profile))
  const [forgetPassword, setForgetPassword] = useState(false)
  const [test, setTest] = useState<TestState>({ phase: 'idle' })
  const [saving, setSaving] = useState(false)
  const [saveError, setSaveError] = useState<QsErrorShape | null>(null)
  const id = useId()
  const formId = `${id}-form`
  const editing = profile !== null
  const addressChanged = profile !== null && profile.hasPassword && passwordWouldMove(profile, fields)

  const update = <K extends keyof Fields>(key: K, value: Fields[K]) => {
    setFields((f) => ({ ...f, [key]: value }))
    // A result for other settings would mislead.
    setTest({ phase: 'idle' })
    setSaveError(null)
  }

  const changeBroker = (broker: Broker) => {
    setFields((f) => ({ ...f, broker, url: isReplaceableUrl(f.url, broker) ? DEFAULT_URLS[broker] : f.url }))
    setTest({ phase: 'idle' })
    setSaveError(null)
  }

  const runTest = async () => {
    setTest({ phase: 'testing' })
    try {
      const result = await getApi().profilesTest({ profile: toInput(fields, profile?.id, forgetPassword) })
      setTest({ phase: 'done', result })
    } catch (err) {
      setTest({ phase: 'threw', error: toQsErrorShape(err) })
    }
  }

  const save = async (event: React.FormEvent) => {
    event.preventDefault()
    setSaving(true)
    setSaveError(null)
    try {
      await appStore.getState().saveProfile(toInput(fields, profile?.id, forgetPassword))
      onClose()
    } catch (err) {
      setSaveError(toQsErrorShape(err))
      setSaving(false)
    }
  }

  return (
    <Modal
      title={editing ? 'Edit profile' : 'Add profile'}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={() => void runTest()} disabled={test.phase === 'testing'}>
            {test.phase === 'testing' ? 'Testing…' : 'Test'}
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="btn btn-primary" disabled={saving}>
            Save
          </button>
        </>
      }
    >
      <form id={formId} className="form-grid" onSubmit={(e) => void save(e)} noValidate>
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={fields.name}
          onChange={(e) => update('name', e.target.value)}
          required
          maxLength={80}
          autoComplete="off"
          spellCheck={false}
        />

        <label htmlFor={`${id}-broker`}>Broker</label>
        <select id={`${id}-broker`} value={fields.broker} onChange={(e) => changeBroker(e.target.value as Broker)}>
          <option value="rabbitmq">RabbitMQ</option>
          <option value="redis">Redis</option>
        </select>

        <label htmlFor={`${id}-url`}>URL</label>
        <div className="field">
          <input
            id={`${id}-url`}
            className="mono"
            value={fields.url}
            onChange={(e) => update('url', e.target.value)}
            required
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${id}-url-hint`}
          />
          <small id={`${id}-url-hint`} className="hint">
            {URL_HINTS[fields.broker]}
          </small>
        </div>

        <label htmlFor={`${id}-password`}>Password</label>
        <div className="field">
          <input
            id={`${id}-password`}
            type="password"
            value={fields.password}
            onChange={(e) => update('password', e.target.value)}
            autoComplete="new-password"
            placeholder={profile?.hasPassword && !forgetPassword ? '•••••• stored' : ''}
            aria-describedby={`${id}-password-hint`}
          />
          <small id={`${id}-password-hint`} className="hint">
            {profile?.hasPassword ? (
              addressChanged && fields.password === '' ? (
                'the stored password is for the saved server and user only: type it for this address (saving removes the stored one)'
              ) : forgetPassword ? (
                'the stored password will be removed on save'
              ) : (
                <>
                  stored — leave empty to keep it{' '}
                  <button type="button" className="link" onClick={() => setForgetPassword(true)}>
                    Forget stored secret
                  </button>
                </>
              )
            ) : (
              'write-only: never shown again after saving'
            )}
          </small>
        </div>

        {fields.broker === 'rabbitmq' ? (
          <>
            <label htmlFor={`${id}-mgmt`}>Management URL</label>
            <div className="field">
              <input
                id={`${id}-mgmt`}
                className="mono"
                value={fields.managementUrl}
                onChange={(e) => update('managementUrl', e.target.value)}
                placeholder="http://127.0.0.1:15672"
                autoComplete="off"
                spellCheck={false}
                aria-describedby={`${id}-mgmt-hint`}
              />
              <small id={`${id}-mgmt-hint`} className="hint">
                optional — derived from the AMQP host when empty
              </small>
            </div>
            <label htmlFor={`${id}-watch`}>Watched queues</label>
            <div className="field">
              <textarea
                id={`${id}-watch`}
                className="mono"
                rows={2}
                value={fields.watchQueues}
                onChange={(e) => update('watchQueues', e.target.value)}
                placeholder="orders&#10;orders.dlq"
                spellCheck={false}
                aria-describedby={`${id}-watch-hint`}
              />
              <small id={`${id}-watch-hint`} className="hint">
                one per line — shown with their counts over AMQP when the management plugin is not enabled
              </small>
            </div>
          </>
        ) : null}

        <label htmlFor={`${id}-color`}>Environment colour</label>
        <div className="field field-inline">
          <span className={`env-swatch env-${fields.color}`} aria-hidden="true" />
          <select id={`${id}-color`} value={fields.color} onChange={(e) => update('color', e.target.value as EnvColor)}>
            {ENV_COLORS.map((color) => (
              <option key={color} value={color}>
                {color}
              </option>
            ))}
          </select>
        </div>

        <span />
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" checked={fields.readOnly} onChange={(e) => update('readOnly', e.target.checked)} aria-describedby={`${id}-ro-hint`} />
            Read-only
          </label>
          <small id={`${id}-ro-hint`} className="hint">
            the core refuses publish, purge and move for this profile
          </small>
        </div>
      </form>

      <TestOutcome test={test} />
      {saveError ? (
        <div className="inline-error" role="alert">
          <strong>Could not save:</strong> {saveError.message}
        </div>
      ) : null}
    </Modal>
  )
}

function TestOutcome({ test }: { test: TestState }) {
  if (test.phase === 'idle') return null
  if (test.phase === 'testing') {
    return (
      <div className="test-result" role="status">
        Testing…
      </div>
    )
  }
  if (test.phase === 'threw') {
    return (
      <div className="test-result test-failed" role="alert">
        <span className="test-verdict">Failed</span> <span className="code">{test.error.code}</span> {test.error.message}
      </div>
    )
  }
  const { result } = test
  if (!result.ok) {
    return (
      <div className="test-result test-failed" role="alert">
        <span className="test-verdict">Failed</span> {result.error ? <span className="code">{result.error.code}</span> : null}{' '}
        {result.error?.message ?? 'the broker refused the connection'}
      </div>
    )
  }
  return (
    <div className="test-result test-ok" role="status">
      <div>
        <span className="test-verdict">Connected</span> <span className="test-server">{result.server ?? 'reachable'}</span>
        {result.latencyMs === undefined ? null : <span className="muted num"> · {Math.round(result.latencyMs)} ms</span>}
      </div>
      {result.warnings.length ? (
        <ul className="warnings-list">
          {result.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
