import { useEffect, useRef, useSyncExternalStore } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

const darkQuery = typeof window === 'undefined' ? null : window.matchMedia('(prefers-color-scheme: dark)')
function subscribeScheme(onChange: () => void): () => void {
  darkQuery?.addEventListener('change', onChange)
  return () => darkQuery?.removeEventListener('change', onChange)
}
/** 'dark' | 'light' from the OS, re-rendering when it changes (the theme is CSS variables switched by the same query). */
export function useColorScheme(): 'dark' | 'light' {
  return useSyncExternalStore(subscribeScheme, () => (darkQuery?.matches ? 'dark' : 'light'))
}

/** The legend shows the newest sample while the mouse is off the plot. */
export function showLatest(plot: uPlot): void {
  const count = plot.data[0].length
  if (count > 0) plot.setLegend({ idx: count - 1 }, false)
}

/**
 * One uPlot chart that follows its container's width. New data is set in place (the cursor stays
 * where the user put it); the plot is rebuilt only when the OS theme flips (uPlot takes its colours
 * once) or `rebuildKey` changes (e.g. another set of series).
 */
export function UplotFigure({
  data,
  options,
  height,
  rebuildKey = '',
  label,
}: {
  data: uPlot.AlignedData
  options: (container: HTMLElement, width: number) => uPlot.Options
  height: number
  rebuildKey?: string
  label: string
}) {
  const containerRef = useRef<HTMLElement>(null)
  const plotRef = useRef<uPlot | null>(null)
  const dataRef = useRef(data)
  const optionsRef = useRef(options)
  const scheme = useColorScheme()

  // Before the rebuild below (effects run in order): a rebuild uses the latest options.
  useEffect(() => {
    optionsRef.current = options
  }, [options])

  useEffect(() => {
    dataRef.current = data
    const plot = plotRef.current
    if (!plot) return
    plot.setData(data)
    if (plot.cursor.idx === null || plot.cursor.idx === undefined) showLatest(plot)
  }, [data])

  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    const plot = new uPlot(optionsRef.current(container, Math.max(200, container.clientWidth)), dataRef.current, container)
    plotRef.current = plot
    showLatest(plot)
    let frame = 0
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => plot.setSize({ width: Math.max(200, container.clientWidth), height }))
    })
    observer.observe(container)
    return () => {
      cancelAnimationFrame(frame)
      observer.disconnect()
      plot.destroy()
      plotRef.current = null
    }
  }, [scheme, rebuildKey, height])

  return <figure className="chart-plot" ref={containerRef} aria-label={label} />
}
