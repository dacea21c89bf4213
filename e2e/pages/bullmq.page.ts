import { expect, type Locator, type Page } from '@playwright/test'

/** The Jobs tab of a BullMQ queue: state chips, the job list, the open job, retry and clean. */
export class BullmqPage {
  constructor(
    private readonly page: Page,
    readonly panel: Locator,
  ) {}

  async open(): Promise<void> {
    const tab = this.panel.getByRole('tablist').getByRole('tab', { name: 'Jobs', exact: true })
    await tab.click()
    await expect(tab).toHaveAttribute('aria-selected', 'true')
  }

  /** The chip of a state: its accessible name is "failed 3". */
  chip(state: string): Locator {
    return this.panel.getByRole('group', { name: 'Job states' }).getByRole('button', { name: new RegExp(`^${state} `) })
  }

  async showState(state: string): Promise<void> {
    await this.chip(state).click()
    await expect(this.chip(state)).toHaveAttribute('aria-pressed', 'true')
  }

  get jobs(): Locator {
    return this.panel.getByRole('list', { name: 'Jobs' })
  }

  job(id: string): Locator {
    return this.jobs.getByRole('listitem').filter({ has: this.page.locator(`[data-job-id="${id}"]`) })
  }

  async openJob(id: string): Promise<Locator> {
    await this.job(id).locator(`[data-job-id="${id}"]`).click()
    const detail = this.panel.getByRole('region', { name: `Job ${id}` })
    await expect(detail).toBeVisible()
    return detail
  }

  async pick(id: string): Promise<void> {
    await this.panel.getByRole('checkbox', { name: `Select job ${id} for retry` }).check()
  }

  button(name: string | RegExp): Locator {
    return this.panel.getByRole('toolbar', { name: 'Jobs' }).getByRole('button', { name })
  }
}
