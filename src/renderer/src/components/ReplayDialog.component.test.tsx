import { render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { ReplayReport } from '../../../shared/replay'
import { KEY_BROKER, profile, QUEUE_BROKER, queue, status } from '../store/test-data'
import { appStore, requestsTo, withFakeApi } from '../test-kit/harness'
import { ReplayDialog } from './ReplayDialog'

const DLQ = queue('orders.dlq', { messages: 3, ready: 3 })

function report(overrides: Partial<ReplayReport> = {}): ReplayReport {
  return {
    id: 'r',
    mode: 'move',
    dryRun: true,
    source: 'queue:orders.dlq',
    target: 'queue:orders',
    total: 3,
    scanned: 3,
    published: 3,
    acknowledged: 0,
    failed: 0,
    skipped: 0,
    left: 0,
    duplicates: 0,
    cancelled: false,
    startedAt: 0,
    endedAt: 1,
    preview: [],
    failures: [],
    ...overrides,
  } as ReplayReport
}

/** A RabbitMQ-like connection p1 holding the DLQ, and a Redis-like connection r1, both open and described. */
function seed(): void {
  appStore.setState({
    profiles: [profile({ id: 'p1', name: 'Rabbit' }), profile({ id: 'r1', name: 'Cache', broker: 'redis', url: 'redis://h:6379/0' })],
    statuses: { p1: status({ connectionId: 'p1', description: QUEUE_BROKER }), r1: status({ connectionId: 'r1', description: KEY_BROKER }) },
  })
  appStore.setState(
    (s) =>
      ({
        sources: { ...s.sources, p1: { ...(s.sources['p1'] ?? {}), listing: { broker: 'rabbitmq', items: [DLQ], warnings: [], scope: '/', listedAt: 0 } } },
      }) as never,
  )
}

describe('ReplayDialog (component)', () => {
  it('offers the targets the connection describes; a dry run sends what the form says; a move needs the name typed', async () => {
    const { fake, user } = withFakeApi({ replayStart: async (request) => report({ dryRun: request.dryRun, mode: request.mode }) })
    seed()
    render(<ReplayDialog connectionId="p1" source="queue:orders.dlq" messageIds={null} onClose={() => undefined} />)
    const dialog = screen.getByRole('dialog', { name: 'Replay messages' })
    const targets = within(dialog).getByRole('group', { name: 'Target' })
    expect(
      within(targets)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Back to origin (x-death)', 'Queue', 'Exchange'])
    expect(within(targets).getByRole('button', { name: 'Back to origin (x-death)' })).toHaveAttribute('aria-pressed', 'true')
    expect(dialog).toHaveTextContent(QUEUE_BROKER.origin!.hint)

    await user.click(within(targets).getByRole('button', { name: 'Queue' }))
    await user.type(within(dialog).getByLabelText('Target queue'), 'orders')
    await user.click(within(dialog).getByRole('button', { name: 'Preview (dry run)' }))
    await waitFor(() => expect(requestsTo(fake, 'replayStart')).toHaveLength(1))
    expect(requestsTo(fake, 'replayStart')[0]).toMatchObject({
      connectionId: 'p1',
      source: 'queue:orders.dlq',
      to: { connectionId: 'p1', target: 'queue:orders' },
      mode: 'move',
      dryRun: true,
    })

    const move = await within(dialog).findByRole('button', { name: 'Move 3' })
    expect(move).toBeDisabled()
    await user.type(within(dialog).getByLabelText('Type the queue name to confirm'), 'orders.dl')
    expect(move).toBeDisabled()
    await user.type(within(dialog).getByLabelText('Type the queue name to confirm'), 'q')
    expect(move).toBeEnabled()
    await user.click(move)
    await waitFor(() => expect(requestsTo(fake, 'replayStart')).toHaveLength(2))
    expect(requestsTo(fake, 'replayStart')[1]).toMatchObject({ dryRun: false, confirm: 'orders.dlq', to: { target: 'queue:orders' } })
  })

  it('another connection brings its own targets, keeping the kind where it has it', async () => {
    const { user } = withFakeApi({})
    seed()
    render(<ReplayDialog connectionId="p1" source="queue:orders.dlq" messageIds={null} onClose={() => undefined} />)
    const dialog = screen.getByRole('dialog', { name: 'Replay messages' })
    await user.selectOptions(within(dialog).getByLabelText('Target connection'), 'r1')
    const targets = within(dialog).getByRole('group', { name: 'Target' })
    expect(
      within(targets)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Back to origin (qs-origin)', 'Stream', 'List', 'Channel'])
    expect(within(targets).getByRole('button', { name: 'Back to origin (qs-origin)' })).toHaveAttribute('aria-pressed', 'true')
  })
})
