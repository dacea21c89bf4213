import { expect, type Locator, type Page } from '@playwright/test'

/** The Live tab of a stream, channel, exchange or stream queue. */
export class TailPage {
  constructor(
    private readonly page: Page,
    readonly panel: Locator,
  ) {}

  async open(): Promise<void> {
    const tab = this.panel.getByRole('tablist').getByRole('tab', { name: 'Live', exact: true })
    await tab.click()
    await expect(tab).toHaveAttribute('aria-selected', 'true')
  }

  button(name: 'Start' | 'Start again' | 'Pause' | 'Resume' | 'Stop' | 'Clear'): Locator {
    return this.panel.getByRole('button', { name, exact: true })
  }

  /** Starts the tail and waits until the core answered (Pause appears once it is live). */
  async start(): Promise<void> {
    await this.button('Start').click()
    await expect(this.status).toContainText('Live')
  }

  get status(): Locator {
    return this.panel.getByRole('status', { name: 'Tail status' })
  }

  get messages(): Locator {
    return this.panel.getByRole('list', { name: 'Live messages' })
  }

  /** Rows newest first. */
  get rows(): Locator {
    return this.messages.getByRole('listitem')
  }

  detail(label: string): Locator {
    return this.panel.getByRole('region', { name: `Live message ${label}` })
  }

  get patternToggle(): Locator {
    return this.panel.getByRole('checkbox', { name: 'Pattern' })
  }

  get patternInput(): Locator {
    return this.panel.getByLabel('Channel pattern')
  }
}
