import type { BullmqCounts } from '../../../shared/bullmq'
import { formatCount } from '../format'
import { bullmqSummary, countsSentence } from '../store/bullmq.selectors'

/** The overview's summary of a BullMQ queue: "2 active · 1 delayed · 5 failed", failed in the trouble colour. */
export function BullmqCountsCell({ counts }: { counts: BullmqCounts }) {
  const parts = bullmqSummary(counts)
  return (
    <div role="cell" className="td bullmq-counts" title={countsSentence(counts)}>
      {parts.length === 0
        ? 'idle'
        : parts.map((part, i) => (
            <span key={part.state} className={part.trouble ? 'trouble' : undefined}>
              {i > 0 ? ' · ' : ''}
              {formatCount(part.count)} {part.state}
            </span>
          ))}
    </div>
  )
}
