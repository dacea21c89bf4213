import type { ProfileView } from '../../../shared/model'
import { appStore, useApp } from '../store'
import { selectStatus } from '../store/connections.selectors'
import { selectProfiles, selectProfilesLoad, selectSelectedProfileId } from '../store/profiles.selectors'
import { selectAppInfo, selectSecretWarning } from '../store/ui.selectors'
import { EditIcon, LockIcon, PlusIcon, TestIcon, TrashIcon, WarningIcon } from './Icons'
import { StatusDot } from './StatusDot'

export function Sidebar() {
  const profiles = useApp(selectProfiles)
  const load = useApp(selectProfilesLoad)
  const selectedId = useApp(selectSelectedProfileId)
  const secretWarning = useApp(selectSecretWarning)
  const info = useApp(selectAppInfo)

  return (
    <nav className="sidebar" aria-label="Profiles">
      <header className="sidebar-header">
        <span className="brand">Queuescope</span>
        <button type="button" className="btn btn-small" onClick={() => appStore.getState().openProfileDialog(null)}>
          <PlusIcon size={12} /> Add profile
        </button>
      </header>

      {load === 'ready' && profiles.length === 0 ? (
        <p className="sidebar-empty">No profiles yet. Add one for your local RabbitMQ (amqp://guest@127.0.0.1:5672/) or Redis (redis://127.0.0.1:6379).</p>
      ) : null}
      {load === 'error' ? <p className="sidebar-empty trouble-text">Profiles could not be loaded; see the notification.</p> : null}

      <ul className="profile-list">
        {profiles.map((profile) => (
          <ProfileRow key={profile.id} profile={profile} selected={profile.id === selectedId} />
        ))}
      </ul>

      <footer className="sidebar-footer">
        {secretWarning ? (
          <div className="secret-warning" role="note">
            <WarningIcon size={12} /> <span>{secretWarning}</span>
          </div>
        ) : null}
        {info ? (
          <div className="muted app-version">
            v{info.version} · {info.mode}
          </div>
        ) : null}
      </footer>
    </nav>
  )
}

function ProfileRow({ profile, selected }: { profile: ProfileView; selected: boolean }) {
  const status = useApp(selectStatus(profile.id))
  const { selectProfile, openProfileDialog, openDeleteConfirm, testProfile } = appStore.getState()

  return (
    <li className={`profile-row${selected ? ' selected' : ''}`}>
      <span className={`env-stripe env-${profile.color}`} aria-hidden="true" title={`environment: ${profile.color}`} />
      <StatusDot status={status} />
      <button
        type="button"
        className="profile-name"
        onClick={() => void selectProfile(profile.id)}
        aria-current={selected ? 'true' : undefined}
        title={profile.url}
      >
        {profile.name}
      </button>
      {profile.readOnly ? (
        <span className="lock" role="img" aria-label="read-only" title="read-only">
          <LockIcon size={12} />
        </span>
      ) : null}
      <span className="profile-actions">
        <button type="button" className="icon-btn" aria-label={`Edit ${profile.name}`} title="Edit" onClick={() => openProfileDialog(profile.id)}>
          <EditIcon size={12} />
        </button>
        <button type="button" className="icon-btn" aria-label={`Test ${profile.name}`} title="Test connection" onClick={() => void testProfile(profile.id)}>
          <TestIcon size={12} />
        </button>
        <button type="button" className="icon-btn" aria-label={`Delete ${profile.name}`} title="Delete" onClick={() => openDeleteConfirm(profile.id)}>
          <TrashIcon size={12} />
        </button>
      </span>
    </li>
  )
}
