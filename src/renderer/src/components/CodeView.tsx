import { useEffect, useEffectEvent, useRef } from 'react'
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands'
import { json, jsonParseLinter } from '@codemirror/lang-json'
import { bracketMatching, codeFolding, foldGutter, foldKeymap, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language'
import { linter, lintGutter } from '@codemirror/lint'
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state'
import { drawSelection, EditorView, keymap } from '@codemirror/view'
import { classHighlighter, tags as t } from '@lezer/highlight'

/**
 * CodeMirror 6 for message bodies: a read-only viewer (MessageDetail) and the publish editor
 * (PublishTab). Loaded with React.lazy, so CodeMirror stays out of the main bundle.
 *
 * Each component creates its EditorView once and feeds later changes in as transactions: a
 * several-MB body is parsed and drawn incrementally (CodeMirror renders only the viewport), and
 * re-rendering the React tree never rebuilds the editor.
 */

/**
 * Token colours are CSS variables (the --code-* tokens in styles/theme.css) so they follow the app's
 * light and dark themes. classHighlighter adds stable `tok-*` classes beside the generated ones,
 * for tests and anyone styling the view.
 */
const jsonHighlight = HighlightStyle.define([
  { tag: t.propertyName, color: 'var(--code-key)' },
  { tag: t.string, color: 'var(--code-string)' },
  { tag: t.number, color: 'var(--code-number)' },
  { tag: [t.bool, t.null], color: 'var(--code-atom)' },
  { tag: [t.separator, t.brace, t.squareBracket], color: 'var(--code-punct)' },
  { tag: t.invalid, color: 'var(--trouble)' },
])

const theme = EditorView.theme({
  '&': {
    border: '1px solid var(--border)',
    borderRadius: '4px',
    background: 'var(--bg-header)',
    color: 'var(--text)',
  },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-1px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', fontSize: '12px', lineHeight: '1.5', overflow: 'auto' },
  '.cm-content': { padding: '6px 0', caretColor: 'var(--text)' },
  '.cm-line': { padding: '0 10px 0 2px' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
    background: 'var(--bg-selected)',
  },
  '.cm-gutters': { background: 'transparent', border: 'none', color: 'var(--text-muted)' },
  '.cm-foldGutter .cm-gutterElement': { padding: '0 2px 0 6px', cursor: 'pointer' },
  '.cm-foldGutter .cm-gutterElement:hover': { color: 'var(--text)' },
  '.cm-foldPlaceholder': { background: 'var(--badge-bg)', border: 'none', color: 'var(--badge-text)', padding: '0 4px', margin: '0 2px' },
  '.cm-matchingBracket, &.cm-focused .cm-matchingBracket': { background: 'var(--bg-selected)', outline: 'none' },
  '.cm-tooltip': { background: 'var(--bg-elev)', border: '1px solid var(--border-strong)', color: 'var(--text)', boxShadow: 'var(--shadow)' },
  '.cm-diagnostic': { fontFamily: 'var(--font)', fontSize: 'var(--fs-small)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--trouble)' },
})

const jsonSupport: Extension = [json(), syntaxHighlighting(jsonHighlight), syntaxHighlighting(classHighlighter)]

/** Folding for pretty JSON: a gutter with ⌄ / › markers and Ctrl-Shift-[ / ] (foldKeymap). */
const folding: Extension = [codeFolding({ placeholderText: '…' }), foldGutter({ openText: '⌄', closedText: '›' })]

/** Wrapping makes CodeMirror draw a whole line; past this length, scroll sideways instead so it can draw only what shows. */
const WRAP_LINE_LIMIT = 10_000

function hasLongLine(text: string): boolean {
  let start = 0
  while (start < text.length) {
    const end = text.indexOf('\n', start)
    const stop = end === -1 ? text.length : end
    if (stop - start > WRAP_LINE_LIMIT) return true
    start = stop + 1
  }
  return false
}

function replaceDoc(view: EditorView, text: string) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 }, effects: EditorView.scrollIntoView(0) })
}

export interface BodyViewerProps {
  text: string
  /** Highlight and fold as JSON (the Pretty view of a JSON body). */
  json: boolean
  /** The accessible name of the focusable content ("Body"). */
  label: string
  className?: string
}

/** The read-only body viewer: focusable (keyboard selection and folding work), not editable. */
export function BodyViewer({ text, json: isJson, label, className }: BodyViewerProps) {
  const host = useRef<HTMLDivElement>(null)
  const viewRef = useRef<EditorView | null>(null)
  const compartments = useRef<{ language: Compartment; wrap: Compartment; attrs: Compartment } | null>(null)
  const shown = useRef<string | null>(null)

  useEffect(() => {
    const language = new Compartment()
    const wrap = new Compartment()
    const attrs = new Compartment()
    compartments.current = { language, wrap, attrs }
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        extensions: [
          EditorState.readOnly.of(true),
          drawSelection(),
          keymap.of([...foldKeymap, ...defaultKeymap]),
          theme,
          language.of([]),
          wrap.of([]),
          attrs.of([]),
        ],
      }),
    })
    viewRef.current = view
    return () => {
      view.destroy()
      viewRef.current = null
      shown.current = null
    }
  }, [])

  useEffect(() => {
    const view = viewRef.current
    const c = compartments.current
    if (view === null || c === null) return
    view.dispatch({
      effects: [
        c.language.reconfigure(isJson ? [jsonSupport, folding] : []),
        c.wrap.reconfigure(hasLongLine(text) ? [] : EditorView.lineWrapping),
        c.attrs.reconfigure(EditorView.contentAttributes.of({ 'aria-label': label, 'aria-readonly': 'true' })),
      ],
    })
    if (shown.current !== text) {
      replaceDoc(view, text)
      shown.current = text
    }
  }, [text, isJson, label])

  return <div ref={host} className={`code-view code-viewer${className ? ` ${className}` : ''}`} />
}

export interface BodyEditorProps {
  value: string
  onChange(value: string): void
  /** JSON highlighting, folding and a JSON.parse lint shown inline. */
  json: boolean
  /** Ids of the visible label and of the hint under the editor. */
  labelledBy: string
  describedBy?: string
  invalid?: boolean
  /** Ctrl/Cmd+Enter. */
  onSubmit?(): void
}

const parseJson = jsonParseLinter()

/**
 * JSON.parse's error, underlined under the offending character (jsonParseLinter reports an empty
 * range, which shows as a hard-to-see point). An empty body is not a mistake: the hint under the
 * editor says nothing either.
 */
const jsonLint = linter(
  (view) => {
    const text = view.state.doc.toString()
    if (text.trim() === '') return []
    // "Unexpected end of JSON input" carries no position (jsonParseLinter then says 0): mark the last character.
    const last = Math.max(0, text.trimEnd().length - 1)
    return parseJson(view).map((d) => {
      const from = /end of/i.test(d.message) || d.from >= text.length ? last : d.from
      return { ...d, from, to: Math.min(text.length, from + 1) }
    })
  },
  { delay: 300 },
)
const jsonEditing: Extension = [jsonSupport, folding, jsonLint, lintGutter()]

/** Marks a change that came in through `value`, so it is not echoed back through onChange. */
const fromProps = Annotation.define<boolean>()

/** The editable publish body: a controlled component over one EditorView. */
export function BodyEditor({ value, onChange, json: isJson, labelledBy, describedBy, invalid, onSubmit }: BodyEditorProps) {
  const host = useRef<HTMLDivElement>(null)
  const viewRef = useRef<EditorView | null>(null)
  const compartments = useRef<{ language: Compartment; attrs: Compartment } | null>(null)
  const changed = useEffectEvent((text: string) => onChange(text))
  const submit = useEffectEvent(() => {
    if (onSubmit === undefined) return false
    onSubmit()
    return true
  })

  useEffect(() => {
    const language = new Compartment()
    const attrs = new Compartment()
    compartments.current = { language, attrs }
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        extensions: [
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          // Tab is left to the browser, so the keyboard can leave the editor (no indentWithTab).
          keymap.of([{ key: 'Mod-Enter', run: () => submit(), preventDefault: true }, ...foldKeymap, ...historyKeymap, ...defaultKeymap]),
          EditorView.lineWrapping,
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !update.transactions.some((tr) => tr.annotation(fromProps))) changed(update.state.doc.toString())
          }),
          theme,
          language.of([]),
          attrs.of([]),
        ],
      }),
    })
    viewRef.current = view
    return () => {
      view.destroy()
      viewRef.current = null
    }
  }, [])

  useEffect(() => {
    const view = viewRef.current
    const c = compartments.current
    if (view === null || c === null) return
    const attributes: Record<string, string> = { 'aria-labelledby': labelledBy }
    if (describedBy !== undefined) attributes['aria-describedby'] = describedBy
    if (invalid !== undefined) attributes['aria-invalid'] = String(invalid)
    view.dispatch({
      effects: [c.language.reconfigure(isJson ? jsonEditing : []), c.attrs.reconfigure(EditorView.contentAttributes.of(attributes))],
    })
  }, [isJson, labelledBy, describedBy, invalid])

  // A body set from outside (a recent publish used as a template) replaces the document.
  useEffect(() => {
    const view = viewRef.current
    if (view !== null && view.state.doc.toString() !== value)
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value }, annotations: fromProps.of(true) })
  }, [value])

  return <div ref={host} className={`code-view code-editor${invalid ? ' invalid' : ''}`} />
}
