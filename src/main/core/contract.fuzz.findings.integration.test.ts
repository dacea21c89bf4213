/**
 * What the contract fuzz found against real brokers, one minimal case each, kept as regression
 * tests: each failed before its fix. A new finding goes here first, as `it.fails` while it stands.
 */
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProfileView } from '../../shared/model'
import { createTestVhost, type TestVhost } from '../../test-support/brokers'
import { createTestCore, type TestCore } from '../../test-support/core'

describe('contract fuzz findings against RabbitMQ', () => {
  let vhost: TestVhost
  let t: TestCore
  let rabbit: ProfileView

  beforeAll(async () => {
    vhost = await createTestVhost('fuzz-findings')
    t = await createTestCore('fuzz-findings')
    rabbit = await t.connectRabbit(vhost)
  })

  afterAll(async () => {
    await t?.core.close()
    await vhost?.remove()
    if (t) await rm(t.configDir, { recursive: true, force: true })
  })

  // The contract takes any finite number as a header value. amqplib sends numbers from 2^63 up as
  // doubles but a whole number below -2^63 (-1e300 is one) as a signed 64-bit long, and threw a
  // RangeError (BROKER_ERROR with a 300-digit message); toPublishOptions now sends it as a double.
  it('messages:publish with a header of -1e300: published like 1e300, or refused as a bad request', async () => {
    expect(await t.call('messages:publish', { connectionId: rabbit.id, target: 'queue:nowhere', body: 'x', headers: { big: 1e300 } })).toMatchObject({
      ok: true,
    })
    const answer = await t.call('messages:publish', { connectionId: rabbit.id, target: 'queue:nowhere', body: 'x', headers: { big: -1e300 } })
    if (!answer.ok) expect(answer.error).toMatchObject({ code: 'BAD_REQUEST' })
  })

  // Past the last page the management API answers 400 "Page out of range" (the call failed as
  // BROKER_ERROR); a page past the end is now an empty page, `paging` saying how many there are.
  it('sources:list for a page past the last: an empty page, or refused as a bad request', async () => {
    const answer = await t.call('sources:list', { connectionId: rabbit.id, page: 99, pageSize: 10 })
    if (answer.ok) expect(answer.data).toMatchObject({ items: [] })
    else expect(answer.error).toMatchObject({ code: 'BAD_REQUEST' })
  })
})
