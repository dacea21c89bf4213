import { describeFilter } from '../../../shared/replay'
import { appStore, useApp } from '../store'
import { formatTime } from '../store/messages.selectors'
import { selectProfiles } from '../store/profiles.selectors'
import { describeJournalResult, describeJournalTarget, journalNewestFirst, selectReplayJournal } from '../store/replay.selectors'
import { Modal } from './Modal'

/** Past replays from the core's journal (`replay:list`), newest first; refreshed whenever a replay ends. */
export function ReplayJournalDialog({ onClose }: { onClose: () => void }) {
  const journal = useApp(selectReplayJournal)
  const profiles = useApp(selectProfiles)
  const entries = journalNewestFirst(journal.listing)
  const profileName = (id: string) => profiles.find((p) => p.id === id)?.name ?? id

  return (
    <Modal
      title="Replays"
      onClose={onClose}
      wide
      footer={
        <>
          {journal.listing === null ? null : (
            <span className="muted replay-journal-path" title={journal.listing.journal}>
              Journal: <span className="mono">{journal.listing.journal}</span>
            </span>
          )}
          <span className="spacer" />
          <button type="button" className="btn" disabled={journal.loading} onClick={() => void appStore.getState().loadReplayJournal()}>
            {journal.loading ? 'Refreshing…' : 'Refresh'}
          </button>
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      {journal.error !== null ? (
        <p className="banner banner-trouble" role="alert">
          Could not read the journal: {journal.error.message}
        </p>
      ) : null}
      {journal.listing === null ? (
        journal.error === null ? (
          <p className="muted empty-inline">Reading the journal…</p>
        ) : null
      ) : entries.length === 0 ? (
        <p className="muted empty-inline">No replays yet. Open a queue (a dead-letter queue, say) and use Replay… in its header.</p>
      ) : (
        <table className="groups-table replay-journal" aria-label="Past replays">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Source → target</th>
              <th scope="col">Mode</th>
              <th scope="col">Filters</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td className="num-plain nowrap">{formatTime(entry.at)}</td>
                <td className="wrap">
                  <span className="mono">{entry.source}</span> <span className="muted">on {profileName(entry.sourceConnection)}</span> →{' '}
                  <span className="mono">{describeJournalTarget(entry, profileName)}</span>
                </td>
                <td className="nowrap">
                  {entry.mode}
                  {entry.dryRun ? <span className="badge tag-badge">dry run</span> : null}
                </td>
                <td className="wrap">{entry.filters.length === 0 ? <span className="muted">none</span> : entry.filters.map(describeFilter).join('; ')}</td>
                <td
                  className={`wrap${entry.report !== undefined && (entry.report.failed > 0 || entry.report.duplicates > 0 || entry.report.error !== undefined) ? ' trouble-text' : ''}`}
                >
                  {/* Wraps between the counts, never inside one. */}
                  {describeJournalResult(entry)
                    .split(' · ')
                    .map((part, i) => (
                      <span key={i} className="nowrap">
                        {i === 0 ? '' : ' · '}
                        {part}
                      </span>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  )
}
