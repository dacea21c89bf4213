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

  async openDetails(kind: string, name: string): Promise<Locator> {
    await this.row(name).click()
    const details = this.page.getByRole('region', { name: `Details of ${kind}:${name}` })
    await expect(details).toBeVisible()
    return details
  }
}
