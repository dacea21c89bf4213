import { render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { SourceItem } from '../../../shared/model'
import type { SourcesListing } from '../store/sources.slice'
import { profile, queue, status } from '../store/test-data'
import { appStore, withFakeApi } from '../test-kit/harness'
import { Overview } from './Overview'
import { TopBar } from './TopBar'

const ITEMS: SourceItem[] = [
  queue('orders', { messages: 7, ready: 7, consumers: 2 }),
  queue('audit', { messages: 3, ready: 3, queueType: 'quorum' }),
  queue('billing.dlq', { messages: 12, ready: 12, unacked: 0 }),
  queue('payments', { messages: 0, ready: 0, consumers: 1 }),
  { kind: 'exchange', name: 'amq.direct', exchangeType: 'direct', durable: true, internal: false, messages: null, consumers: null },
]

const LISTING: SourcesListing = { items: ITEMS, warnings: [], scope: '/', listedAt: 1, broker: 'rabbitmq' }

/** The overview of an open RabbitMQ connection as the app shows it: the top bar (with the filter) and the sources table. */
async function openOverview() {
  const harness = withFakeApi({
    profilesList: async () => ({ profiles: [profile({ name: 'Local RabbitMQ', broker: 'rabbitmq', url: 'amqp://guest@127.0.0.1:5672/' })] }),
    sourcesList: async () => LISTING,
    metricsHistory: async () => ({ series: {}, intervalMs: 5000 }),
    brokerOverview: async () => ({
      scope: '/',
      scopeKind: 'vhost',
      scopes: [{ name: '/', items: 22 }],
      counts: { connections: 1, channels: 1, consumers: 3, scope: 'vhost /' },
      warnings: [],
    }),
  })
  await appStore.getState().loadProfiles()
  appStore.setState({ selectedProfileId: 'p1' })
  appStore.getState().applyStatus(status({ scope: '/', server: 'RabbitMQ 3.13.7' }))
  render(
    <>
      <TopBar />
      <Overview />
    </>,
  )
  const table = await screen.findByRole('table', { name: 'Sources' })
  return { ...harness, table }
}

const names = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[0]!.textContent)

const header = (table: HTMLElement, name: string) => within(table).getByRole('columnheader', { name })

describe('SourcesTable in the overview (component)', () => {
  it('lists every source with its numbers, sorted by name, and says how many there are', async () => {
    const { table } = await openOverview()
    expect(names(table)).toEqual(['amq.direct', 'audit', 'billing.dlq', 'orders', 'payments'])
    const orders = within(table).getByRole('row', { name: /^orders/ })
    const cells = within(orders)
      .getAllByRole('cell')
      .map((cell) => cell.textContent)
    // Name, kind, messages, ready, unacked, consumers.
    expect(cells.slice(0, 6)).toEqual(['orders', 'classic', '7', '7', '0', '2'])
    expect(within(within(table).getByRole('row', { name: /^audit/ })).getAllByRole('cell')[1]).toHaveTextContent('quorum')
    expect(screen.getByText('5 sources')).toBeInTheDocument()
    expect(header(table, 'Name')).toHaveAttribute('aria-sort', 'ascending')
    expect(header(table, 'Ready')).toHaveAttribute('aria-sort', 'none')
  })

  it('sorts by a column when its header is clicked: numbers largest first, a second click turns it round', async () => {
    const { table, user } = await openOverview()
    await user.click(within(header(table, 'Ready')).getByRole('button'))
    expect(header(table, 'Ready')).toHaveAttribute('aria-sort', 'descending')
    expect(header(table, 'Name')).toHaveAttribute('aria-sort', 'none')
    // Exchanges have no Ready count: they sort last either way.
    expect(names(table)).toEqual(['billing.dlq', 'orders', 'audit', 'payments', 'amq.direct'])
    await user.click(within(header(table, 'Ready')).getByRole('button'))
    expect(header(table, 'Ready')).toHaveAttribute('aria-sort', 'ascending')
    expect(names(table)).toEqual(['payments', 'audit', 'orders', 'billing.dlq', 'amq.direct'])
    await user.click(within(header(table, 'Name')).getByRole('button'))
    expect(header(table, 'Name')).toHaveAttribute('aria-sort', 'ascending')
    expect(names(table)[0]).toBe('amq.direct')
  })

  it('filters by name as the filter is typed, says how many of how many show, and clears', async () => {
    const { table, user } = await openOverview()
    const filter = screen.getByRole('searchbox', { name: 'Filter sources' })
    await user.type(filter, 'D')
    expect(names(table)).toEqual(['amq.direct', 'audit', 'billing.dlq', 'orders'])
    expect(screen.getByText('4 of 5 sources')).toBeInTheDocument()
    await user.type(filter, 'l')
    expect(names(table)).toEqual(['billing.dlq'])
    expect(screen.getByText('1 of 5 sources')).toBeInTheDocument()

    await user.clear(filter)
    await user.type(filter, 'nothing-like-it')
    expect(screen.queryByRole('table', { name: 'Sources' })).not.toBeInTheDocument()
    expect(screen.getByText('No source name contains “nothing-like-it”.')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Clear filter' }))
    expect(filter).toHaveValue('')
    await waitFor(() => expect(names(screen.getByRole('table', { name: 'Sources' }))).toHaveLength(5))
  })
})
