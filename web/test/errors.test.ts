import { describe, expect, it } from 'bun:test'
import { ApiError, fieldErrors, formMessage, publicError, toApiError, UNKNOWN_ERROR_MESSAGE } from '../src/lib/errors'

describe('toApiError()', () => {
  it('reads the server error shape', () => {
    const error = toApiError(400, {
      error: { type: 'invalid_data', message: 'Invalid body.email', details: [{ field: 'body.email', message: 'Expected an email' }], requestId: 'req-1' },
    })
    expect(error).toBeInstanceOf(ApiError)
    expect([error.status, error.type, error.message, error.requestId]).toEqual([400, 'invalid_data', 'Invalid body.email', 'req-1'])
  })

  it('survives a body that is not the error shape (a proxy page, say)', () => {
    const error = toApiError(502, '<html>Bad gateway</html>')
    expect([error.type, error.details]).toEqual(['unknown_error', []])
  })
})

describe('fieldErrors()', () => {
  it('keys field problems by input name, first message per field', () => {
    const error = toApiError(400, {
      error: {
        type: 'invalid_data',
        message: 'x',
        details: [
          { field: 'body.email', message: 'Expected an email' },
          { field: 'body.email', message: 'Too long' },
          { field: 'query.limit', message: 'Must be at most 100' },
        ],
        requestId: 'r',
      },
    })
    expect(fieldErrors(error)).toEqual({ email: 'Expected an email', limit: 'Must be at most 100' })
  })

  it('is empty for anything that is not an ApiError', () => {
    expect(fieldErrors(new Error('boom'))).toEqual({})
  })
})

describe('ApiError facts', () => {
  it('reads the retry time of a 429 and the reason of a 403 from object details', () => {
    expect(toApiError(429, { error: { type: 'rate_limited', message: 'Too many; try again in 42 s', details: { retryAfter: 42 }, requestId: 'r' } }).facts).toEqual({ retryAfter: 42 })
    expect(toApiError(403, { error: { type: 'forbidden', message: 'Confirm first', details: { reason: 'email_not_verified' }, requestId: 'r' } }).facts).toEqual({ reason: 'email_not_verified' })
    expect(toApiError(400, { error: { type: 'invalid_data', message: 'x', details: [], requestId: 'r' } }).facts).toEqual({})
  })
})

describe('formMessage()', () => {
  const schema = toApiError(400, { error: { type: 'invalid_data', message: 'Invalid body.email', details: [{ field: 'body.email', message: 'Expected an email' }], requestId: 'r' } })

  it('says nothing above the form when every problem sits beside its field', () => {
    expect(formMessage(schema, ['email', 'password'])).toBeNull()
  })

  it('names a problem whose field the form does not show', () => {
    expect(formMessage(schema, ['password'])).toBe('email Expected an email')
  })

  it("keeps the server's own words for rule errors, and apologises for anything else", () => {
    const rule = toApiError(400, { error: { type: 'invalid_data', message: 'This code is not valid; it may have expired.', details: [{ field: 'body.code', message: 'is not valid' }], requestId: 'r' } })
    expect(formMessage(rule, ['code'])).toBe('This code is not valid; it may have expired.')
    expect(formMessage(new TypeError('fetch failed'), [])).toBe('Something went wrong. Check your connection and try again.')
    expect(formMessage(undefined, [])).toBeNull()
  })
})

describe('publicError()', () => {
  it("keeps an ApiError's type, message and request id, and nothing else", () => {
    const error = new ApiError(429, 'rate_limited', 'Too many tries', [{ field: 'body.email', message: 'x' }], 'req-1', { retryAfter: 5 })
    expect(publicError(error, 'page-req')).toEqual({ type: 'rate_limited', message: 'Too many tries', requestId: 'req-1' })
  })

  it('reads back an error a server render serialized into the page', () => {
    const revived = Object.assign(new Error('Something went wrong on our side'), { name: 'ApiError', type: 'unknown_error', requestId: 'req-2' })
    expect(publicError(revived)).toEqual({ type: 'unknown_error', message: 'Something went wrong on our side', requestId: 'req-2' })
  })

  it("never passes on another error's message, which may name internals", () => {
    expect(publicError(new TypeError("Cannot read properties of undefined (reading 'items') at /srv/app.js:12"), 'page-req')).toEqual({
      type: 'unknown_error',
      message: UNKNOWN_ERROR_MESSAGE,
      requestId: 'page-req',
    })
    expect(publicError('a string', null).message).toBe(UNKNOWN_ERROR_MESSAGE)
  })
})
