import { describe, expect, it } from 'bun:test'
import { createHmac } from 'node:crypto'
import { AppError } from './errors'
import { signPayload, verifySignature } from './webhook-signature'

const SECRET = 'whsec_test_0123456789abcdef0123456789abcdef'
const BODY = '{"id":"evt_1","type":"payment.succeeded","data":{"object":{"amount":1250}}}'
const SENT = new Date('2030-05-01T12:00:00.000Z')
const seconds = (n: number) => n * 1000
const later = (ms: number) => new Date(SENT.getTime() + ms)

/** The AppError `verify` throws, or null when it accepts. */
function refusalOf(verify: () => void): { type: string; reason: unknown } | null {
  try {
    verify()
    return null
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return { type: error.type, reason: (error.details as { reason?: unknown } | undefined)?.reason }
  }
}

const hmac = (secret: string, timestamp: number, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')

describe('signPayload()', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 in the Stripe header shape', () => {
    const timestamp = SENT.getTime() / 1000
    expect(signPayload(SECRET, BODY, SENT)).toBe(`t=${timestamp},v1=${hmac(SECRET, timestamp, BODY)}`)
  })
})

describe('verifySignature()', () => {
  const header = signPayload(SECRET, BODY, SENT)

  it('accepts a good signature, within the tolerance either way', () => {
    expect(refusalOf(() => verifySignature(SECRET, BODY, header, SENT))).toBeNull()
    expect(refusalOf(() => verifySignature(SECRET, BODY, header, later(seconds(300))))).toBeNull()
    expect(refusalOf(() => verifySignature(SECRET, BODY, header, later(-seconds(300))))).toBeNull()
  })

  it('refuses a tampered body', () => {
    expect(refusalOf(() => verifySignature(SECRET, BODY.replace('1250', '125000'), header, SENT))).toEqual({ type: 'unauthorized', reason: 'bad_signature' })
  })

  it('refuses a signature made with another secret', () => {
    const forged = signPayload('another secret entirely', BODY, SENT)
    expect(refusalOf(() => verifySignature(SECRET, BODY, forged, SENT))).toEqual({ type: 'unauthorized', reason: 'bad_signature' })
  })

  it('refuses a timestamp 301 s old, and one 301 s in the future', () => {
    expect(refusalOf(() => verifySignature(SECRET, BODY, header, later(seconds(301))))).toEqual({ type: 'unauthorized', reason: 'stale_signature' })
    expect(refusalOf(() => verifySignature(SECRET, BODY, header, later(-seconds(301))))).toEqual({ type: 'unauthorized', reason: 'stale_signature' })
  })

  it('takes its tolerance from the caller', () => {
    expect(refusalOf(() => verifySignature(SECRET, BODY, header, later(seconds(11)), 10))).toEqual({ type: 'unauthorized', reason: 'stale_signature' })
  })

  it('refuses a stale timestamp re-signed without the secret (the timestamp is part of what is signed)', () => {
    const moved = header.replace(/^t=\d+/, `t=${SENT.getTime() / 1000 + 600}`)
    expect(refusalOf(() => verifySignature(SECRET, BODY, moved, later(seconds(600))))).toEqual({ type: 'unauthorized', reason: 'bad_signature' })
  })

  it('refuses a missing or malformed header', () => {
    const v1 = hmac(SECRET, SENT.getTime() / 1000, BODY)
    for (const bad of [null, '', 'garbage', `v1=${v1}`, `t=${SENT.getTime() / 1000}`, `t=soon,v1=${v1}`, `t=${SENT.getTime() / 1000},v1=${v1.slice(2)}`, `t=1,t=2,v1=${v1}`]) {
      expect({ header: bad, refusal: refusalOf(() => verifySignature(SECRET, BODY, bad, SENT)) }).toEqual({ header: bad, refusal: { type: 'unauthorized', reason: 'bad_signature' } })
    }
  })

  it('accepts a header with two v1 signatures when either is right (secret rotation), in either order', () => {
    const timestamp = SENT.getTime() / 1000
    const old = hmac('the old secret', timestamp, BODY)
    const current = hmac(SECRET, timestamp, BODY)
    expect(refusalOf(() => verifySignature(SECRET, BODY, `t=${timestamp},v1=${old},v1=${current}`, SENT))).toBeNull()
    expect(refusalOf(() => verifySignature(SECRET, BODY, `t=${timestamp}, v1=${current}, v1=${old}`, SENT))).toBeNull()
    expect(refusalOf(() => verifySignature('the old secret', BODY, `t=${timestamp},v1=${old},v1=${current}`, SENT))).toBeNull()
    expect(refusalOf(() => verifySignature('a third secret', BODY, `t=${timestamp},v1=${old},v1=${current}`, SENT))).toEqual({ type: 'unauthorized', reason: 'bad_signature' })
  })

  it('ignores other schemes beside v1', () => {
    expect(refusalOf(() => verifySignature(SECRET, BODY, `${header},v0=${'0'.repeat(64)}`, SENT))).toBeNull()
  })
})
