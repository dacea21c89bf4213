import { render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
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
})
