import { FILTER_OPS, type ReplayFilter } from '../../../shared/replay'
import { describeDraftFilter, filterProblem } from '../store/replay.selectors'

const FIELD_LABELS: Record<ReplayFilter['field'], string> = { header: 'header', property: 'property', body: 'body', xDeathReason: 'x-death reason' }
const NAME_PLACEHOLDERS: Record<ReplayFilter['field'], string> = {
  header: 'tenant',
  property: 'messageId',
  body: 'JSON path, empty: whole body',
  xDeathReason: '',
}
export function FilterRow({
  index,
  filter,
  onChange,
  onRemove,
}: {
  index: number
  filter: ReplayFilter
  onChange: (patch: Partial<ReplayFilter>) => void
  onRemove: () => void
}) {
  const n = index + 1
  const problem = filterProblem(filter)
  return (
    <div className="replay-filter">
      <div className="replay-filter-row">
        <select aria-label={`Filter ${n} field`} value={filter.field} onChange={(e) => onChange({ field: e.target.value as ReplayFilter['field'] })}>
          {(Object.keys(FIELD_LABELS) as ReplayFilter['field'][]).map((field) => (
            <option key={field} value={field}>
              {FIELD_LABELS[field]}
            </option>
          ))}
        </select>
        {/* x-death reason has no name, exists has no value: the other field takes the room. */}
        {filter.field === 'xDeathReason' ? null : (
          <input
            className="mono replay-filter-name"
            aria-label={`Filter ${n} name`}
            value={filter.name}
            placeholder={NAME_PLACEHOLDERS[filter.field]}
            spellCheck={false}
            onChange={(e) => onChange({ name: e.target.value })}
          />
        )}
        <select aria-label={`Filter ${n} operator`} value={filter.op} onChange={(e) => onChange({ op: e.target.value as ReplayFilter['op'] })}>
          {FILTER_OPS.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
        {filter.op === 'exists' ? null : (
          <input
            className="mono replay-filter-value"
            aria-label={`Filter ${n} value`}
            value={filter.value}
            spellCheck={false}
            placeholder={filter.field === 'xDeathReason' ? 'rejected, expired, maxlen, delivery_limit' : filter.op === 'regex' ? 'regular expression' : 'value'}
            aria-invalid={problem !== null && filter.op === 'regex'}
            onChange={(e) => onChange({ value: e.target.value })}
          />
        )}
        <button type="button" className="icon-btn" aria-label={`Remove filter ${n}`} title="Remove this filter" onClick={onRemove}>
          ×
        </button>
      </div>
      <p className={`hint replay-filter-words${problem === null ? '' : ' trouble-text'}`}>{problem === null ? describeDraftFilter(filter) : problem}</p>
    </div>
  )
}
