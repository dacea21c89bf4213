import { useEffect, useId, useRef } from 'react'

interface ModalProps {
  title: string
  onClose: () => void
  role?: 'dialog' | 'alertdialog'
  /** Extra text that describes the dialog (read out after the title). */
  description?: React.ReactNode
  children: React.ReactNode
  footer: React.ReactNode
  wide?: boolean
}

const FOCUSABLE = 'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog named by its title. Esc closes it, focus starts at the first field, stays
 * inside while it is open, and goes back where it was when it closes.
 */
export function Modal({ title, onClose, role = 'dialog', description, children, footer, wide }: ModalProps) {
  const titleId = useId()
  const descriptionId = useId()
  const ref = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const previous = document.activeElement
    ref.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus()
    return () => {
      if (previous instanceof HTMLElement) previous.focus()
    }
  }, [])

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      onClose()
      return
    }
    if (event.key !== 'Tab' || !ref.current) return
    const focusable = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
    const first = focusable[0]
    const last = focusable[focusable.length - 1]
    if (!first || !last) return
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className={`modal${wide ? ' modal-wide' : ''}`}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        onKeyDown={onKeyDown}
      >
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
        </header>
        <div className="modal-body">
          {description ? (
            <div id={descriptionId} className="modal-description">
              {description}
            </div>
          ) : null}
          {children}
        </div>
        <footer className="modal-footer">{footer}</footer>
      </div>
    </div>
  )
}
