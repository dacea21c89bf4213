import { useEffect, useId } from 'react'
import type { BullmqSource } from '../../../shared/model'
import { formatCount } from '../format'
import { appStore, useApp } from '../store'
import { BULLMQ_TABS, countsOf, countsSentence, isTroubleState, pageRange, selectBullmqFor, selectedJobOf } from '../store/bullmq.selectors'
import { BULLMQ_PAGE_SIZE } from '../store/bullmq.slice'
import { sourceKey } from '../store/sources.selectors'
import { JobDetail, JobList } from './BullmqJobs'
import { CleanDialog, RetryAllDialog } from './BullmqDialogs'

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
