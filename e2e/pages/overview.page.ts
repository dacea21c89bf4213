import { expect, type Locator, type Page } from '@playwright/test'

/** The overview table of every source of the open connection, and its details panel. */
export class OverviewPage {
  constructor(private readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Sources' })
  }

  async filter(text: string): Promise<void> {
    await this.page.getByLabel('Filter sources').fill(text)
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('cell', { name, exact: true }) })
  }

  /**
   * The row's cell under the column headed `column`. Columns depend on the broker and on whether
   * the details panel is open (fewer with it open), so tests name the column, not its position.
   */
  async cell(name: string, column: string): Promise<Locator> {
    const headers = (await this.table.getByRole('columnheader').allInnerTexts()).map((h) => h.trim())
    const index = headers.indexOf(column)
    if (index < 0) throw new Error(`no column "${column}" in the Sources table (columns: ${headers.join(', ')})`)
    return this.row(name).getByRole('cell').nth(index)
  }

  /** Waits for a row whose cells include `cells` (auto-refresh brings new counts). */
  async expectRow(name: string, cells: string[]): Promise<void> {
    const row = this.row(name)
    await expect(row).toBeVisible()
    for (const cell of cells) await expect(row.getByRole('cell', { name: cell, exact: true }).first()).toBeVisible()
  }

  /** The top bar's vhost (RabbitMQ) or database (Redis) picker. */
  scopePicker(kind: 'vhost' | 'database' = 'vhost'): Locator {
    return this.page.getByRole('combobox', { name: kind, exact: true })
  }

  /** Re-opens the connection on another vhost or database and waits until the picker settles there. */
  async switchScope(scope: string, kind: 'vhost' | 'database' = 'vhost'): Promise<void> {
    const picker = this.scopePicker(kind)
    await picker.selectOption(scope)
    await expect(picker).toBeEnabled()
    await expect(picker).toHaveValue(scope)
  }

  /** "Connections 3 · Channels 5 · Consumers 2" of the open scope (its name is "Counts for vhost /"). */
  counts(scope: string): Locator {
    return this.page.getByRole('group', { name: `Counts for ${scope}` })
  }

  header(column: string): Locator {
    return this.table.getByRole('columnheader', { name: column, exact: true })
  }

  /** Clicks a column header to sort by it; `direction` clicks again until the header says so. */
  async sortBy(column: string, direction: 'ascending' | 'descending'): Promise<void> {
    const header = this.header(column)
    await header.getByRole('button').click()
    if ((await header.getAttribute('aria-sort')) !== direction) await header.getByRole('button').click()
    await expect(header).toHaveAttribute('aria-sort', direction)
  }

  /** The names of the rows drawn, top to bottom (the table is virtualized: the first screen or so). */
  async rowNames(): Promise<string[]> {
    const rows = this.table.getByRole('rowgroup').nth(1).getByRole('row')
    const names = await rows.evaluateAll((elements) =>
      elements
        .map((row) => ({ index: Number(row.getAttribute('aria-rowindex')), name: row.querySelector('[role="cell"]')?.textContent ?? '' }))
        .sort((a, b) => a.index - b.index)
        .map((row) => row.name),
    )
    return names
  }

  async openDetails(kind: string, name: string): Promise<Locator> {
    await this.row(name).click()
    const details = this.page.getByRole('region', { name: `Details of ${kind}:${name}` })
    await expect(details).toBeVisible()
    return details
  }
}
