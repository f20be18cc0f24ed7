import { describe, expect, it } from 'bun:test'
import fc from 'fast-check'
import { includedTva, lineAmounts, MAX_CHECKOUT_MINOR, shippingCost, sumTotals, totalsOf, tvaBreakdown } from './service/pricing'

/** amount × rate / (10000 + rate), rounded half up, in exact big-integer arithmetic. */
function reference(amount: number, rate: number): number {
  const numerator = BigInt(amount) * BigInt(rate)
  const denominator = BigInt(10_000 + rate)
  const quotient = numerator / denominator
  return Number(2n * (numerator % denominator) >= denominator ? quotient + 1n : quotient)
}

describe('includedTva()', () => {
  it('is the TVA a TVA-inclusive amount holds, rounded half up, exactly, for every amount and rate a checkout allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CHECKOUT_MINOR }), fc.integer({ min: 0, max: 10_000 }), (amount, rate) => {
        const tva = includedTva(amount, rate)
        expect(tva).toBe(reference(amount, rate))
        expect(Number.isInteger(tva) && tva >= 0 && tva <= amount).toBe(true)
      }),
      { numRuns: 5_000 },
    )
  })

  it('matches worked examples: 120.00 at 20 % holds 20.00; 1.00 at 19 % holds 0.16; 0.05 at 7 % holds 0.00', () => {
    expect(includedTva(12_000, 2_000)).toBe(2_000)
    expect(includedTva(100, 1_900)).toBe(16)
    expect(includedTva(5, 700)).toBe(0)
    // 0.21 at 10 % holds 1.909… → 0.02; at 100 %, 0.01 holds exactly half a unit, which rounds up.
    expect(includedTva(21, 1_000)).toBe(2)
    expect(includedTva(1, 10_000)).toBe(1)
  })
})

describe('shippingCost()', () => {
  it('is free from the threshold on, and the price below it or without one', () => {
    expect(shippingCost({ priceMinor: 3_000, freeAboveMinor: 50_000 }, 49_999)).toBe(3_000)
    expect(shippingCost({ priceMinor: 3_000, freeAboveMinor: 50_000 }, 50_000)).toBe(0)
    expect(shippingCost({ priceMinor: 3_000, freeAboveMinor: null }, 10_000_000)).toBe(3_000)
  })
})

describe('totals', () => {
  it('add up: the total is items + shipping, TVA is the sum of the lines’, and the breakdown by rate covers every line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ unitPriceMinor: fc.integer({ min: 0, max: 1_000_000 }), quantity: fc.integer({ min: 1, max: 999 }), tvaRateBp: fc.constantFrom(0, 700, 1_300, 1_900, 2_000) }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 100_000 }),
        (lines, shipping) => {
          const amounts = lines.map((line) => ({ ...lineAmounts(line), tvaRateBp: line.tvaRateBp }))
          const totals = totalsOf(amounts, shipping)
          expect(totals.totalMinor).toBe(totals.itemsMinor + shipping)
          expect(totals.itemsMinor).toBe(lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0))
          const breakdown = tvaBreakdown(amounts)
          expect(breakdown.reduce((sum, rate) => sum + rate.tvaMinor, 0)).toBe(totals.tvaMinor)
          expect(breakdown.reduce((sum, rate) => sum + rate.baseMinor + rate.tvaMinor, 0)).toBe(totals.itemsMinor)
          expect(sumTotals([totals, totals]).totalMinor).toBe(2 * totals.totalMinor)
        },
      ),
    )
  })
})
