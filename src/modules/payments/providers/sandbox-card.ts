/**
 * The sandbox's card rules: what a card form must hold, and what each test number does. Pure, so
 * the hosted page and its tests share them.
 */

/** What each test number does; any other valid number is declined as unsupported. */
export const TEST_CARDS = [
  { number: '4242424242424242', outcome: 'succeed', label: 'succeeds' },
  { number: '4000000000000002', outcome: 'decline', label: 'is declined' },
  { number: '4000000000003220', outcome: 'confirm', label: 'asks for a confirmation step (3-D Secure)' },
] as const

export type CardOutcome = (typeof TEST_CARDS)[number]['outcome'] | 'unsupported'

export const CARD_FIELDS = ['number', 'expiry', 'cvc', 'name'] as const
export type CardField = (typeof CARD_FIELDS)[number]
export type CardForm = Partial<Record<CardField, string>>

/** The longest value of each field the form takes (the inputs' maxlength). */
export const CARD_FIELD_MAX: Record<CardField, number> = { number: 23, expiry: 7, cvc: 4, name: 100 }

/** Groups of four, as printed on a card. */
export const formatCardNumber = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1 ')

/** The Luhn checksum every card number carries (ISO/IEC 7812). */
export function passesLuhn(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}

/** Whether MM/YY is this month or later (a card is good through the last day of its month). */
function expiryProblem(expiry: string, now: Date): string | null {
  const match = /^(0[1-9]|1[0-2])\s*\/\s*(\d{2})$/.exec(expiry)
  if (match === null) return 'Enter the expiry date as MM/YY'
  const month = Number(match[1])
  const year = 2000 + Number(match[2])
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1
  return year * 12 + month < current ? 'This card has expired' : null
}

export type CardCheck = { ok: true; outcome: CardOutcome } | { ok: false; errors: Partial<Record<CardField, string>> }

/** Checks a submitted card form; a valid one says what the sandbox does with it. */
export function checkCard(form: CardForm, now: Date): CardCheck {
  const errors: Partial<Record<CardField, string>> = {}
  const digits = (form.number ?? '').replace(/[\s-]/g, '')
  if (!/^\d{12,19}$/.test(digits) || !passesLuhn(digits)) errors.number = 'Enter a valid card number'
  const expiry = expiryProblem((form.expiry ?? '').trim(), now)
  if (expiry !== null) errors.expiry = expiry
  if (!/^\d{3,4}$/.test((form.cvc ?? '').trim())) errors.cvc = 'Enter the 3 or 4 digit security code'
  const name = (form.name ?? '').trim()
  if (name === '') errors.name = 'Enter the name on the card'
  else if (name.length > CARD_FIELD_MAX.name) errors.name = `At most ${CARD_FIELD_MAX.name} characters`
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return { ok: true, outcome: TEST_CARDS.find((card) => card.number === digits)?.outcome ?? 'unsupported' }
}
