// Field encryption at rest: AES-256-GCM (authenticated: a changed byte fails to open) with a random
// 96-bit IV per value. A sealed value is `v1.<base64url(iv | tag | ciphertext)>`; the version lets a
// later key or algorithm sit beside this one.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

/** A 32-byte key from a secret of any length (the secrets are long random strings). */
export const keyFromSecret = (secret: string): Buffer => createHash('sha256').update(`souk-secret-box:${secret}`).digest()

export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

export function open(key: Buffer, sealed: string): string {
  if (!sealed.startsWith('v1.')) throw new Error('secret-box: unknown format')
  const raw = Buffer.from(sealed.slice(3), 'base64url')
  if (raw.length < 28) throw new Error('secret-box: too short')
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12), { authTagLength: 16 })
  decipher.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
}
