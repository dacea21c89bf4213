import { expect, type Locator, type Page } from '@playwright/test'

/** The replay dialog (form, preview, progress, report) and the journal of past replays. */
export class ReplayPage {
  constructor(private readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Replay messages' })
  }

  get reportDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Replay report' })
  }

  get journal(): Locator {
    return this.page.getByRole('dialog', { name: 'Replays' })
  }

  /** Opens the dialog from a queue's, stream's or list's details header ("Replay…"). */
  async open(panel: Locator): Promise<void> {
    await panel.getByRole('button', { name: 'Replay…' }).click()
    await expect(this.dialog).toBeVisible()
  }

  async target(kind: 'Back to origin (x-death)' | 'Back to origin (qs-origin)' | 'Queue' | 'Exchange' | 'Stream' | 'List' | 'Channel'): Promise<void> {
    const button = this.dialog.getByRole('group', { name: 'Target' }).getByRole('button', { name: kind, exact: true })
    await button.click()
    await expect(button).toHaveAttribute('aria-pressed', 'true')
  }

  async mode(mode: 'Move' | 'Copy'): Promise<void> {
    const button = this.dialog.getByRole('group', { name: 'Mode' }).getByRole('button', { name: mode, exact: true })
    await button.click()
    await expect(button).toHaveAttribute('aria-pressed', 'true')
  }

  /** Runs the dry run and waits for its counts. */
  async preview(): Promise<Locator> {
    await this.dialog.getByRole('button', { name: 'Preview (dry run)' }).click()
    const counts = this.dialog.getByRole('region', { name: 'Preview' }).getByLabel('Preview counts')
    await expect(counts).toBeVisible()
    return this.dialog.getByRole('region', { name: 'Preview' })
  }

  previewCount(term: string): Locator {
    return this.dialog.getByLabel('Preview counts').locator('.replay-count').filter({ hasText: term }).locator('dd')
  }

  /** The main button ("Move 20", "Copy all", …). */
  action(name: string | RegExp): Locator {
    return this.dialog.getByRole('button', { name })
  }

  /** Types the source's name (a queue's, stream's or list's) into the move confirmation. */
  async confirm(name: string): Promise<void> {
    await this.dialog.getByLabel(/^Type the (queue|stream|list) name to confirm$/).fill(name)
  }

  /** Picks the target connection by its profile name. */
  async targetConnection(profile: string): Promise<void> {
    await this.dialog.getByLabel('Target connection').selectOption({ label: profile })
  }

  /** Opens the journal from the top bar. */
  async openJournal(): Promise<void> {
    await this.page.getByRole('button', { name: 'Replays', exact: true }).click()
    await expect(this.journal).toBeVisible()
  }

  journalRows(): Locator {
    return this.journal.getByRole('table', { name: 'Past replays' }).getByRole('row')
  }
}
