// Invoices of plan payments: the shop's list, and each as a PDF drawn on the sheet order invoices
// use (src/lib/pdf-sheet.ts). Souk is the seller; the shop is billed.
import { and, desc, eq, lt, or } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { decodeTimeCursor, DEFAULT_LIMIT, type Page, toPage } from '../../../lib/pagination'
import { newSheetDocument, rateText, savePdf, WIDTH } from '../../../lib/pdf-sheet'
import type { PlansModel } from '../model'
import type { ChargeKind, PlanInterval } from '../status'
import { planCharges } from '../table'
import type { ChargeRow } from './billing'
import { amountText, type Conn, dayText, myShop, type PlansDeps } from './shared'

const KIND_TEXT: Record<ChargeKind, string> = { subscribe: 'Subscription', upgrade: 'Upgrade', renewal: 'Renewal' }
const INTERVAL_TEXT: Record<PlanInterval, string> = { month: 'one month', year: 'one year' }
const regions = new Intl.DisplayNames(['en'], { type: 'region' })

export const toInvoice = (row: ChargeRow): PlansModel.Invoice => ({
  id: row.id,
  invoiceNumber: row.invoiceNumber,
  kind: row.kind,
  planName: row.planName,
  interval: row.interval,
  priceMinor: row.priceMinor,
  creditMinor: row.creditMinor,
  amountMinor: row.amountMinor,
  tvaRateBp: row.tvaRateBp,
  tvaMinor: row.tvaMinor,
  currency: row.currency,
  periodStart: row.periodStart,
  periodEnd: row.periodEnd,
  createdAt: row.createdAt,
})

/** My shop's plan invoices, newest first. */
export async function listMyInvoices(db: Conn, userId: string, query: { cursor?: string; limit?: number }): Promise<Page<PlansModel.Invoice>> {
  const shop = await myShop(db, userId)
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = decodeTimeCursor(query.cursor, 'plc')
  const rows = await db
    .select()
    .from(planCharges)
    .where(
      and(
        eq(planCharges.vendorId, shop.id),
        after === null ? undefined : or(lt(planCharges.createdAt, after.time), and(eq(planCharges.createdAt, after.time), lt(planCharges.id, after.id))),
      ),
    )
    .orderBy(desc(planCharges.createdAt), desc(planCharges.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id])
  return { items: page.items.map(toInvoice), nextCursor: page.nextCursor }
}

/** One of my shop's plan invoices as a PDF; anyone else's is 404. Souk (PLATFORM_SELLER) sells; prices include TVA. */
export async function planInvoicePdf(deps: Pick<PlansDeps, 'db' | 'platformSeller'>, userId: string, id: string): Promise<{ fileName: string; body: Uint8Array<ArrayBuffer> }> {
  const { db } = deps
  const shop = await myShop(db, userId)
  const [row] = await db
    .select()
    .from(planCharges)
    .where(and(eq(planCharges.id, id), eq(planCharges.vendorId, shop.id)))
  if (row === undefined) throw new AppError('not_found', 'No such invoice')
  const money = (minor: number) => amountText(minor, row.currency)
  const { doc, fonts, sheet } = await newSheetDocument({ title: `Invoice ${row.invoiceNumber}`, subject: `Plan ${row.planName}`, author: 'Souk', created: row.createdAt, modified: row.createdAt })

  sheet.title(`Invoice ${row.invoiceNumber}`, 18)
  const facts: [string, string][] = [
    ['Date', dayText(row.createdAt)],
    ['For', `${KIND_TEXT[row.kind]} of the ${row.planName} plan`],
    ['Period', `${dayText(row.periodStart)} to ${dayText(row.periodEnd)}`],
    ['Payment', 'Souk wallet'],
  ]
  for (const [label, value] of facts) sheet.row([{ text: label, width: 70, grey: true }, { text: value, width: WIDTH - 70 }])
  sheet.space()
  const half = WIDTH / 2
  sheet.row(['Sold by', 'Billed to'].map((text) => ({ text, width: half, bold: true })))
  const billed = [shop.companyName, shop.address, shop.city, regions.of(shop.country) ?? shop.country, `Tax number: ${shop.taxNumber}`].join('\n')
  sheet.row([deps.platformSeller.join('\n'), billed].map((text) => ({ text, width: half })))
  sheet.space()

  const label = WIDTH - 100
  sheet.row([{ text: 'Item', width: label, bold: true }, { text: 'Amount', width: 100, right: true, bold: true }])
  sheet.rule()
  sheet.row([{ text: `${row.planName} plan, ${INTERVAL_TEXT[row.interval]}`, width: label }, { text: money(row.priceMinor), width: 100, right: true }])
  if (row.creditMinor > 0) sheet.row([{ text: 'Credit: the unused part of the previous plan', width: label }, { text: money(-row.creditMinor), width: 100, right: true }])
  sheet.rule()
  sheet.row([{ text: 'Total paid, TVA included', width: label, right: true, bold: true }, { text: money(row.amountMinor), width: 100, right: true, bold: true }])
  sheet.row([{ text: `of which TVA at ${rateText(row.tvaRateBp)}`, width: label, right: true }, { text: money(row.tvaMinor), width: 100, right: true }])
  sheet.space()
  sheet.row([{ text: `All amounts are in ${row.currency} and include TVA.`, width: WIDTH, grey: true }])
  return { fileName: `${row.invoiceNumber}.pdf`, body: await savePdf(doc, fonts.regular, row.invoiceNumber) }
}
