import { lazy, Suspense, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { BullmqJob, BullmqState } from '../../../shared/bullmq'
import { NO_DATA } from '../format'
import { appStore } from '../store'
import { attemptsText, formatAge, jobAge, prettyJsonText, reasonLine } from '../store/bullmq.selectors'
import { formatTime } from '../store/messages.selectors'

export const JOB_ROW_HEIGHT = 26

// CodeMirror loads on first use, outside the main bundle (as in MessageDetail).
const BodyViewer = lazy(() => import('./CodeView').then((m) => ({ default: m.BodyViewer })))

interface JobListProps {
  jobs: BullmqJob[]
  state: BullmqState
  selectedId: string | null
  picked: string[]
  /** Failed jobs on a writable profile: ticks for "Retry selected". */
  pickable: boolean
}

export function JobList({ jobs, state, selectedId, picked, pickable }: JobListProps) {
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
export function JobDetail({ job }: { job: BullmqJob }) {
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
