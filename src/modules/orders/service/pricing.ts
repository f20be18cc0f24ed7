// The arithmetic of a checkout, pure: integer minor units only, TVA included in prices, rounded
// half up once per line. The checkout service feeds it what it read; tests drive it directly.

/** The largest amount one checkout may come to (10,000,000.00): amounts stay exact integers in the database. */
export const MAX_CHECKOUT_MINOR = 1_000_000_000

const BP = 10_000

/** The TVA included in a TVA-inclusive amount at `rateBp` (1900 = 19 %), rounded half up to the minor unit. */
export function includedTva(amountMinor: number, rateBp: number): number {
  // amount × rate / (1 + rate), in integers: ⌊(2·amount·rate + (BP + rate)) / (2·(BP + rate))⌋.
  return Math.floor((2 * amountMinor * rateBp + (BP + rateBp)) / (2 * (BP + rateBp)))
}

/** What a shop's delivery option costs for `itemsMinor` of its goods: free above its threshold. */
export function shippingCost(option: { priceMinor: number; freeAboveMinor: number | null }, itemsMinor: number): number {
  return option.freeAboveMinor !== null && itemsMinor >= option.freeAboveMinor ? 0 : option.priceMinor
}

export interface PricedLine {
  unitPriceMinor: number
  quantity: number
  tvaRateBp: number
}

export interface LineAmounts {
  lineMinor: number
  tvaMinor: number
}

export function lineAmounts(line: PricedLine): LineAmounts {
  const lineMinor = line.unitPriceMinor * line.quantity
  return { lineMinor, tvaMinor: includedTva(lineMinor, line.tvaRateBp) }
}

export interface Totals {
  itemsMinor: number
  shippingMinor: number
  tvaMinor: number
  totalMinor: number
}

/** The totals of lines plus shipping (TVA is included in the items, so the total is items + shipping). */
export function totalsOf(lines: LineAmounts[], shippingMinor: number): Totals {
  const itemsMinor = lines.reduce((sum, line) => sum + line.lineMinor, 0)
  const tvaMinor = lines.reduce((sum, line) => sum + line.tvaMinor, 0)
  return { itemsMinor, shippingMinor, tvaMinor, totalMinor: itemsMinor + shippingMinor }
}

/** The sum of several totals (the shops of one checkout). */
export function sumTotals(parts: Totals[]): Totals {
  return parts.reduce(
    (sum, part) => ({
      itemsMinor: sum.itemsMinor + part.itemsMinor,
      shippingMinor: sum.shippingMinor + part.shippingMinor,
      tvaMinor: sum.tvaMinor + part.tvaMinor,
      totalMinor: sum.totalMinor + part.totalMinor,
    }),
    { itemsMinor: 0, shippingMinor: 0, tvaMinor: 0, totalMinor: 0 },
  )
}

/** TVA by rate, highest rate first: what a summary or an invoice shows. */
export function tvaBreakdown(lines: (LineAmounts & { tvaRateBp: number })[]): { rateBp: number; baseMinor: number; tvaMinor: number }[] {
  const byRate = new Map<number, { baseMinor: number; tvaMinor: number }>()
  for (const line of lines) {
    const entry = byRate.get(line.tvaRateBp) ?? { baseMinor: 0, tvaMinor: 0 }
    entry.baseMinor += line.lineMinor - line.tvaMinor
    entry.tvaMinor += line.tvaMinor
    byRate.set(line.tvaRateBp, entry)
  }
  return [...byRate].sort(([a], [b]) => b - a).map(([rateBp, entry]) => ({ rateBp, ...entry }))
}
