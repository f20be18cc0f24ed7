import { createHmac, timingSafeEqual } from 'node:crypto'
import { AppError } from './errors'

/**
 * Webhook signatures in Stripe's scheme (`Stripe-Signature`), so a real provider's adapter reuses
 * this and only names its header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is signed with the body, so a captured request cannot be replayed once it is older
 * than the tolerance; several `v1` entries may be sent while a secret is rotated.
 */

/** Stripe's default: a delivery may take a while to arrive, a replay cannot wait longer than this. */
export const DEFAULT_TOLERANCE_SECONDS = 300

const HEX_SHA256 = /^[0-9a-f]{64}$/

const unixSeconds = (now: Date) => Math.floor(now.getTime() / 1000)

function hmacOf(secret: string, timestamp: number, rawBody: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest()
}

/** The signature header of `rawBody` sent at `now`. */
export function signPayload(secret: string, rawBody: string, now: Date): string {
  const timestamp = unixSeconds(now)
  return `t=${timestamp},v1=${hmacOf(secret, timestamp, rawBody).toString('hex')}`
}

/** The timestamp and the well-formed `v1` signatures of a header; null when it has neither. */
function parseHeader(header: string): { timestamp: number; signatures: Buffer[] } | null {
  let timestamp: number | null = null
  const signatures: Buffer[] = []
  for (const part of header.split(',')) {
    const at = part.indexOf('=')
    if (at === -1) return null
    const key = part.slice(0, at).trim()
    const value = part.slice(at + 1).trim()
    if (key === 't') {
      if (timestamp !== null || !/^\d{1,12}$/.test(value)) return null
      timestamp = Number(value)
    } else if (key === 'v1' && HEX_SHA256.test(value)) {
      signatures.push(Buffer.from(value, 'hex'))
    }
    // Other schemes (Stripe's test-mode `v0`) are ignored, as Stripe's own libraries do.
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures }
}

const refused = (reason: 'bad_signature' | 'stale_signature', message: string) => new AppError('unauthorized', message, { reason })

/**
 * Checks `header` against `rawBody` (the bytes as received, before any parsing): throws an
 * `unauthorized` AppError (reason `bad_signature`) when the header is missing or malformed or no
 * `v1` matches, and (reason `stale_signature`) when the signed timestamp is more than
 * `toleranceSeconds` away from `now`, in either direction. The signature is checked first, so a
 * stale answer is only ever given for a genuine (replayed or delayed) delivery.
 */
export function verifySignature(secret: string, rawBody: string, header: string | null, now: Date, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): void {
  const parsed = header === null ? null : parseHeader(header)
  if (parsed === null) throw refused('bad_signature', 'Missing or malformed webhook signature header')
  const expected = hmacOf(secret, parsed.timestamp, rawBody)
  // Every candidate is compared (no early exit), each in constant time on equal-length buffers.
  let matched = false
  for (const signature of parsed.signatures) {
    if (timingSafeEqual(signature, expected)) matched = true
  }
  if (!matched) throw refused('bad_signature', 'The webhook signature does not match')
  if (Math.abs(unixSeconds(now) - parsed.timestamp) > toleranceSeconds) {
    throw refused('stale_signature', `The webhook timestamp is more than ${toleranceSeconds} seconds from now`)
  }
}
