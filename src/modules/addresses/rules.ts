// Browser-safe (no imports): the web form takes its countries, lengths and postal code hints from
// here, so it says what the server checks.

/** The countries an address may be in (ISO 3166-1 alpha-2): where Souk's shops deliver. */
export const ADDRESS_COUNTRIES = ['TN', 'MA', 'DZ', 'FR', 'BE', 'ES', 'IT', 'DE', 'GB', 'US', 'CA'] as const
export type AddressCountry = (typeof ADDRESS_COUNTRIES)[number]

/** The most addresses one user keeps (409 beyond). */
export const MAX_ADDRESSES = 20

/** The most characters of each text field. */
export const ADDRESS_LIMITS = { name: 100, phone: 32, line: 200, place: 100 } as const

/** Countries whose postal codes are a fixed number of digits (required there); elsewhere a code is optional. */
const POSTAL_CODE_DIGITS: Partial<Record<AddressCountry, number>> = { TN: 4, MA: 5, DZ: 5, FR: 5, ES: 5, IT: 5, DE: 5 }
/** The longest free-form postal code (countries without a fixed format). */
export const POSTAL_CODE_MAX = 16

/** How to write a postal code in `country`, as a hint beside the field. */
export function postalCodeRule(country: AddressCountry): string {
  const digits = POSTAL_CODE_DIGITS[country]
  return digits === undefined ? `Optional: up to ${POSTAL_CODE_MAX} letters, digits, spaces or dashes` : `${digits} digits`
}

/** What is wrong with a postal code (trimmed; null when left blank) for `country`, or null when it fits. */
export function postalCodeProblem(country: AddressCountry, postalCode: string | null): string | null {
  const digits = POSTAL_CODE_DIGITS[country]
  if (digits !== undefined) return postalCode !== null && new RegExp(`^[0-9]{${digits}}$`).test(postalCode) ? null : `must be ${digits} digits`
  if (postalCode === null || (postalCode.length <= POSTAL_CODE_MAX && /^[A-Za-z0-9][A-Za-z0-9 -]*$/.test(postalCode))) return null
  return `must be up to ${POSTAL_CODE_MAX} letters, digits, spaces or dashes`
}
