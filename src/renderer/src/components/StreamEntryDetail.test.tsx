// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { appStore } from '../store'
import type { StreamEntryView } from '../store/redis.slice'
import { StreamEntryPane } from './StreamEntryDetail'

const view = (overrides: Partial<StreamEntryView> = {}): StreamEntryView => ({
  id: '1700000000000-3',
  loading: true,
  message: null,
  warnings: [],
  error: null,
  ...overrides,
})

describe('the open stream entry (read whole by id)', () => {
  afterEach(() => {
    cleanup()
    vi.restoreAllMocks()
  })

  it('says it is reading the entry until it is there', () => {
    render(<StreamEntryPane entry={view()} />)
    const pane = screen.getByRole('region', { name: 'Entry 1700000000000-3' })
    expect(pane.getAttribute('aria-busy')).toBe('true')
    expect(screen.getByRole('status').textContent).toBe('Reading entry 1700000000000-3…')
  })

  it('says why it could not be read, and tries again when asked', async () => {
    const retry = vi.spyOn(appStore.getState(), 'openStreamEntry').mockResolvedValue()
    render(<StreamEntryPane entry={view({ loading: false, error: { code: 'NOT_FOUND', message: 'entry 1700000000000-3 is no longer in stream "s"' } })} />)
    expect(screen.getByRole('alert').textContent).toContain('is no longer in stream "s"')
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(retry).toHaveBeenCalledWith('1700000000000-3')
  })

  it('shows the entry’s fields with JSON formatted, its properties, and what was cut for display', () => {
    const message = {
      id: '1700000000000-3',
      body: '{"order":3}',
      encoding: 'utf8' as const,
      size: 11,
      properties: { contentType: 'application/json' },
      headers: { status: 'paid', attempt: 2 },
      redelivered: false,
    }
    render(<StreamEntryPane entry={view({ loading: false, message, warnings: ['1 header value is cut for display (over 64 KiB characters)'] })} />)
    const fields = screen.getByRole('table', { name: 'Fields' })
    expect(fields.textContent).toContain('"order": 3')
    expect(fields.textContent).toContain('paid')
    expect(screen.getByRole('table', { name: 'Properties' }).textContent).toContain('application/json')
    expect(screen.getByRole('list', { name: 'Browse warnings' }).textContent).toContain('header value is cut')
  })
})
