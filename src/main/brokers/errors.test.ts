import { describe, expect, it } from 'vitest'
import { QsError } from '../../shared/errors'
import { amqpLinkError, redisLinkError, redisLostReason, writeInDoubt } from './errors'

const where = 'Redis at h:6379'

describe('link failures in words', () => {
  it('Redis: a command timeout is TIMEOUT, and a write says it is in doubt', () => {
    expect(redisLinkError(new Error('Command timed out'), { where, requestMs: 1500 })).toMatchObject({
      code: 'TIMEOUT',
      message: 'Redis at h:6379 did not answer within 1.5 s',
    })
    expect(redisLinkError(new Error('Command timed out'), { where, write: true })?.message).toMatch(
      /did not answer in time; the write was sent, so it may or may not have been applied \(in doubt\)/,
    )
  })

  it('Redis: a refused command was not sent; a connection closed under a call leaves a write in doubt', () => {
    expect(redisLinkError(new Error("Stream isn't writeable and enableOfflineQueue options is false"), { where, write: true })).toMatchObject({
      code: 'NOT_CONNECTED',
      message: expect.stringMatching(/is down; nothing was written$/),
    })
    expect(redisLinkError(new Error('Connection is closed.'), { where, write: true })).toMatchObject({
      code: 'NOT_CONNECTED',
      message: expect.stringMatching(/lost during the call; it may or may not/),
    })
  })

  it('Redis: a client error already wrapped as a broker error is recognised by its detail; other errors are left alone', () => {
    expect(redisLinkError(new QsError('BROKER_ERROR', '"k": Command timed out', 'Command timed out'), { where })?.code).toBe('TIMEOUT')
    expect(redisLinkError(new QsError('NOT_FOUND', 'no such key'), { where })).toBeNull()
    expect(redisLinkError(new Error('WRONGTYPE Operation against a key'), { where })).toBeNull()
  })

  it('Redis: a socket timeout is told as a link that stopped answering', () => {
    expect(redisLostReason(new Error("Socket timeout. Expecting data, but didn't receive any in 2000ms."), where).message).toBe(
      'Redis at h:6379 stopped answering: nothing arrived for 2 s while an answer was due (the link looks dead)',
    )
  })

  it("AMQP: amqplib's closing and closed errors are NOT_CONNECTED; the broker's own refusals are not", () => {
    const closing = Object.assign(new Error('Connection closing'), { name: 'IllegalOperationError' })
    expect(amqpLinkError(closing, { where: 'RabbitMQ at h:5672', write: true, sent: false })).toMatchObject({
      code: 'NOT_CONNECTED',
      message: expect.stringMatching(/nothing was sent$/),
    })
    expect(amqpLinkError(new Error('Channel ended, no reply will be forthcoming'), { where: 'RabbitMQ at h:5672' })?.code).toBe('NOT_CONNECTED')
    expect(amqpLinkError(new Error('Connection closed: 320 (CONNECTION-FORCED) with message "CONNECTION_FORCED"'), { where: 'x' })?.code).toBe('NOT_CONNECTED')
    expect(amqpLinkError(new Error('Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no queue"'), { where: 'x' })).toBeNull()
    expect(
      amqpLinkError(new Error('Connection closed: 540 (NOT-IMPLEMENTED) with message "basic.get not supported by stream queues"'), { where: 'x' }),
    ).toBeNull()
  })

  it('a failed write is in doubt unless its error says what became of it', () => {
    expect(writeInDoubt(new QsError('NOT_CONNECTED', 'the RabbitMQ connection is closed'))).toMatchObject({
      message: 'the RabbitMQ connection is closed; nothing was sent',
    })
    expect(writeInDoubt(new QsError('TIMEOUT', 'no answer'))).toMatchObject({
      message: expect.stringMatching(/^no answer; it may or may not have been applied/),
    })
    const stated = new QsError('TIMEOUT', 'no answer; nothing was sent')
    expect(writeInDoubt(stated)).toBe(stated)
    const refused = new QsError('NOT_FOUND', 'no queue')
    expect(writeInDoubt(refused)).toBe(refused)
  })
})
