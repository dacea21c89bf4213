import { useState } from 'react'
import { viewsOf } from '../brokers/registry'
import { appStore, useApp } from '../store'
import { describeStatus, isLive, selectSelectedStatus } from '../store/connections.selectors'
import { FILTER_INPUT_ID } from '../hooks/useKeyboardShortcuts'
import { selectSelectedProfile } from '../store/profiles.selectors'
import { isReplayRunning, selectReplayRun } from '../store/replay.selectors'
import { selectFilterText, selectKeyPattern, selectSourcesEntry } from '../store/sources.selectors'
import { RefreshIcon, SearchIcon } from './Icons'
import { ScopePicker } from './ScopePicker'

export function TopBar() {
  const profile = useApp(selectSelectedProfile)
  const status = useApp(selectSelectedStatus)
  const filterText = useApp(selectFilterText)
  const entry = useApp(selectSourcesEntry(profile?.id ?? null))
  const replayRun = useApp(selectReplayRun)
  const { setFilterText, refreshSources, refreshOverview, disconnect, connect, openReplayJournal, openReplayDialog } = appStore.getState()
  const running = isReplayRunning(replayRun) ? replayRun : null
  const open = status?.state === 'open'

  return (
    <header className="topbar">
      {profile ? (
        <div className="topbar-connection">
          <span className={`env-stripe env-${profile.color}`} aria-hidden="true" />
          <h1 className="connection-name">{profile.name}</h1>
          {profile.readOnly ? (
            <span className="badge badge-readonly" title="writes and destructive actions are refused for this profile">
              READ-ONLY
            </span>
          ) : null}
          <span className={`connection-server${open ? '' : ` state-${status?.state ?? 'closed'}`}`}>
            {open ? (status.server ?? 'open') : describeStatus(status)}
          </span>
          <ScopePicker connectionId={profile.id} />
        </div>
      ) : (
        <div className="topbar-connection muted">No connection</div>
      )}

      <div className="topbar-tools">
        {profile && viewsOf(profile.broker).discovery !== null ? <KeyPatternBox key={profile.id} connectionId={profile.id} /> : null}
        <div className="filter-box">
          <SearchIcon size={12} />
          <input
            id={FILTER_INPUT_ID}
            type="search"
            aria-label="Filter sources"
            placeholder="Filter sources   /"
            value={filterText}
            onChange={(e) => setFilterText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && filterText) {
                e.preventDefault()
                setFilterText('')
              } else if (e.key === 'Escape') {
                e.currentTarget.blur()
              }
            }}
            spellCheck={false}
            autoComplete="off"
          />
        </div>
        {/* A replay hidden while it runs comes back from here; otherwise the journal of past replays. */}
        {running !== null ? (
          <button
            type="button"
            className="btn replay-running"
            title={`Replaying from ${running.source}: show its progress`}
            onClick={() => openReplayDialog(running.connectionId, running.source)}
          >
            <span className="replay-running-dot" aria-hidden="true" /> Replay running…
          </button>
        ) : (
          <button type="button" className="btn" title="Past replays (the journal)" onClick={openReplayJournal}>
            Replays
          </button>
        )}
        <button
          type="button"
          className="btn"
          disabled={!profile || !open}
          onClick={() => {
            if (!profile) return
            void refreshSources(profile.id, { userAsked: true })
            void refreshOverview(profile.id)
          }}
          title="Refresh (R)"
          aria-keyshortcuts="r"
        >
          <RefreshIcon size={12} /> <span className={entry?.loading ? 'refreshing' : undefined}>Refresh</span>
        </button>
        {profile && !isLive(status) ? (
          <button type="button" className="btn" onClick={() => void connect(profile.id)}>
            Connect
          </button>
        ) : (
          <button type="button" className="btn" disabled={!profile} onClick={() => profile && void disconnect(profile.id)}>
            Disconnect
          </button>
        )}
      </div>
    </header>
  )
}

/**
 * Redis: the key pattern (SCAN MATCH glob, e.g. `orders:*`) the discovery lists, next to the name
 * filter. Applied on Enter or when the box loses focus, since each change is a new SCAN.
 */
function KeyPatternBox({ connectionId }: { connectionId: string }) {
  const applied = useApp(selectKeyPattern(connectionId))
  const [draft, setDraft] = useState(applied)
  const apply = () => appStore.getState().setKeyPattern(connectionId, draft)
  return (
    <form
      className="filter-box pattern-box"
      title="Only keys matching this glob are scanned (SCAN MATCH): * any characters, ? one, [abc] one of"
      onSubmit={(e) => {
        e.preventDefault()
        apply()
      }}
    >
      <span className="pattern-label" aria-hidden="true">
        keys
      </span>
      <input
        type="search"
        className="mono"
        aria-label="Key pattern"
        placeholder="*"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          // Esc takes back an edit not yet applied (blurring here would apply it).
          if (e.key === 'Escape' && draft !== applied) {
            e.preventDefault()
            setDraft(applied)
          }
        }}
        spellCheck={false}
        autoComplete="off"
      />
    </form>
  )
}
