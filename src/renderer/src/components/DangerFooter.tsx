/** The footer of every destructive confirmation: Cancel, then the red action (disabled until allowed). */
export function DangerFooter({
  action,
  disabled = false,
  onConfirm,
  onCancel,
}: {
  action: string
  disabled?: boolean
  onConfirm: () => void
  onCancel: () => void
}) {
  return (
    <>
      <span className="spacer" />
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="button" className="btn btn-danger" disabled={disabled} onClick={onConfirm}>
        {action}
      </button>
    </>
  )
}
