import { useEffect, useRef } from 'react'
import type { ReplayReport } from '../../../shared/replay'
import { formatCount } from '../format'
import { appStore, useApp } from '../store'
import { selectProfiles } from '../store/profiles.selectors'
import { describeProgress, describeReport, describeRoute, failureReasons, otherTargetConnectionName } from '../store/replay.selectors'
import type { ReplayRun } from '../store/replay.slice'
import { Modal } from './Modal'

/** The dry run: while it scans, its progress; then what would go (id, route, size) and what would not, and why. */
export function PreviewSection({ preview, stale, onCancel }: { preview: ReplayRun; stale: boolean; onCancel: () => void }) {
  const report = preview.report
  const ref = useRef<HTMLElement>(null)
  const arrived = report !== null
  // The form is long: bring the answer into view when it arrives.
  useEffect(() => {
    if (arrived) ref.current?.scrollIntoView({ block: 'start' })
  }, [arrived])
  if (preview.error !== null) {
    return (
      <section className="replay-preview" aria-label="Preview">
        <p className="banner banner-trouble" role="alert">
          The preview failed: {preview.error.message}
        </p>
      </section>
    )
  }
  if (report === null) {
    return (
      <section className="replay-preview" aria-label="Preview">
        <ProgressBlock run={preview} label="Preview progress" onCancel={onCancel} cancelLabel="Stop preview" />
      </section>
    )
  }
  return (
    <section ref={ref} className={`replay-preview${stale ? ' stale' : ''}`} aria-label="Preview">
      <h3>Preview (dry run){stale ? <span className="badge tag-badge">the form changed since: preview again</span> : null}</h3>
      <dl className="replay-counts" aria-label="Preview counts">
        <Count term={`Would ${report.mode}`} value={report.published} />
        <Count term="Skipped (filters)" value={report.skipped} />
        <Count term="Would fail" value={report.failed} trouble={report.failed > 0} />
        <Count term="Scanned" value={report.scanned} />
      </dl>
      {report.error !== undefined ? (
        <p className="trouble-text" role="alert">
          Stopped early: {report.error}
        </p>
      ) : null}
      <FailureList report={report} verb="would fail" />
      {report.preview.length === 0 ? (
        <p className="muted empty-inline">Nothing would be replayed.</p>
      ) : (
        <ItemTable label="Messages that would be replayed" items={report.preview} shownOf={report.published} />
      )}
    </section>
  )
}

function ItemTable({ label, items, shownOf }: { label: string; items: ReplayReport['preview']; shownOf: number }) {
  const withReason = items.some((item) => item.reason !== undefined)
  return (
    <div className="replay-items">
      <table className="groups-table replay-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Message id</th>
            <th scope="col">Route</th>
            <th scope="col" className="num">
              Size
            </th>
            {withReason ? <th scope="col">Reason</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => (
            <tr key={`${item.id}-${index}`}>
              <td className="mono">{item.id}</td>
              <td className="mono">{describeRoute(item)}</td>
              <td className="num">{formatCount(item.size)} B</td>
              {withReason ? <td className="wrap">{item.reason ?? '—'}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {shownOf > items.length ? (
        <p className="hint">
          The first {formatCount(items.length)} of {formatCount(shownOf)} shown.
        </p>
      ) : null}
    </div>
  )
}

function FailureList({ report, verb }: { report: ReplayReport; verb: string }) {
  const reasons = failureReasons(report.failures)
  if (reasons.length === 0) return null
  return (
    <ul className="replay-failures" aria-label="Failure reasons">
      {reasons.map(({ reason, count, ids }) => (
        <li key={reason}>
          <strong className="num">{formatCount(count)}</strong> {verb}: {reason}
          <span className="muted mono">
            {' '}
            ({ids.slice(0, 3).join(', ')}
            {ids.length > 3 ? ', …' : ''})
          </span>
        </li>
      ))}
    </ul>
  )
}

function Count({ term, value, trouble = false }: { term: string; value: number; trouble?: boolean }) {
  return (
    <div className={`replay-count${trouble ? ' trouble' : ''}`}>
      <dt>{term}</dt>
      <dd className="num">{formatCount(value)}</dd>
    </div>
  )
}

export function ProgressBlock({ run, label, onCancel, cancelLabel }: { run: ReplayRun; label: string; onCancel: () => void; cancelLabel: string }) {
  const view = describeProgress(run.progress)
  const progress = run.progress
  return (
    <div className="replay-progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={progress === null ? undefined : progress.total}
        aria-valuenow={progress === null ? undefined : progress.scanned}
        aria-valuetext={view.scanned}
      >
        <div className={`progress-fill${view.fraction === null ? ' indeterminate' : ''}`} style={{ width: `${Math.round((view.fraction ?? 0.3) * 100)}%` }} />
      </div>
      <div className="replay-progress-line">
        <span className="num" role="status">
          {view.scanned}
        </span>
        <span className="num">{view.rate}</span>
        <span className="num">{view.eta}</span>
        <span className="spacer" />
        <button type="button" className="btn btn-small" disabled={run.cancelling} onClick={onCancel}>
          {run.cancelling ? 'Cancelling…' : cancelLabel}
        </button>
      </div>
      {progress === null ? null : (
        <dl className="replay-counts" aria-label="Progress counts">
          <Count term="Published" value={progress.published} />
          <Count term="Failed" value={progress.failed} trouble={progress.failed > 0} />
          <Count term="Skipped" value={progress.skipped} />
        </dl>
      )}
    </div>
  )
}

/** A real replay: progress with Cancel while it runs, then the report in words. */
export function ReplayRunView({ run, onClose }: { run: ReplayRun; onClose: () => void }) {
  const profiles = useApp(selectProfiles)
  const report = run.report
  const { cancelReplay, openReplayJournal } = appStore.getState()
  if (report === null) {
    return (
      <Modal
        title="Replaying…"
        onClose={onClose}
        wide
        description={
          <p>
            Replaying from <strong className="mono">{run.source}</strong>. Closing this keeps it running; a notification says how it ended.
          </p>
        }
        footer={
          <>
            <span className="spacer" />
            <button type="button" className="btn" onClick={onClose}>
              Hide
            </button>
          </>
        }
      >
        <ProgressBlock run={run} label="Replay progress" onCancel={() => void cancelReplay(run.id)} cancelLabel="Cancel replay" />
      </Modal>
    )
  }
  const lines = describeReport(report, otherTargetConnectionName(report, run.connectionId, profiles))
  return (
    <Modal
      title="Replay report"
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={openReplayJournal}>
            Replay journal
          </button>
          <span className="spacer" />
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      <section className="replay-report" aria-label="Replay report">
        <ul className="replay-report-lines">
          {lines.map((line) => (
            <li key={line.text} className={line.trouble ? 'trouble-text' : undefined}>
              {line.text}
            </li>
          ))}
        </ul>
        <dl className="replay-counts" aria-label="Report counts">
          <Count term={report.mode === 'move' ? 'Moved' : 'Copied'} value={report.published} />
          {report.mode === 'move' ? <Count term="Acknowledged" value={report.acknowledged} /> : null}
          <Count term="Failed" value={report.failed} trouble={report.failed > 0} />
          <Count term="Skipped" value={report.skipped} />
          <Count term="Left in source" value={report.left} />
          {report.duplicates > 0 ? <Count term="Possible duplicates" value={report.duplicates} trouble /> : null}
        </dl>
        <FailureList report={report} verb="failed" />
        {report.failures.length > 0 ? <ItemTable label="Failed messages" items={report.failures} shownOf={report.failed} /> : null}
      </section>
    </Modal>
  )
}
