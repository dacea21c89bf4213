import { useId, useState } from 'react'
import type { SourceItem } from '../../../shared/model'
import { formatCount } from '../format'
import { appStore, useApp } from '../store'
import { parseKeep, redisWritesFor, selectRedisBusy, trimSummary } from '../store/redis.selectors'
import { sourceKey } from '../store/sources.selectors'
import { DangerFooter } from './DangerFooter'
import { Modal } from './Modal'

type RedisWrite = 'trim' | 'purge' | 'delete'
type RedisItem = SourceItem & { kind: 'stream' | 'list' }

const LABELS: Record<RedisWrite, string> = { trim: 'Trim…', purge: 'Purge…', delete: 'Delete key…' }
const TITLES: Record<RedisWrite, string> = {
  trim: 'Keep only the newest entries (XTRIM MAXLEN); groups stay',
  purge: 'Remove every entry or item; a stream keeps its key and groups',
  delete: 'Delete the key itself (DEL), groups and all',
}

/**
 * The details header's Redis writes: trim a stream, purge a stream or list,
 * delete the key, each behind a typed confirmation. Read-only profiles see them disabled with the
 * reason (the core refuses them too).
 */
export function RedisActions({ item, connectionId, readOnly }: { item: SourceItem; connectionId: string; readOnly: boolean }) {
  const [open, setOpen] = useState<RedisWrite | null>(null)
  const whyId = useId()
  const writes = redisWritesFor(item)
  if (writes.length === 0 || (item.kind !== 'stream' && item.kind !== 'list')) return null
  const why = `Read-only profile: ${item.kind === 'stream' ? 'trimming, purging and deleting are' : 'purging and deleting are'} not allowed`
  return (
    <>
      {writes.map((write) => (
        <button
          key={write}
          type="button"
          className="btn btn-small"
          disabled={readOnly}
          title={readOnly ? why : TITLES[write]}
          aria-describedby={readOnly ? whyId : undefined}
          onClick={() => setOpen(write)}
        >
          {LABELS[write]}
        </button>
      ))}
      {readOnly ? (
        <span id={whyId} className="visually-hidden">
          {why}
        </span>
      ) : null}
      {open !== null ? <RedisWriteDialog key={open} write={open} item={item} connectionId={connectionId} onClose={() => setOpen(null)} /> : null}
    </>
  )
}

function RedisWriteDialog({ write, item, connectionId, onClose }: { write: RedisWrite; item: RedisItem; connectionId: string; onClose: () => void }) {
  const busy = useApp(selectRedisBusy)
  const [typed, setTyped] = useState('')
  const [keepText, setKeepText] = useState('1000')
  const ids = { confirm: useId(), keep: useId() }
  const source = sourceKey(item)
  const keep = parseKeep(keepText)
  const length = item.messages
  const unit = item.kind === 'stream' ? 'entries' : 'items'
  const ready = typed === item.name && !busy && (write !== 'trim' || keep !== null)
  const run = () => {
    if (!ready) return
    const { writeRedis } = appStore.getState()
    const request =
      write === 'trim'
        ? ({ op: 'trim', connectionId, source, keep: keep!, confirm: typed } as const)
        : write === 'delete'
          ? ({ op: 'delete', connectionId, source, confirm: typed } as const)
          : ({ op: 'purge', connectionId, source, confirm: typed } as const)
    void writeRedis(request).then((ok) => ok && onClose())
  }

  const title = write === 'trim' ? 'Trim stream' : write === 'purge' ? `Purge ${item.kind}` : `Delete ${item.kind}`
  const description =
    write === 'trim' ? (
      <p>{keep === null ? 'Keep how many of the newest entries? (0 empties the stream.)' : trimSummary(length, keep)}</p>
    ) : write === 'purge' ? (
      <p>
        <strong className="num">
          {formatCount(length)} {unit}
        </strong>{' '}
        of <strong className="mono">{item.name}</strong> will be removed for good.{' '}
        {item.kind === 'stream'
          ? 'The key, its consumer groups and their pending lists stay (XTRIM MAXLEN 0).'
          : 'An empty list is no key in Redis: it disappears until the next push.'}
      </p>
    ) : (
      <p>
        The key <strong className="mono">{item.name}</strong> and its{' '}
        <strong className="num">
          {formatCount(length)} {unit}
        </strong>{' '}
        will be deleted for good{item.kind === 'stream' ? ', with every consumer group and its pending list' : ''}. Producers that write to it again make a new,
        empty key.
      </p>
    )

  return (
    <Modal
      role="alertdialog"
      title={title}
      onClose={onClose}
      description={description}
      footer={<DangerFooter action={write === 'trim' ? 'Trim' : write === 'purge' ? 'Purge' : 'Delete'} disabled={!ready} onConfirm={run} onCancel={onClose} />}
    >
      <form
        className="field confirm-field"
        onSubmit={(e) => {
          e.preventDefault()
          run()
        }}
      >
        {write === 'trim' ? (
          <>
            <label htmlFor={ids.keep}>Entries to keep (newest)</label>
            <input
              id={ids.keep}
              className="num"
              inputMode="numeric"
              value={keepText}
              aria-invalid={keep === null}
              onChange={(e) => setKeepText(e.target.value)}
            />
          </>
        ) : null}
        <label htmlFor={ids.confirm}>Type the key name to confirm</label>
        <input
          id={ids.confirm}
          className="mono"
          value={typed}
          autoComplete="off"
          spellCheck={false}
          placeholder={item.name}
          onChange={(e) => setTyped(e.target.value)}
        />
      </form>
    </Modal>
  )
}
