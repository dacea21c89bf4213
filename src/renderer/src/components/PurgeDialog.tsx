import { useId, useState } from 'react'
import { formatCount } from '../format'
import { useApp, appStore } from '../store'
import { selectSourceItems } from '../store/sources.selectors'
import { DangerFooter } from './DangerFooter'
import { Modal } from './Modal'

const selectPurging = (state: { purging: boolean }) => state.purging

/** Typed confirmation before a purge (docs/ui.md "Dialogs"): the count that will go, and the name typed to confirm. */
export function PurgeDialog({ connectionId, queue, onClose }: { connectionId: string; queue: string; onClose: () => void }) {
  const items = useApp(selectSourceItems(connectionId))
  const purging = useApp(selectPurging)
  const [typed, setTyped] = useState('')
  const fieldId = useId()
  const item = items.find((i) => i.kind === 'queue' && i.name === queue)
  const ready = item && item.kind === 'queue' ? item.ready : null
  const unacked = item && item.kind === 'queue' ? item.unacked : null
  const matches = typed === queue
  const purge = () => {
    if (matches) void appStore.getState().purgeQueue(connectionId, queue, typed)
  }

  return (
    <Modal
      role="alertdialog"
      title="Purge queue"
      onClose={onClose}
      description={
        <p>
          Purge <strong className="mono">{queue}</strong>:{' '}
          {ready === null ? (
            'its ready messages'
          ) : (
            <strong className="num">
              {formatCount(ready)} ready {ready === 1 ? 'message' : 'messages'}
            </strong>
          )}{' '}
          will be deleted for good.{' '}
          {unacked !== null && unacked > 0
            ? `The ${formatCount(unacked)} unacked (delivered to a consumer, not yet acknowledged) stay.`
            : 'Unacked messages (delivered to a consumer, not yet acknowledged) stay.'}
        </p>
      }
      footer={<DangerFooter action="Purge" disabled={!matches || purging} onConfirm={purge} onCancel={onClose} />}
    >
      <form
        className="field confirm-field"
        onSubmit={(e) => {
          e.preventDefault()
          purge()
        }}
      >
        <label htmlFor={fieldId}>Type the queue name to confirm</label>
        <input
          id={fieldId}
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
