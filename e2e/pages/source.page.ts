import { expect, type Locator, type Page } from '@playwright/test'

/** The details panel of one source: its tabs, the message browser, the publish form and purge. */
export class SourcePage {
  constructor(
    private readonly page: Page,
    readonly panel: Locator,
  ) {}

  async openTab(name: 'Messages' | 'Chart' | 'Publish' | 'Details'): Promise<void> {
    const tab = this.panel.getByRole('tablist').getByRole('tab', { name, exact: true })
    await tab.click()
    await expect(tab).toHaveAttribute('aria-selected', 'true')
  }

  /** Chart tab: the uPlot figure (a canvas inside). */
  get chart(): Locator {
    return this.panel.getByRole('figure', { name: 'Ready, unacked, consumers and rates over the last hour' })
  }

  /** Chart tab: "Draining at …", "Growing at …", "Steady…", "Not enough data yet…". */
  get trendSentence(): Locator {
    return this.panel.locator('.chart-tab').getByRole('status')
  }

  get messages(): Locator {
    return this.panel.getByRole('list', { name: 'Messages' })
  }

  /** Messages tab: sets the count and browses, waiting for the page to arrive. */
  async browse(count?: 10 | 50 | 200 | 1000): Promise<void> {
    if (count !== undefined) await this.panel.getByLabel('Count').selectOption(String(count))
    await this.panel.getByRole('button', { name: 'Browse', exact: true }).click()
    await expect(this.panel.getByRole('button', { name: 'Browse', exact: true })).toBeEnabled()
  }

  message(id: string): Locator {
    return this.messages.getByRole('listitem').filter({ has: this.page.locator(`[data-message-id="${id}"]`) })
  }

  /** The open message's detail pane. */
  messageDetail(id: string): Locator {
    return this.panel.getByRole('region', { name: `Message ${id}` })
  }

  /** Messages tab: the body of the open message (CodeMirror's content in Pretty and Raw, a <pre> in Hex). */
  messageBody(id: string): Locator {
    return this.messageDetail(id).getByLabel('Body', { exact: true })
  }

  /** Publish tab: the CodeMirror body editor (its content element, named by the "Body" label). */
  get bodyEditor(): Locator {
    return this.panel.getByRole('textbox', { name: 'Body', exact: true }).and(this.panel.locator('.cm-content'))
  }

  async publish(body: string, headers: Record<string, string> = {}): Promise<void> {
    await this.bodyEditor.fill(body)
    await expect(this.bodyEditor).toHaveText(body)
    for (const [name, value] of Object.entries(headers)) {
      await this.panel.getByRole('button', { name: 'Add header' }).click()
      await this.panel.getByLabel('Header name').last().fill(name)
      await this.panel.getByLabel('Header value').last().fill(value)
    }
    await this.panel.getByRole('button', { name: 'Publish', exact: true }).click()
  }

  get publishResult(): Locator {
    return this.panel.getByRole('form').getByRole('status')
  }

  /** Opens "Purge queue", types the name and purges. */
  async purge(queue: string): Promise<Locator> {
    await this.panel.getByRole('button', { name: 'Purge…' }).click()
    const dialog = this.page.getByRole('alertdialog', { name: 'Purge queue' })
    const purge = dialog.getByRole('button', { name: 'Purge', exact: true })
    await expect(purge).toBeDisabled()
    await dialog.getByLabel('Type the queue name to confirm').fill(queue)
    await expect(purge).toBeEnabled()
    return dialog
  }
}
