import { useMemo } from 'react'
import uPlot from 'uplot'
import { showLatest, UplotFigure } from './UplotFigure'
import type { SourceSample } from '../../../shared/metrics'
import { useApp } from '../store'
import { formatPercent } from '../format'
import { capacityStats, selectMetricsEntry, selectSeries, trendOf, trendSentence } from '../store/metrics.selectors'
import { maxLengthOf, selectTopologyFor } from '../store/topology.selectors'

const HEIGHT = 240
/** A short history is drawn over at least 2 minutes, so two samples do not fill the width. */
const MIN_SPAN_S = 2 * 60
/** Up to this many samples in view, each is also drawn as a dot: a fresh queue's first minute stays visible. */
const DOTS_UP_TO = 24
const dots: uPlot.Series.Points = { show: (_u, _i, idx0, idx1) => idx1 - idx0 < DOTS_UP_TO, size: 4 }

function toData(samples: readonly SourceSample[]): uPlot.AlignedData {
  return [
    samples.map((s) => s.at / 1000),
    samples.map((s) => s.ready),
    samples.map((s) => s.unacked),
    samples.map((s) => s.consumers),
    samples.map((s) => s.publishRate),
    samples.map((s) => s.ackRate ?? s.deliverRate),
  ]
}

function optionsFor(element: HTMLElement, width: number): uPlot.Options {
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
  const integer = (_u: uPlot, splits: number[]) => splits.map((n) => (Number.isInteger(n) ? n.toLocaleString() : ''))
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: true, range: (_u, min, max) => [Math.min(min, max - MIN_SPAN_S), max] },
      count: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      consumers: { range: (_u, _min, max) => [0, Math.max(2, Math.ceil(max * 1.25))] },
      rate: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    series: [
      {},
      { label: 'Ready', points: dots, scale: 'count', stroke: v('--chart-ready'), width: 1.5, value: (_u, n) => (n === null ? '—' : n.toLocaleString()) },
      { label: 'Unacked', points: dots, scale: 'count', stroke: v('--chart-unacked'), width: 1.5, value: (_u, n) => (n === null ? '—' : n.toLocaleString()) },
      {
        label: 'Consumers',
        points: dots,
        scale: 'consumers',
        stroke: v('--chart-consumers'),
        width: 1.5,
        paths: uPlot.paths.stepped?.({ align: 1 }),
        value: (_u, n) => (n === null ? '—' : String(n)),
      },
      {
        label: 'Publish/s',
        points: dots,
        scale: 'rate',
        stroke: v('--chart-publish'),
        width: 1,
        dash: [4, 3],
        value: (_u, n) => (n === null ? '—' : n.toFixed(1)),
      },
      { label: 'Ack/s', points: dots, scale: 'rate', stroke: v('--chart-ack'), width: 1, dash: [4, 3], value: (_u, n) => (n === null ? '—' : n.toFixed(1)) },
    ],
    axes: [
      // At least 80 px between time ticks, so the date line under them never overlaps itself.
      axis({ space: 80 }),
      axis({ scale: 'count', label: 'messages', labelSize: 16, size: 52, values: integer }),
      axis({ scale: 'rate', side: 1, label: 'msg/s', labelSize: 16, size: 44, grid: { show: false } }),
      axis({ scale: 'consumers', side: 1, label: 'consumers', labelSize: 16, size: 34, grid: { show: false }, values: integer }),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    hooks: {
      // Off the plot, the legend reads the newest sample rather than a row of dashes.
      setCursor: [
        (u) => {
          if (u.cursor.idx === null || u.cursor.idx === undefined) showLatest(u)
        },
      ],
    },
  }
}

/**
 * The Chart tab: ready, unacked and consumers over the last hour, publish and ack rates
 * on their own axis, and the trend in one sentence. uPlot draws on a canvas; it is sized to the
 * panel and destroyed with the tab.
 */
export function MetricsChart({ connectionId, sourceKey }: { connectionId: string; sourceKey: string }) {
  const samples = useApp(selectSeries(connectionId, sourceKey))
  const entry = useApp(selectMetricsEntry(connectionId))
  const topology = useApp(selectTopologyFor(connectionId, sourceKey))
  const maxLength = topology?.details?.kind === 'queue' ? maxLengthOf(topology.details.settings) : null
  const trend = useMemo(() => trendOf(samples, maxLength), [samples, maxLength])
  // Two samples that know ready make a line; before that, the sentence says why there is none.
  const drawable = useMemo(() => samples.filter((s) => s.ready !== null).length >= 2, [samples])
  const capacity = useMemo(() => capacityStats(samples), [samples])

  return (
    <div className="chart-tab">
      <p className={`trend-sentence${trend.trend === 'growing' ? ' trouble' : ''}`} role="status">
        {trendSentence(trend, entry?.note ?? null)}
      </p>
      {/* A share, not a count: beside the chart rather than a fourth axis on it. */}
      <dl className="chart-stats" aria-label="Consumer capacity">
        <div>
          <dt title="share of time the queue could deliver to its consumers at once">Consumer capacity</dt>
          <dd className="num">{capacity.current === null ? 'no data' : formatPercent(capacity.current)}</dd>
        </div>
        <div>
          <dt>Lowest in the last hour</dt>
          <dd className="num">{capacity.lowest === null ? 'no data' : formatPercent(capacity.lowest)}</dd>
        </div>
      </dl>
      {drawable ? (
        <Plot samples={samples} />
      ) : (
        <p className="muted empty-inline">
          {entry?.note ??
            `Queuescope samples this queue every ${Math.round((entry?.intervalMs ?? 5000) / 1000)} s while connected; the chart appears with the second sample that reports the backlog.`}
        </p>
      )}
      {drawable ? (
        <p className="muted empty-inline">
          Last hour, sampled every {Math.round((entry?.intervalMs ?? 5000) / 1000)} s. Solid: counts; dashed: rates (right axis). Gaps are samples the broker
          did not report.
        </p>
      ) : null}
    </div>
  )
}

function Plot({ samples }: { samples: SourceSample[] }) {
  const data = useMemo(() => toData(samples), [samples])
  return <UplotFigure data={data} options={optionsFor} height={HEIGHT} label="Ready, unacked, consumers and rates over the last hour" />
}
