import { createRemoteJWKSet, errors, jwtVerify } from 'jose'
import type { Clock } from '../../../lib/clock'
import { AppError } from '../../../lib/errors'
import { MINUTE, normalizeEmail } from './shared'

export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com']

export interface GoogleIdentity {
  sub: string
  email: string
  emailVerified: boolean
  name: string | null
}

/** Checks a Google ID token; null when it is not one for this app. */
export type GoogleVerifier = (idToken: string) => Promise<GoogleIdentity | null>

/**
 * Verifies ID tokens against the configured JWKS (fetched once, then cached and refetched when
 * a token names an unknown key, at most every 30 s), with aud = our client id, Google's issuer
 * and exp read from the app's clock.
 */
export function createGoogleVerifier(settings: { clientId: string; jwksUrl: string }, clock: Clock): GoogleVerifier {
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl), { cacheMaxAge: 60 * MINUTE, cooldownDuration: 30_000, timeoutDuration: 5_000 })
  return async (idToken) => {
    try {
      const { payload } = await jwtVerify(idToken, jwks, {
        algorithms: ['RS256'],
        issuer: GOOGLE_ISSUERS,
        audience: settings.clientId,
        currentDate: clock.now(),
        requiredClaims: ['sub', 'exp'],
      })
      if (typeof payload.sub !== 'string' || typeof payload.email !== 'string') return null
      return {
        sub: payload.sub,
        email: normalizeEmail(payload.email),
        emailVerified: payload.email_verified === true,
        name: typeof payload.name === 'string' && payload.name.trim() !== '' ? payload.name.trim().slice(0, 60) : null,
      }
    } catch (error) {
      // An unreachable key set is our outage, not a bad token.
      if (error instanceof errors.JWKSTimeout || error instanceof TypeError) {
        throw new AppError('not_ready', 'Google sign-in is unavailable right now; try again shortly')
      }
      return null
    }
  }
}
