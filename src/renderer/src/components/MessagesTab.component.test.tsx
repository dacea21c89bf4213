import { render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { PeekRequest } from '../../../shared/messages'
import { QsError } from '../../../shared/errors'
import type { PeekedMessage, PeekResult } from '../../../shared/messages'
import { profile, QUEUE_BROKER, queue, status } from '../store/test-data'
import { appStore, requestsTo, withFakeApi } from '../test-kit/harness'
import { MessagesTab } from './MessagesTab'

const ORDERS = queue('orders', { messages: 2, ready: 2, queueType: 'quorum' })

function message(id: string, body: string, overrides: Partial<PeekedMessage> = {}): PeekedMessage {
  return {
    id,
    body,
    encoding: 'utf8',
    size: body.length,
    properties: { messageId: `order-${id}` },
    headers: { tenant: 'acme' },
    redelivered: false,
    ...overrides,
  }
}

const PAGE: PeekResult = { messages: [message('1', '{"order":1}'), message('2', 'plain text', { redelivered: true })], warnings: [], next: null }

function seed(description = QUEUE_BROKER): void {
  appStore.setState({ profiles: [profile({ id: 'p1' })], statuses: { p1: status({ connectionId: 'p1', description }) } })
}

describe('MessagesTab (component)', () => {
  it('says what a browse does, browses a page, and opens the message clicked', async () => {
    const { fake, user } = withFakeApi({ messagesPeek: async () => PAGE })
    seed()
    render(<MessagesTab item={ORDERS} connectionId="p1" />)
    // The notice is the connection's description of this source class.
    expect(screen.getByText(QUEUE_BROKER.sources['queue']!.browseNotice!)).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Browse' }))
    const list = await screen.findByRole('list', { name: 'Messages' })
    expect(requestsTo(fake, 'messagesPeek')).toEqual([{ connectionId: 'p1', source: 'queue:orders', count: 50 }])
    expect(screen.getByText('2 messages')).toBeInTheDocument()
    // This source can be replayed from, so its messages can be picked for a replay.
    expect(screen.getByLabelText('Select all messages for replay')).toBeInTheDocument()
    const rows = within(list).getAllByRole('button', { pressed: false })
    expect(rows.map((row) => row.getAttribute('data-message-id'))).toEqual(['1', '2'])
    expect(within(rows[1]!).getByRole('img', { name: 'redelivered' })).toBeInTheDocument()

    await user.click(rows[0]!)
    const detail = await screen.findByRole('region', { name: 'Message 1' })
    expect(within(detail).getByLabelText('Body')).toHaveTextContent('"order": 1')
    expect(detail).toHaveTextContent('tenant')
    expect(detail).toHaveTextContent('order-1')
  })

  it('a refusal it can accept: nothing is read until the user ticks the risk and browses anyway', async () => {
    let accepted = false
    const { fake, user } = withFakeApi({
      messagesPeek: async (request) => {
        if (request.acceptDeliveryLimitRisk) return ((accepted = true), PAGE)
        throw new QsError('UNSUPPORTED', 'orders has a delivery limit of 2: each browse spends one attempt', {
          reason: 'delivery-limit',
          requiresAcceptance: true,
        })
      },
    })
    seed()
    render(<MessagesTab item={ORDERS} connectionId="p1" />)
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('delivery limit of 2')
    const anyway = within(alert).getByRole('button', { name: 'Browse anyway' })
    expect(anyway).toBeDisabled()
    await user.click(within(alert).getByLabelText(/I accept that each browse spends a delivery attempt/))
    await user.click(anyway)
    await waitFor(() => expect(accepted).toBe(true))
    expect(requestsTo(fake, 'messagesPeek')).toEqual([
      { connectionId: 'p1', source: 'queue:orders', count: 50 },
      { connectionId: 'p1', source: 'queue:orders', count: 50, acceptDeliveryLimitRisk: true },
    ])
    expect(await screen.findByRole('list', { name: 'Messages' })).toBeInTheDocument()
  })

  it('offers replay selection only where the connection says the source can be replayed from', async () => {
    const { user } = withFakeApi({ messagesPeek: async () => PAGE })
    seed({ ...QUEUE_BROKER, sources: { ...QUEUE_BROKER.sources, queue: { ...QUEUE_BROKER.sources['queue']!, replayFrom: 'not here' } } })
    render(<MessagesTab item={ORDERS} connectionId="p1" />)
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    await screen.findByRole('list', { name: 'Messages' })
    expect(screen.queryByLabelText('Select all messages for replay')).not.toBeInTheDocument()
  })

  it('browses the page size chosen, and a fresh browse keeps the open message open while it is still on the page', async () => {
    const pages: PeekResult[] = [
      PAGE,
      { messages: [message('1', '{"order":1}'), message('2', 'plain text'), message('3', 'third')], warnings: [], next: null },
      { messages: [message('3', 'third')], warnings: [], next: null },
    ]
    const { fake, user } = withFakeApi({ messagesPeek: async () => pages.shift()! })
    seed()
    render(<MessagesTab item={ORDERS} connectionId="p1" />)
    expect(screen.getByText('Browse shows up to 50 messages without consuming them.')).toBeInTheDocument()
    await user.selectOptions(screen.getByLabelText('Count'), '200')
    expect(screen.getByText('Browse shows up to 200 messages without consuming them.')).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Browse' }))
    const list = await screen.findByRole('list', { name: 'Messages' })
    await user.click(within(list).getByRole('button', { name: /order-2/ }))
    expect(await screen.findByRole('region', { name: 'Message 2' })).toHaveTextContent('plain text')

    // The same message is still on the next page: it stays open, the list grows.
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    await screen.findByText('3 messages')
    expect(screen.getByRole('region', { name: 'Message 2' })).toBeInTheDocument()
    expect(within(screen.getByRole('list', { name: 'Messages' })).getByRole('button', { pressed: true })).toHaveAttribute('data-message-id', '2')

    // Gone from the page (consumed meanwhile): nothing is open any more.
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    await screen.findByText('1 message')
    expect(screen.queryByRole('region', { name: /^Message / })).not.toBeInTheDocument()
    expect(requestsTo(fake, 'messagesPeek')).toEqual(Array(3).fill({ connectionId: 'p1', source: 'queue:orders', count: 200 } satisfies PeekRequest))
  })

  it('moves through the page with the arrow keys, and closes the open message when it is clicked again', async () => {
    const { user } = withFakeApi({ messagesPeek: async () => PAGE })
    seed()
    render(<MessagesTab item={ORDERS} connectionId="p1" />)
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    const list = await screen.findByRole('list', { name: 'Messages' })
    const [first] = within(list).getAllByRole('button')
    await user.click(first!)
    expect(await screen.findByRole('region', { name: 'Message 1' })).toBeInTheDocument()

    await user.keyboard('{ArrowDown}')
    expect(await screen.findByRole('region', { name: 'Message 2' })).toHaveTextContent('plain text')
    expect(within(list).getByRole('button', { pressed: true })).toHaveAttribute('data-message-id', '2')
    await user.keyboard('{ArrowDown}') // the last one stays selected
    expect(within(list).getByRole('button', { pressed: true })).toHaveAttribute('data-message-id', '2')
    await user.keyboard('{ArrowUp}')
    expect(await screen.findByRole('region', { name: 'Message 1' })).toBeInTheDocument()

    await user.click(within(list).getByRole('button', { pressed: true }))
    expect(screen.queryByRole('region', { name: /^Message / })).not.toBeInTheDocument()
    expect(within(list).queryByRole('button', { pressed: true })).not.toBeInTheDocument()
  })

  it('once a browse has said what it did, its warnings replace the notice; an empty page says so', async () => {
    const { user } = withFakeApi({
      messagesPeek: async () => ({ messages: [], warnings: ['3 messages were browsed from a quorum queue: their delivery counts went up'], next: null }),
    })
    seed()
    render(<MessagesTab item={ORDERS} connectionId="p1" />)
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    expect(await screen.findByText('No messages.')).toBeInTheDocument()
    expect(screen.getByRole('list', { name: 'Browse warnings' })).toHaveTextContent('their delivery counts went up')
    expect(screen.queryByText(QUEUE_BROKER.sources['queue']!.browseNotice!)).not.toBeInTheDocument()
    expect(screen.getByText('0 messages')).toBeInTheDocument()
    expect(screen.queryByRole('list', { name: 'Messages' })).not.toBeInTheDocument()
  })

  it('a refusal that cannot be accepted offers no way round it, and the page already shown stays', async () => {
    let calls = 0
    const { fake, user } = withFakeApi({
      messagesPeek: async () => {
        if (++calls === 1) return PAGE
        throw new QsError('READ_ONLY', 'a read-only profile never spends a delivery attempt', { reason: 'delivery-limit', requiresAcceptance: false })
      },
    })
    seed()
    render(<MessagesTab item={ORDERS} connectionId="p1" />)
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    await screen.findByRole('list', { name: 'Messages' })
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('a read-only profile never spends a delivery attempt')
    expect(within(alert).queryByRole('button', { name: 'Browse anyway' })).not.toBeInTheDocument()
    expect(within(alert).queryByRole('checkbox')).not.toBeInTheDocument()
    expect(within(screen.getByRole('list', { name: 'Messages' })).getAllByRole('button')).toHaveLength(2)
    expect(requestsTo(fake, 'messagesPeek')).toHaveLength(2)
  })

  it('a stream queue browses from the position asked for, and a position it cannot read is refused before any call', async () => {
    const AUDIT = queue('audit', { messages: 8, queueType: 'stream' })
    const { fake, user } = withFakeApi({ messagesPeek: async () => ({ messages: [message('6', 'late 1'), message('7', 'late 2')], warnings: [], next: null }) })
    seed()
    render(<MessagesTab item={AUDIT} connectionId="p1" />)
    const from = screen.getByLabelText('From')
    expect(from).toHaveValue('first')
    expect(screen.queryByLabelText('Offset')).not.toBeInTheDocument()

    await user.selectOptions(from, 'offset')
    await user.type(screen.getByLabelText('Offset'), 'six')
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    expect(await screen.findByRole('alert')).toHaveTextContent('the offset must be a whole number')
    expect(requestsTo(fake, 'messagesPeek')).toEqual([])

    await user.clear(screen.getByLabelText('Offset'))
    await user.type(screen.getByLabelText('Offset'), '6')
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    const list = await screen.findByRole('list', { name: 'Messages' })
    expect(
      within(list)
        .getAllByRole('button')
        .map((row) => row.getAttribute('data-message-id')),
    ).toEqual(['6', '7'])
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()

    await user.selectOptions(from, 'first')
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    await waitFor(() => expect(requestsTo(fake, 'messagesPeek')).toHaveLength(2))
    expect(requestsTo(fake, 'messagesPeek')).toEqual([
      { connectionId: 'p1', source: 'queue:audit', count: 50, from: { type: 'offset', value: 6 } },
      { connectionId: 'p1', source: 'queue:audit', count: 50, from: { type: 'first' } },
    ] satisfies PeekRequest[])
  })

  it('picks messages for a replay: only those with a message id, and the selection opens the replay dialog with them', async () => {
    const { user } = withFakeApi({ messagesPeek: async () => ({ ...PAGE, messages: [...PAGE.messages, message('3', 'no id', { properties: {} })] }) })
    seed()
    render(<MessagesTab item={ORDERS} connectionId="p1" />)
    await user.click(screen.getByRole('button', { name: 'Browse' }))
    await screen.findByRole('list', { name: 'Messages' })
    const toolbar = screen.getByRole('toolbar', { name: 'Selected messages' })
    expect(toolbar).toHaveTextContent('Tick messages to replay just those.')
    expect(within(toolbar).getByRole('button', { name: 'Replay selected…' })).toBeDisabled()
    expect(screen.getByLabelText('Message 3 has no message id: it cannot be selected for replay')).toBeDisabled()

    await user.click(screen.getByLabelText('Select order-2 for replay'))
    expect(toolbar).toHaveTextContent('1 selected')
    await user.click(screen.getByLabelText('Select all messages for replay'))
    expect(toolbar).toHaveTextContent('2 selected')
    expect(screen.getByLabelText('Select order-1 for replay')).toBeChecked()
    expect(screen.getByLabelText('Select order-2 for replay')).toBeChecked()

    await user.click(within(toolbar).getByRole('button', { name: 'Replay selected…' }))
    const dialog = appStore.getState().dialog
    expect(dialog).toMatchObject({ kind: 'replay', connectionId: 'p1', source: 'queue:orders' })
    expect([...((dialog as { messageIds: string[] }).messageIds ?? [])].sort()).toEqual(['order-1', 'order-2'])

    await user.click(within(toolbar).getByRole('button', { name: 'Clear selection' }))
    expect(toolbar).toHaveTextContent('Tick messages to replay just those.')
  })
})
