import type { ProfileView } from '../../../shared/model'
import { DangerFooter } from './DangerFooter'
import { Modal } from './Modal'

export function ConfirmDeleteDialog({ profile, onConfirm, onClose }: { profile: ProfileView; onConfirm: () => void; onClose: () => void }) {
  return (
    <Modal
      role="alertdialog"
      title="Delete profile"
      onClose={onClose}
      description={
        <p>
          Delete the profile <strong>{profile.name}</strong>? Its stored password goes with it. Nothing on the broker is touched.
        </p>
      }
      footer={<DangerFooter action="Delete" onConfirm={onConfirm} onCancel={onClose} />}
    >
      {null}
    </Modal>
  )
}
