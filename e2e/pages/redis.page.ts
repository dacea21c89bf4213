import { expect, type Locator, type Page } from '@playwright/test'

/** The Redis side of the UI: the key pattern, a stream's groups, entry pages, pending entries and writes. */
export class RedisPage {
  constructor(
    private readonly page: Page,
    /** The details panel of the stream or list (`Details of stream:<key>`). */
    readonly panel: Locator,
  ) {}

  /** Top bar: lists only keys matching `pattern` (applied on Enter). */
  static async setKeyPattern(page: Page, pattern: string): Promise<void> {
    const box = page.getByLabel('Key pattern')
    await box.fill(pattern)
    await box.press('Enter')
  }

  async openTab(name: 'Messages' | 'Pending' | 'Chart' | 'Publish' | 'Details'): Promise<void> {
    const tab = this.panel.getByRole('tablist').getByRole('tab', { name, exact: true })
    await tab.click()
    await expect(tab).toHaveAttribute('aria-selected', 'true')
  }

  // Details -------------------------------------------------------------------------------------

  get groups(): Locator {
    return this.panel.getByRole('table', { name: 'Consumer groups' })
  }

  /** The group's row: Group (row header), Lag, Pending, Oldest pending, Entries read, Last delivered id. */
  group(name: string): Locator {
    return this.groups.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) })
  }

  consumers(group: string): Locator {
    return this.panel.getByRole('table', { name: `Consumers of group ${group}` })
  }

  // Messages ------------------------------------------------------------------------------------

  get entries(): Locator {
    return this.panel.getByRole('list', { name: 'Entries' })
  }

  entryIds(): Promise<string[]> {
    return this.entries.locator('[data-message-id]').evaluateAll((rows) =>
      rows
        .map((row) => ({ id: row.getAttribute('data-message-id') ?? '', top: row.parentElement?.getBoundingClientRect().top ?? 0 }))
        .sort((a, b) => a.top - b.top)
        .map((row) => row.id),
    )
  }

  /** "Newest first · 10 entries" under the paging bar. */
  get pageStatus(): Locator {
    return this.panel.locator('.page-where')
  }

  pagingButton(name: 'Newest' | 'Oldest' | 'Previous' | 'Next page' | 'Go'): Locator {
    return this.panel.getByRole('form', { name: 'Paging' }).getByRole('button', { name, exact: true })
  }

  async setCount(count: 10 | 50 | 200 | 1000): Promise<void> {
    await this.panel.getByLabel('Count').selectOption(String(count))
  }

  async jumpTo(text: string): Promise<void> {
    await this.panel.getByLabel('Jump to id or time').fill(text)
    await this.pagingButton('Go').click()
  }

  // Pending -------------------------------------------------------------------------------------

  get pending(): Locator {
    return this.panel.getByRole('table', { name: 'Pending entries' })
  }

  pendingRow(id: string): Locator {
    return this.pending.getByRole('row').filter({ has: this.page.getByRole('cell', { name: id, exact: true }) })
  }

  async pickGroup(group: string): Promise<void> {
    await this.panel.getByLabel('Group', { exact: true }).selectOption(group)
  }

  async tick(id: string): Promise<void> {
    await this.panel.getByRole('checkbox', { name: `Select ${id}`, exact: true }).check()
  }

  /** Claim to…: the consumer's name and the minimum idle time, then Claim. */
  async claim(consumer: string, minIdleSeconds = 0): Promise<Locator> {
    await this.panel.getByRole('button', { name: 'Claim to…' }).click()
    const dialog = this.page.getByRole('dialog', { name: 'Claim pending entries' })
    await dialog.getByLabel('Consumer').fill(consumer)
    await dialog.getByLabel('Min idle (s)').fill(String(minIdleSeconds))
    await dialog.getByRole('button', { name: /^Claim \d+$/ }).click()
    await expect(dialog).toBeHidden()
    return this.panel.getByRole('status', { name: 'Last action' })
  }

  // Writes --------------------------------------------------------------------------------------

  /** Opens Trim…, fills how many to keep and the typed name; returns the dialog with Trim enabled. */
  async prepareTrim(keep: number, name: string): Promise<Locator> {
    await this.panel.getByRole('button', { name: 'Trim…' }).click()
    const dialog = this.page.getByRole('alertdialog', { name: 'Trim stream' })
    await dialog.getByLabel('Entries to keep (newest)').fill(String(keep))
    const trim = dialog.getByRole('button', { name: 'Trim', exact: true })
    await expect(trim).toBeDisabled()
    await dialog.getByLabel('Type the key name to confirm').fill(name)
    await expect(trim).toBeEnabled()
    return dialog
  }

  // Chart ---------------------------------------------------------------------------------------

  get lagChart(): Locator {
    return this.panel.getByRole('figure', { name: 'Lag per consumer group over the last hour' })
  }

  get lagSentences(): Locator {
    return this.panel.getByRole('list', { name: 'Lag trend per group' })
  }
}
