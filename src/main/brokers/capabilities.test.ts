import { describe, expect, it } from 'vitest'
import { brokerDescriptionSchema, capabilitiesOf } from '../../shared/capabilities'
import { queueCapabilities, rabbitRouting, RABBITMQ_DESCRIPTION } from './rabbitmq/rabbitmq.capabilities'
import { REDIS_DESCRIPTION, redisRouting, streamCapabilities } from './redis/redis.capabilities'

describe('what each broker says it can do', () => {
  it('describes itself in the contract’s shape, with a class for every class its listings name', () => {
    expect(brokerDescriptionSchema.parse(RABBITMQ_DESCRIPTION)).toEqual(RABBITMQ_DESCRIPTION)
    expect(brokerDescriptionSchema.parse(REDIS_DESCRIPTION)).toEqual(REDIS_DESCRIPTION)
    for (const cls of [queueCapabilities('quorum'), queueCapabilities('stream')]) expect(RABBITMQ_DESCRIPTION.sources).toHaveProperty([cls!])
    expect(REDIS_DESCRIPTION.sources).toHaveProperty([streamCapabilities(2)!])
    expect(queueCapabilities('classic')).toBeUndefined()
    expect(streamCapabilities(0)).toBeUndefined()
  })

  it('RabbitMQ: queues browse, chart and purge; stream queues tail and cannot be purged; exchanges are published to and tailed', () => {
    const of = (item: { kind: string; capabilities?: string }) => capabilitiesOf(RABBITMQ_DESCRIPTION, item)
    expect(of({ kind: 'queue' })).toMatchObject({ tabs: ['messages', 'chart', 'publish', 'details'], purge: true, replayFrom: null, hasOrigin: true })
    expect(of({ kind: 'queue' }).browseNotice).toMatch(/redelivered.*reorder/)
    expect(of({ kind: 'queue', capabilities: 'queue:quorum' })).toMatchObject({ purge: true, browseNotice: expect.stringMatching(/delivery attempt/) })
    expect(of({ kind: 'queue', capabilities: 'queue:stream' })).toMatchObject({
      tabs: ['messages', 'live', 'chart', 'publish', 'details'],
      purge: false,
      browseNotice: null,
    })
    expect(of({ kind: 'exchange' })).toMatchObject({
      tabs: ['publish', 'live', 'details'],
      purge: false,
      replayFrom: expect.stringMatching(/Exchanges hold no messages/),
    })
  })

  it('Redis: streams tail and chart, with Pending where there are groups; lists cannot say their origin; channels and BullMQ are not replayed', () => {
    const of = (item: { kind: string; capabilities?: string }) => capabilitiesOf(REDIS_DESCRIPTION, item)
    expect(of({ kind: 'stream' }).tabs).toEqual(['messages', 'live', 'chart', 'publish', 'details'])
    expect(of({ kind: 'stream', capabilities: streamCapabilities(1) }).tabs).toEqual(['messages', 'live', 'pending', 'chart', 'publish', 'details'])
    expect(of({ kind: 'list' })).toMatchObject({ tabs: ['messages', 'publish', 'details'], replayFrom: null, hasOrigin: false })
    expect(of({ kind: 'channel' })).toMatchObject({ tabs: ['live', 'publish', 'details'], replayFrom: expect.stringMatching(/Pub\/sub keeps no messages/) })
    expect(of({ kind: 'bullmq' })).toMatchObject({ tabs: ['jobs', 'details'], replayFrom: expect.stringMatching(/retried from the job browser/) })
    for (const kind of ['stream', 'list', 'channel', 'bullmq']) expect(of({ kind }).purge).toBe(false)
  })

  it('a class that is not the description’s own (such as __proto__) gets nothing', () => {
    expect(capabilitiesOf(REDIS_DESCRIPTION, { kind: 'stream', capabilities: '__proto__' })).toMatchObject({ tabs: ['details'], purge: false })
    expect(capabilitiesOf(REDIS_DESCRIPTION, { kind: 'queue' }).tabs).toEqual(['details'])
  })

  it('routes into the kinds each broker takes, and refuses the others in its own words', () => {
    expect(rabbitRouting.targetRoute({ kind: 'queue', name: 'q' }, 'ignored')).toEqual({ exchange: '', routingKey: 'q' })
    expect(rabbitRouting.targetRoute({ kind: 'exchange', name: 'x' }, null)).toEqual({ exchange: 'x', routingKey: null })
    expect(() => rabbitRouting.targetRoute({ kind: 'stream', name: 's' }, null)).toThrow(/queue:<name> or exchange:<name>, not stream/)
    expect(redisRouting.targetRoute({ kind: 'list', name: 'l' }, 'ignored')).toEqual({ exchange: '', routingKey: 'l', target: { kind: 'list', name: 'l' } })
    expect(() => redisRouting.targetRoute({ kind: 'queue', name: 'q' }, null)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }))
    expect(RABBITMQ_DESCRIPTION.replayTargets.map((t) => t.kind)).toEqual(['queue', 'exchange'])
    expect(REDIS_DESCRIPTION.replayTargets.map((t) => t.kind)).toEqual(['stream', 'list', 'channel'])
  })
})
