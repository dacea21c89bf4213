/**
 * Why a source is being read, and what the user said about the cost of reading it. A broker whose
 * reads can change what they read (a RabbitMQ quorum queue counts every message given back as a
 * delivery attempt, and drops or dead-letters it past its limit) decides with these whether a
 * read may go ahead (rabbitmq/delivery-limit.ts).
 */

/**
 * What a read does with the messages it fetches. All but `consume` give every message back
 * (`move` gives back those it does not move: filtered out, not selected); `consume` is a move that
 * takes everything it reads, and gives back only what fails.
 */
export type ReadPurpose = 'browse' | 'export' | 'dry run' | 'copy' | 'move' | 'consume'

/**
 * Whether the user accepted that a read spends delivery attempts, and whether the profile is
 * read-only: a read-only profile never spends them, so there the acceptance is not honoured.
 */
export interface ReadConsent {
  acceptDeliveryLimitRisk: boolean
  readOnly: boolean
}

export const NO_CONSENT: ReadConsent = { acceptDeliveryLimitRisk: false, readOnly: false }
