import { appStore, useApp } from '../store'
import { selectCanTransferFiles } from '../store/transfer.slice'

/**
 * "Export…" and "Import…": the desktop app shows a native dialog for the file. The web UI cannot
 * (a web page must not name files on the machine running Queuescope), so there they are absent and
 * the CLI's `export` / `import` do it.
 */
export function ExportButton({
  connectionId,
  source,
  acceptDeliveryLimitRisk = false,
}: {
  connectionId: string
  source: string
  acceptDeliveryLimitRisk?: boolean
}) {
  const available = useApp(selectCanTransferFiles)
  const busy = useApp((s) => s.transferring !== null)
  if (!available) return null
  return (
    <button
      type="button"
      className="btn btn-small"
      disabled={busy}
      title="Write these messages to an NDJSON file, consuming nothing"
      onClick={() => void appStore.getState().exportToFile(connectionId, source, { acceptDeliveryLimitRisk })}
    >
      {busy ? 'Exporting…' : 'Export…'}
    </button>
  )
}

export function ImportButton({ connectionId, target, readOnly }: { connectionId: string; target: string; readOnly: boolean }) {
  const available = useApp(selectCanTransferFiles)
  const busy = useApp((s) => s.transferring !== null)
  if (!available) return null
  return (
    <button
      type="button"
      className="btn"
      disabled={busy || readOnly}
      title="Publish every message of an export file here, with confirms"
      onClick={() => void appStore.getState().importFromFile(connectionId, target)}
    >
      {busy ? 'Importing…' : 'Import file…'}
    </button>
  )
}
