import { expect, type Page } from '@playwright/test'
import { MANAGEMENT_URL } from '../../src/test-support/brokers'

export interface NewProfile {
  name: string
  broker: 'rabbitmq' | 'redis'
  url: string
  password?: string
  managementUrl?: string
  readOnly?: boolean
  color?: string
}

/** The sidebar of profiles and the profile dialog. */
export class ProfilesPage {
  constructor(private readonly page: Page) {}

  get sidebar() {
    return this.page.getByRole('navigation', { name: 'Profiles' })
  }

  async add(profile: NewProfile): Promise<void> {
    await this.sidebar.getByRole('button', { name: 'Add profile' }).click()
    const dialog = this.page.getByRole('dialog', { name: 'Add profile' })
    await dialog.getByLabel('Name').fill(profile.name)
    await dialog.getByLabel('Broker').selectOption(profile.broker)
    await dialog.getByLabel('URL', { exact: true }).fill(profile.url)
    if (profile.password !== undefined) await dialog.getByLabel('Password').fill(profile.password)
    if (profile.managementUrl) await dialog.getByLabel('Management URL').fill(profile.managementUrl)
    if (profile.color) await dialog.getByLabel('Environment colour').selectOption(profile.color)
    if (profile.readOnly) await dialog.getByLabel('Read-only').check()
    await dialog.getByRole('button', { name: 'Test' }).click()
    await expect(dialog.getByText(/RabbitMQ \d|Redis \d/)).toBeVisible()
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect(dialog).toBeHidden()
  }

  /** A RabbitMQ profile for a test's own vhost (guest/guest, local management API). */
  async addRabbitMq(name: string, vhost: string, extra: Partial<NewProfile> = {}): Promise<void> {
    await this.add({
      name,
      broker: 'rabbitmq',
      url: `amqp://guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`,
      password: 'guest',
      managementUrl: MANAGEMENT_URL,
      ...extra,
    })
  }

  /** Selects a profile, which connects it, and waits until it is open. */
  async open(name: string): Promise<void> {
    await this.sidebar.getByRole('button', { name, exact: true }).click()
    await expect(this.sidebar.getByLabel(/^status: open/).first()).toBeVisible()
  }
}
