import { useId, useState } from 'react'
import { formatCount } from '../format'
import { appStore } from '../store'
import { GRACE_UNITS, parseCleanDraft, type CleanDraft, type GraceUnit } from '../store/bullmq.selectors'
import { DangerFooter } from './DangerFooter'
import { Modal } from './Modal'

/** "Retry all failed": not destructive (jobs go back to waiting), but it sets every failed job running again. */
export function RetryAllDialog({ queue, failed, busy }: { queue: string; failed: number; busy: boolean }) {
  const { retryJobs, openBullmqDialog } = appStore.getState()
  const close = () => openBullmqDialog(null)
  return (
    <Modal
      role="alertdialog"
      title="Retry all failed jobs"
      onClose={close}
      description={
        <p>
          Move{' '}
          <strong className="num">
            {formatCount(failed)} failed {failed === 1 ? 'job' : 'jobs'}
          </strong>{' '}
          of <strong className="mono">{queue}</strong> back to waiting: workers run them again.
        </p>
      }
      footer={
        <>
          <span className="spacer" />
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void retryJobs(null)}>
            Retry all
          </button>
        </>
      }
    >
      {null}
    </Modal>
  )
}

/** "Clean completed…": grace, limit, and the queue's name typed to confirm (docs/ui.md "Dialogs"). */
export function CleanDialog({ queue, completed, busy }: { queue: string; completed: number; busy: boolean }) {
  const [draft, setDraft] = useState<CleanDraft>({ grace: '0', unit: 'hours', limit: '10000' })
  const [typed, setTyped] = useState('')
  const ids = { grace: useId(), unit: useId(), limit: useId(), confirm: useId(), error: useId() }
  const { cleanCompleted, openBullmqDialog } = appStore.getState()
  const close = () => openBullmqDialog(null)
  const parsed = parseCleanDraft(draft)
  const invalid = typeof parsed === 'string' ? parsed : null
  const matches = typed === queue
  const clean = () => {
    if (typeof parsed !== 'string' && matches) void cleanCompleted({ ...parsed, confirm: typed })
  }

  return (
    <Modal
      role="alertdialog"
      title="Clean completed jobs"
      onClose={close}
      description={
        <p>
          Remove the completed jobs of <strong className="mono">{queue}</strong> (<strong className="num">{formatCount(completed)}</strong> now) that finished
          longer ago than the grace period, at most the limit. Their data and return values are deleted for good.
        </p>
      }
      footer={<DangerFooter action="Clean" disabled={!matches || invalid !== null || busy} onConfirm={clean} onCancel={close} />}
    >
      <form
        className="form-grid clean-form"
        onSubmit={(e) => {
          e.preventDefault()
          clean()
        }}
      >
        <label htmlFor={ids.grace}>Finished more than</label>
        <div className="field-inline">
          <input
            id={ids.grace}
            className="num clean-number"
            inputMode="decimal"
            value={draft.grace}
            aria-invalid={invalid !== null && invalid.startsWith('the grace')}
            aria-describedby={invalid === null ? undefined : ids.error}
            onChange={(e) => setDraft({ ...draft, grace: e.target.value })}
          />
          <select id={ids.unit} aria-label="Grace unit" value={draft.unit} onChange={(e) => setDraft({ ...draft, unit: e.target.value as GraceUnit })}>
            {Object.keys(GRACE_UNITS).map((unit) => (
              <option key={unit} value={unit}>
                {unit} ago
              </option>
            ))}
          </select>
        </div>
        <label htmlFor={ids.limit}>At most</label>
        <div className="field-inline">
          <input
            id={ids.limit}
            className="num clean-number"
            inputMode="numeric"
            value={draft.limit}
            aria-invalid={invalid !== null && invalid.startsWith('the limit')}
            aria-describedby={invalid === null ? undefined : ids.error}
            onChange={(e) => setDraft({ ...draft, limit: e.target.value })}
          />
          <span className="muted">jobs</span>
        </div>
        {invalid !== null ? (
          <p id={ids.error} className="hint trouble-text clean-error" role="alert">
            {invalid.charAt(0).toUpperCase() + invalid.slice(1)}.
          </p>
        ) : null}
        <label htmlFor={ids.confirm}>Type the queue name to confirm</label>
        <input
          id={ids.confirm}
          className="mono"
          value={typed}
          autoComplete="off"
          spellCheck={false}
          placeholder={queue}
          onChange={(e) => setTyped(e.target.value)}
        />
      </form>
    </Modal>
  )
}
