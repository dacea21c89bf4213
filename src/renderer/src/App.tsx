import { Overview } from './components/Overview'
import { ProfileDialog } from './components/ProfileDialog'
import { ConfirmDeleteDialog } from './components/ConfirmDeleteDialog'
import { PurgeDialog } from './components/PurgeDialog'
import { ReplayDialog } from './components/ReplayDialog'
import { ReplayJournalDialog } from './components/ReplayJournalDialog'
import { Sidebar } from './components/Sidebar'
import { Toasts } from './components/Toasts'
import { TopBar } from './components/TopBar'
import { useBootstrap } from './hooks/useBootstrap'
import { useKeyboardShortcuts } from './hooks/useKeyboardShortcuts'
import { useMainEvents } from './hooks/useMainEvents'
import { appStore, useApp } from './store'
import { selectProfileById } from './store/profiles.selectors'
import { selectDialog } from './store/ui.selectors'

export function App() {
  useMainEvents()
  useBootstrap()
  useKeyboardShortcuts()

  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        <TopBar />
        <Overview />
      </main>
      <Dialogs />
      <Toasts />
    </div>
  )
}

function Dialogs() {
  const dialog = useApp(selectDialog)
  const profile = useApp(selectProfileById(dialog !== null && 'profileId' in dialog ? dialog.profileId : null))
  const { closeDialog, deleteProfile } = appStore.getState()
  if (dialog === null) return null
  if (dialog.kind === 'purge')
    return <PurgeDialog key={`${dialog.connectionId}:${dialog.queue}`} connectionId={dialog.connectionId} queue={dialog.queue} onClose={closeDialog} />
  if (dialog.kind === 'replay') {
    return (
      <ReplayDialog
        key={`${dialog.connectionId}:${dialog.source}:${dialog.messageIds?.join(',') ?? ''}`}
        connectionId={dialog.connectionId}
        source={dialog.source}
        messageIds={dialog.messageIds}
        onClose={closeDialog}
      />
    )
  }
  if (dialog.kind === 'replays') return <ReplayJournalDialog onClose={closeDialog} />
  if (dialog.kind === 'profile') {
    // A profile deleted while its dialog was open: nothing left to edit.
    if (dialog.profileId !== null && profile === null) return null
    return <ProfileDialog key={dialog.profileId ?? 'new'} profile={profile} onClose={closeDialog} />
  }
  if (profile === null) return null
  return (
    <ConfirmDeleteDialog
      profile={profile}
      onClose={closeDialog}
      onConfirm={() => {
        closeDialog()
        void deleteProfile(profile.id)
      }}
    />
  )
}
