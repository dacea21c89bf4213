import type { CSSProperties, KeyboardEvent, RefObject } from 'react'
import type { Virtualizer } from '@tanstack/react-virtual'

/**
 * Up / Down move the selection through a virtualised message list, scrolling the row into view
 * and focusing it once React has painted it (it may only now be rendered).
 */
export function arrowKeySelection(
  rows: readonly { id: string }[],
  selectedId: string | null,
  select: (id: string) => void,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  scrollRef: RefObject<HTMLDivElement | null>,
): (event: KeyboardEvent) => void {
  return (event) => {
    const selectedIndex = selectedId === null ? -1 : rows.findIndex((m) => m.id === selectedId)
    let next: number | null = null
    if (event.key === 'ArrowDown') next = Math.min(rows.length - 1, selectedIndex + 1)
    else if (event.key === 'ArrowUp') next = Math.max(0, selectedIndex - 1)
    if (next === null) return
    const row = rows[next]
    if (!row) return
    event.preventDefault()
    select(row.id)
    virtualizer.scrollToIndex(next)
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(row.id)}"]`)?.focus())
  }
}

/** Positions are short, Redis stream ids ("1795727698123-0") are not: the id column fits the longest. */
export function idColumnStyle(rows: readonly { id: string }[]): CSSProperties {
  const idChars = rows.reduce((max, m) => Math.max(max, m.id.length), 1)
  return { '--id-col': `${Math.min(180, Math.max(40, idChars * 7.2 + 10))}px` } as CSSProperties
}
