import { describe, expect, it } from 'bun:test'
import { ApiError, fieldErrors, toApiError } from '../src/lib/errors'

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
