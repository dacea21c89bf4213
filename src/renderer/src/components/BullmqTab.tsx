import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { BullmqSource } from '../../../shared/model'
import type { BullmqJob, BullmqState } from '../../../shared/bullmq'
import { formatCount, NO_DATA } from '../format'
import { appStore, useApp } from '../store'
import {
  attemptsText,
  BULLMQ_TABS,
  countsOf,
  countsSentence,
  formatAge,
  GRACE_UNITS,
  isTroubleState,
  jobAge,
  pageRange,
  parseCleanDraft,
  prettyJsonText,
  reasonLine,
  selectBullmqFor,
  selectedJobOf,
  type CleanDraft,
  type GraceUnit,
} from '../store/bullmq.selectors'
import { BULLMQ_PAGE_SIZE } from '../store/bullmq.slice'
import { formatTime } from '../store/messages.selectors'
import { sourceKey } from '../store/sources.selectors'
import { DangerFooter } from './DangerFooter'
import { Modal } from './Modal'

// CodeMirror loads on first use, outside the main bundle (as in MessageDetail).
const BodyViewer = lazy(() => import('./CodeView').then((m) => ({ default: m.BodyViewer })))

export const JOB_ROW_HEIGHT = 26
const READ_ONLY_REASON = 'Read-only profile: retrying and cleaning jobs are not allowed'

/** The Jobs tab of a BullMQ queue: counts per state, a page of jobs, the open job, retry and clean. */
export function BullmqTab({ item, connectionId, readOnly }: { item: BullmqSource; connectionId: string; readOnly: boolean }) {
  const source = sourceKey(item)
  const view = useApp(selectBullmqFor(connectionId, source))
  const { loadBullmqJobs, retryJobs, openBullmqDialog } = appStore.getState()
  const counts = countsOf(view, item)
  const state = view?.state ?? 'waiting'
  const page = view?.page ?? null
  const selected = selectedJobOf(view)
  const busy = view?.busy ?? false
  const picked = view?.picked ?? []
  const whyNotId = useId()

  // Reloaded when the listing's counts move (every 5 s while open), so the page follows the queue.
  const countsKey = countsSentence(item.counts)
  useEffect(() => {
    void appStore.getState().loadBullmqJobs(connectionId, source)
  }, [connectionId, source, countsKey])

  const start = view?.start ?? 0
  const total = page?.total ?? counts[state]
  const shown = page?.jobs.length ?? 0
  const writeTitle = (title: string) => (readOnly ? READ_ONLY_REASON : title)

  return (
    <div className="bullmq-tab">
      <div className="state-chips" role="group" aria-label="Job states">
        {BULLMQ_TABS.map((s) => (
          <button
            key={s}
            type="button"
            className={`state-chip${s === state ? ' active' : ''}${isTroubleState(s, counts[s]) ? ' trouble' : ''}`}
            aria-pressed={s === state}
            onClick={() => void loadBullmqJobs(connectionId, source, { state: s })}
          >
            <span className="state-name">{s}</span> <span className="num">{formatCount(counts[s])}</span>
          </button>
        ))}
      </div>
      {item.paused ? <p className="browse-notice">The queue is paused: workers take no new jobs until it is resumed.</p> : null}

      <div className="browse-bar jobs-bar" role="toolbar" aria-label="Jobs">
        <span className="muted num" role="status">
          {view?.loading && page === null ? 'Loading…' : pageRange(start, shown, total)}
        </span>
        <button
          type="button"
          className="btn btn-small"
          aria-label="Previous page"
          disabled={start === 0 || view?.loading}
          onClick={() => void loadBullmqJobs(connectionId, source, { start: Math.max(0, start - BULLMQ_PAGE_SIZE) })}
        >
          ‹ Newer
        </button>
        <button
          type="button"
          className="btn btn-small"
          aria-label="Next page"
          disabled={start + shown >= total || view?.loading}
          onClick={() => void loadBullmqJobs(connectionId, source, { start: start + BULLMQ_PAGE_SIZE })}
        >
          Older ›
        </button>
        <span className="spacer" />
        {state === 'failed' ? (
          <>
            <button
              type="button"
              className="btn btn-small"
              disabled={readOnly || busy || picked.length === 0}
              title={writeTitle('Move the ticked failed jobs back to waiting (BullMQ Job.retry)')}
              aria-describedby={readOnly ? whyNotId : undefined}
              onClick={() => void retryJobs(picked)}
            >
              Retry selected{picked.length > 0 ? ` (${picked.length.toLocaleString()})` : ''}
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={readOnly || busy || counts.failed === 0}
              title={writeTitle('Move every failed job back to waiting (BullMQ Queue.retryJobs)')}
              aria-describedby={readOnly ? whyNotId : undefined}
              onClick={() => openBullmqDialog('retry-all')}
            >
              Retry all failed…
            </button>
          </>
        ) : null}
        {state === 'completed' ? (
          <button
            type="button"
            className="btn btn-small"
            disabled={readOnly || busy || counts.completed === 0}
            title={writeTitle('Remove completed jobs older than a grace period (BullMQ Queue.clean)')}
            aria-describedby={readOnly ? whyNotId : undefined}
            onClick={() => openBullmqDialog('clean')}
          >
            Clean completed…
          </button>
        ) : null}
        {readOnly ? (
          <span id={whyNotId} className="visually-hidden">
            {READ_ONLY_REASON}
          </span>
        ) : null}
      </div>

      {view?.error ? (
        <p className="banner banner-trouble" role="alert">
          Could not read the {state} jobs: {view.error.message}
        </p>
      ) : null}

      {page === null ? null : page.jobs.length === 0 ? (
        <p className="muted empty-inline">No {state} jobs.</p>
      ) : (
        <JobList jobs={page.jobs} state={state} selectedId={view?.selectedJobId ?? null} picked={picked} pickable={state === 'failed' && !readOnly} />
      )}

      {selected ? <JobDetail job={selected} /> : null}

      {view?.dialog === 'retry-all' ? <RetryAllDialog queue={item.name} failed={counts.failed} busy={busy} /> : null}
      {view?.dialog === 'clean' ? <CleanDialog queue={item.name} completed={counts.completed} busy={busy} /> : null}
    </div>
  )
}

interface JobListProps {
  jobs: BullmqJob[]
  state: BullmqState
  selectedId: string | null
  picked: string[]
  /** Failed jobs on a writable profile: ticks for "Retry selected". */
  pickable: boolean
}

function JobList({ jobs, state, selectedId, picked, pickable }: JobListProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is not compiler-safe; this component opts out by design.
  const virtualizer = useVirtualizer({
    count: jobs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => JOB_ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => jobs[index]?.id ?? index,
  })
  const { selectJob, toggleJobPick, setJobPicks } = appStore.getState()
  const pickedSet = new Set(picked)
  const allPicked = jobs.length > 0 && jobs.every((job) => pickedSet.has(job.id))
  const now = Date.now()
  const selectedIndex = selectedId === null ? -1 : jobs.findIndex((job) => job.id === selectedId)

  const onKeyDown = (event: React.KeyboardEvent) => {
    let next: number | null = null
    if (event.key === 'ArrowDown') next = Math.min(jobs.length - 1, selectedIndex + 1)
    else if (event.key === 'ArrowUp') next = Math.max(0, selectedIndex - 1)
    const job = next === null ? undefined : jobs[next]
    if (next === null || !job) return
    event.preventDefault()
    selectJob(job.id)
    virtualizer.scrollToIndex(next)
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-job-id="${CSS.escape(job.id)}"]`)?.focus())
  }

  return (
    <div className={`job-list${pickable ? ' pickable' : ''}${state === 'failed' ? ' with-reason' : ''}`}>
      <div className="job-head-wrap">
        {pickable ? (
          <label className="replay-check" title="Select every failed job on this page">
            <input
              type="checkbox"
              aria-label="Select all failed jobs on this page"
              checked={allPicked}
              onChange={() => setJobPicks(allPicked ? [] : jobs.map((job) => job.id))}
            />
          </label>
        ) : null}
        <div className="job-row message-row message-head" aria-hidden="true">
          <span>Id</span>
          <span>Name</span>
          <span className="num">Attempts</span>
          <span className="num">Age</span>
          <span>{state === 'failed' ? 'Failed reason' : ''}</span>
        </div>
      </div>
      <div className="message-scroll" ref={scrollRef} style={{ height: Math.min(jobs.length * JOB_ROW_HEIGHT, 10 * JOB_ROW_HEIGHT) + 2 }}>
        <div role="list" aria-label="Jobs" className="message-space" style={{ height: virtualizer.getTotalSize() }} onKeyDown={onKeyDown}>
          {virtualizer.getVirtualItems().map((row) => {
            const job = jobs[row.index]!
            const selected = job.id === selectedId
            const age = jobAge(job, now)
            const odd = row.index % 2 === 1
            return (
              <div key={row.key} role="listitem" className="message-item job-item" style={{ transform: `translateY(${row.start}px)`, height: JOB_ROW_HEIGHT }}>
                {pickable ? (
                  <label className={`replay-check${odd ? ' odd' : ''}`} title={`Select job ${job.id} for retry`}>
                    <input
                      type="checkbox"
                      aria-label={`Select job ${job.id} for retry`}
                      checked={pickedSet.has(job.id)}
                      onChange={() => toggleJobPick(job.id)}
                    />
                  </label>
                ) : null}
                <button
                  type="button"
                  className={`job-row message-row${selected ? ' selected' : ''}${odd ? ' odd' : ''}`}
                  aria-pressed={selected}
                  data-job-id={job.id}
                  onClick={() => selectJob(selected ? null : job.id)}
                >
                  <span className="mono" title={job.id}>
                    {job.id}
                  </span>
                  <span className="mono" title={job.name}>
                    {job.name}
                  </span>
                  <span className="num">{attemptsText(job)}</span>
                  <span className="num" title={job.timestamp === null ? undefined : formatTime(job.timestamp)}>
                    {age === null ? NO_DATA : formatAge(age)}
                  </span>
                  <span title={job.failedReason ?? undefined}>{reasonLine(job)}</span>
                </button>
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}

/** The open job: when, attempts, data, options, progress, return value, and why it failed with the stack. */
function JobDetail({ job }: { job: BullmqJob }) {
  const optionsText = JSON.stringify(job.opts, null, 2)
  return (
    <section className="message-detail job-detail" aria-label={`Job ${job.id}`}>
      <dl className="facts job-facts">
        <JobFact term="Name" value={job.name} mono />
        <JobFact term="State" value={job.state} />
        <JobFact term="Attempts" value={`${attemptsText(job)} (made / allowed)`} />
        <JobFact term="Created" value={formatTime(job.timestamp)} />
        <JobFact term="Processed" value={formatTime(job.processedOn)} />
        <JobFact term="Finished" value={formatTime(job.finishedOn)} />
        {job.delay ? <JobFact term="Delay" value={`${job.delay.toLocaleString()} ms`} /> : null}
        {job.priority ? <JobFact term="Priority" value={String(job.priority)} /> : null}
        <JobFact
          term="Progress"
          value={job.progress === null ? NO_DATA : typeof job.progress === 'number' ? `${job.progress}%` : JSON.stringify(job.progress)}
          mono={typeof job.progress === 'object'}
        />
      </dl>

      {job.failedReason !== null ? (
        <>
          <h3>Failed reason</h3>
          <p className="job-reason trouble-text mono">{job.failedReason}</p>
        </>
      ) : null}
      {job.stacktrace.length > 0 ? (
        <>
          <h3>Stack trace{job.stacktrace.length > 1 ? ` (last ${job.stacktrace.length.toLocaleString()} attempts, newest last)` : ''}</h3>
          <pre className="body-view job-stack" aria-label="Stack trace" tabIndex={0}>
            {job.stacktrace.join('\n\n')}
          </pre>
        </>
      ) : null}

      <h3>Data{job.dataTruncated ? ' (cut at 64 KiB)' : ''}</h3>
      <JsonView text={prettyJsonText(job.data)} label="Job data" />
      {job.returnValue !== null ? (
        <>
          <h3>Return value</h3>
          <JsonView text={prettyJsonText(job.returnValue)} label="Return value" />
        </>
      ) : null}
      <h3>Options</h3>
      <JsonView text={optionsText} label="Job options" />
    </section>
  )
}

function JsonView({ text, label }: { text: string; label: string }) {
  return (
    <Suspense
      fallback={
        <pre className="body-view" aria-label={label} tabIndex={0}>
          {text}
        </pre>
      }
    >
      <BodyViewer text={text} json label={label} className="code-viewer job-json" />
    </Suspense>
  )
}

function JobFact({ term, value, mono }: { term: string; value: string; mono?: boolean }) {
  return (
    <div className="fact">
      <dt>{term}</dt>
      <dd className={mono && value !== NO_DATA ? 'mono' : undefined}>{value}</dd>
    </div>
  )
}

/** "Retry all failed": not destructive (jobs go back to waiting), but it sets every failed job running again. */
function RetryAllDialog({ queue, failed, busy }: { queue: string; failed: number; busy: boolean }) {
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
function CleanDialog({ queue, completed, busy }: { queue: string; completed: number; busy: boolean }) {
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
