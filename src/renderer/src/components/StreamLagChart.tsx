import { useCallback, useMemo } from 'react'
import uPlot from 'uplot'
import { showLatest, UplotFigure } from './UplotFigure'
import type { SourceSample } from '../../../shared/metrics'
import type { StreamSource } from '../../../shared/model'
import { streamGroupSeriesKey } from '../../../shared/streams'
import { useApp } from '../store'
import { selectMetricsEntry, selectSeriesMap } from '../store/metrics.selectors'
import { lagSentence, lagTrendOf } from '../store/redis.selectors'

const HEIGHT = 220
const MIN_SPAN_S = 2 * 60
/** Groups take the chart palette in turn. */
const COLORS = ['--chart-ready', '--chart-unacked', '--chart-consumers', '--chart-publish', '--chart-ack']

interface GroupSeries {
  name: string
  samples: SourceSample[]
}

/** One x axis for every group: uPlot.join lines up samples taken at different instants. */
function toData(groups: readonly GroupSeries[]): uPlot.AlignedData {
  if (groups.length === 0) return [[]]
  const tables = groups.map((g): uPlot.AlignedData => [g.samples.map((s) => s.at / 1000), g.samples.map((s) => s.lag ?? null)])
  return uPlot.join(tables)
}

function optionsFor(element: HTMLElement, width: number, names: readonly string[]): uPlot.Options {
  const css = getComputedStyle(element)
  const v = (name: string) => css.getPropertyValue(name).trim()
  const text = v('--text-muted')
  const grid = v('--border')
  const font = `11px ${v('--font') || 'sans-serif'}`
  const axis = (extra: Partial<uPlot.Axis>): uPlot.Axis => ({
    stroke: text,
    font,
    labelFont: font,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    ...extra,
  })
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: true, range: (_u, min, max) => [Math.min(min, max - MIN_SPAN_S), max] },
      lag: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    series: [
      {},
      ...names.map((name, i) => ({
        label: name,
        scale: 'lag',
        stroke: v(COLORS[i % COLORS.length]!),
        width: 1.5,
        points: { show: (_u: uPlot, _s: number, i0: number, i1: number) => i1 - i0 < 24, size: 4 },
        // Unknown lag is a gap in the line, never a drop to 0.
        value: (_u: uPlot, n: number | null) => (n === null ? 'unknown' : n.toLocaleString()),
      })),
    ],
    // x: at least 80 px between ticks, so the date line under them never overlaps itself.
    axes: [
      axis({ space: 80 }),
      axis({
        scale: 'lag',
        label: 'lag (entries)',
        labelSize: 16,
        size: 56,
        values: (_u, splits) => splits.map((n) => (Number.isInteger(n) ? n.toLocaleString() : '')),
      }),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    hooks: {
      // Off the plot, the legend reads the newest sample rather than a row of blanks.
      setCursor: [
        (u) => {
          if (u.cursor.idx === null || u.cursor.idx === undefined) showLatest(u)
        },
      ],
    },
  }
}

/**
 * The Chart tab of a Redis stream: each consumer group's lag over the last hour (the core samples
 * it under streamGroupSeriesKey), with one sentence per group in the words the RabbitMQ chart uses.
 */
export function StreamLagChart({ stream, connectionId }: { stream: StreamSource; connectionId: string }) {
  const seriesMap = useApp(selectSeriesMap(connectionId))
  const entry = useApp(selectMetricsEntry(connectionId))
  const groups = useMemo(
    () => stream.groups.map((g) => ({ name: g.name, samples: seriesMap[streamGroupSeriesKey(stream.name, g.name)] ?? [] })),
    [stream.name, stream.groups, seriesMap],
  )
  const sentences = useMemo(() => groups.map((g) => ({ name: g.name, report: lagTrendOf(g.samples), latest: g.samples.at(-1)?.lag })), [groups])
  const interval = Math.round((entry?.intervalMs ?? 5000) / 1000)
  const drawable = groups.some((g) => g.samples.filter((s) => s.lag !== null && s.lag !== undefined).length >= 2)

  if (stream.groups.length === 0) {
    return <p className="muted empty-inline">No consumer groups: lag is measured per group. Create one with XGROUP CREATE.</p>
  }
  return (
    <div className="chart-tab">
      <ul className="lag-sentences" aria-label="Lag trend per group">
        {sentences.map(({ name, report, latest }) => (
          <li key={name} className={report.trend === 'growing' || latest === null ? 'trouble' : undefined}>
            {lagSentence(name, report, latest)}
          </li>
        ))}
      </ul>
      {drawable ? (
        <Plot groups={groups} />
      ) : (
        <p className="muted empty-inline">
          {entry?.note ?? `Queuescope samples each group's lag every ${interval} s while connected; the chart appears with the second sample.`}
        </p>
      )}
      {drawable ? <p className="muted empty-inline">Last hour, sampled every {interval} s. Gaps are samples where Redis could not know the lag.</p> : null}
    </div>
  )
}

function Plot({ groups }: { groups: GroupSeries[] }) {
  const data = useMemo(() => toData(groups), [groups])
  const names = groups.map((g) => g.name).join('\n')
  const options = useCallback((container: HTMLElement, width: number) => optionsFor(container, width, names.split('\n')), [names])
  return <UplotFigure data={data} options={options} height={HEIGHT} rebuildKey={names} label="Lag per consumer group over the last hour" />
}
