import { render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { PublishRequest } from '../../../shared/publish'
import { queue } from '../store/test-data'
import { requestsTo, withFakeApi } from '../test-kit/harness'
import { PublishTab } from './PublishTab'

const ORDERS = queue('orders', { messages: 4, ready: 4 })

/** The body editor loads lazily (CodeMirror); it is ready once its content area is there. */
async function bodyEditor(): Promise<HTMLElement> {
  const form = screen.getByRole('form', { name: 'Publish to queue:orders' })
  return waitFor(() => {
    const editor = form.querySelector<HTMLElement>('.cm-content')
    if (!editor) throw new Error('the body editor has not loaded yet')
    return editor
  })
}

describe('PublishTab (component)', () => {
  it('publishes the draft as typed: body, headers and properties go to messages:publish, and the result line says where it went', async () => {
    const { fake, user } = withFakeApi({ messagesPublish: async () => ({ routed: true }) })
    render(<PublishTab item={ORDERS} connectionId="p1" readOnly={false} />)
    const form = screen.getByRole('form', { name: 'Publish to queue:orders' })
    expect(form).toHaveTextContent('To queue:orders (through the default exchange)')

    await user.click(await bodyEditor())
    await user.keyboard('{{"order": 7}')
    await waitFor(() => expect(within(form).getByText('Valid JSON')).toBeTruthy())
    await user.click(within(form).getByRole('button', { name: /Add header/ }))
    await user.type(within(form).getByLabelText('Header name'), 'tenant')
    await user.type(within(form).getByLabelText('Header value'), 'acme')
    await user.type(within(form).getByLabelText('Message id'), 'order-7')
    await user.selectOptions(within(form).getByLabelText('Delivery mode'), 'transient (1)')
    expect(within(form).getByRole('status')).toHaveTextContent('')

    await user.click(within(form).getByRole('button', { name: 'Publish' }))
    await waitFor(() => expect(within(form).getByRole('status')).toHaveTextContent('Routed'))
    expect(requestsTo(fake, 'messagesPublish')).toEqual([
      {
        connectionId: 'p1',
        target: 'queue:orders',
        body: '{"order": 7}',
        encoding: 'utf8',
        headers: { tenant: 'acme' },
        properties: { deliveryMode: 1, contentType: 'application/json', messageId: 'order-7' },
      } satisfies PublishRequest,
    ])
    // What was sent is offered again as a template.
    expect(within(form).getByLabelText('Recent')).toHaveTextContent('queue:orders · {"order": 7}')
  })

  it('says when the broker could not route the message', async () => {
    const { user } = withFakeApi({ messagesPublish: async () => ({ routed: false, reason: 'NO_ROUTE: no queue is bound for "nowhere"' }) })
    const exchange = { ...ORDERS, kind: 'exchange' as const, name: 'events', exchangeType: 'topic' } as never
    render(<PublishTab item={exchange} connectionId="p1" readOnly={false} />)
    const form = screen.getByRole('form', { name: 'Publish to exchange:events' })
    await user.type(within(form).getByLabelText('Routing key'), 'nowhere')
    await user.click(within(form).getByRole('button', { name: 'Publish' }))
    await waitFor(() => expect(within(form).getByRole('status')).toHaveTextContent('Unroutable: NO_ROUTE: no queue is bound for "nowhere"'))
  })

  it('on a read-only profile: says so, and neither the button nor Enter publishes', async () => {
    const { fake, user } = withFakeApi({ messagesPublish: async () => ({ routed: true }) })
    render(<PublishTab item={ORDERS} connectionId="p1" readOnly />)
    const form = screen.getByRole('form', { name: 'Publish to queue:orders' })
    expect(within(form).getByText('Read-only profile: publishing is not allowed.')).toBeTruthy()
    expect(within(form).getByRole('button', { name: 'Publish' })).toBeDisabled()
    await user.type(within(form).getByLabelText('Message id'), 'order-8{Enter}')
    expect(requestsTo(fake, 'messagesPublish')).toEqual([])
  })
})
