/**
 * The `component` suite's setup: the real store and components, with `getApi()` answering from the
 * test's fake API (current-api.ts), and what jsdom lacks for them (layout is all zeros there).
 */
import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach, vi } from 'vitest'
import { currentApi, setCurrentApi } from './current-api'

vi.mock('../ipc/client', () => ({ getApi: () => currentApi() }))

afterEach(() => {
  cleanup()
  setCurrentApi(null)
})

// Dialogs bring their answer into view; jsdom does not scroll.
Element.prototype.scrollIntoView ??= function scrollIntoView() {}

// The virtualised lists (TanStack Virtual) read their viewport's size: give every element a
// window-sized box so a list renders its rows as it would on screen.
Object.defineProperties(HTMLElement.prototype, {
  clientHeight: { configurable: true, get: () => 600 },
  clientWidth: { configurable: true, get: () => 1000 },
})

// CodeMirror measures text through ranges, which jsdom lays out as nothing.
const emptyRects = (): DOMRectList => Object.assign([], { item: () => null }) as unknown as DOMRectList
Range.prototype.getClientRects ??= emptyRects
Range.prototype.getBoundingClientRect ??= () => new DOMRect(0, 0, 0, 0)

// uPlot (the charts) reads the device pixel ratio through matchMedia when it loads.
window.matchMedia ??= (query: string): MediaQueryList =>
  ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }) as MediaQueryList
