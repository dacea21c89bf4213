import { memo, useMemo } from 'react'
import type { SourceSample } from '../../../shared/metrics'
import { formatCount } from '../format'
import { sparklineLabel, sparklineOf } from '../store/metrics.selectors'

const WIDTH = 72
const HEIGHT = 16

/** Ready over the last 15 minutes as a line; named for screen readers ("ready over the last 15 minutes: 230 → 250"). */
export const Sparkline = memo(function Sparkline({ samples, trouble }: { samples: readonly SourceSample[]; trouble: boolean }) {
  const line = useMemo(() => sparklineOf(samples, WIDTH, HEIGHT), [samples])
  const label = sparklineLabel(line, (n) => formatCount(n))
  if (line === null) {
    return (
      <span className="muted no-data" title={label}>
        no data
      </span>
    )
  }
  return (
    <svg
      className={`sparkline${trouble ? ' trouble' : ''}`}
      role="img"
      aria-label={label}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      focusable="false"
    >
      <title>{label}</title>
      <path d={line.path} fill="none" stroke="currentColor" strokeWidth="1.25" strokeLinejoin="round" strokeLinecap="round" vectorEffect="non-scaling-stroke" />
    </svg>
  )
})
