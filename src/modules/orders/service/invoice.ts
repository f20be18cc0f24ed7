// The PDF invoice of one shop order, drawn on the shared sheet of src/lib/pdf-sheet.ts.
import { type Cell, formatMoney, newSheetDocument, rateText, savePdf, WIDTH } from '../../../lib/pdf-sheet'
import type { CurrentUser } from '../../accounts'
import type { AddressSnapshot } from '../../addresses'
import { findVendorById } from '../../vendors'
import type { PaymentMethod } from '../status'
import { getOrder } from './orders'
import type { Conn } from './shared'

const PAYMENT_LABEL: Record<PaymentMethod, string> = { card: 'Card', wallet: 'Souk wallet', cash_on_delivery: 'Cash on delivery' }

const day = (date: Date) => date.toISOString().slice(0, 10)
const regions = new Intl.DisplayNames(['en'], { type: 'region' })
const countryName = (code: string) => regions.of(code) ?? code

const addressLines = (address: AddressSnapshot) =>
  [
    address.fullName,
    address.line1,
    address.line2,
    [address.postalCode, address.city].filter((part) => part !== null).join(' '),
    address.region,
    countryName(address.country),
    `Phone: ${address.phone}`,
  ]
    .filter((line) => line !== null && line !== '')
    .join('\n')

/**
 * The invoice of an order as a PDF, for whoever may read the order (its buyer, its shop, admins;
 * anyone else gets the same 404 as `getOrder`). All amounts include TVA; the TVA they contain is
 * broken down by rate. The shop is printed as it is now: orders keep no snapshot of it.
 */
export async function invoicePdf(db: Conn, viewer: Pick<CurrentUser, 'id' | 'role'>, orderId: string): Promise<{ fileName: string; body: Uint8Array<ArrayBuffer> }> {
  const order = await getOrder(db, viewer, orderId)
  const shop = await findVendorById(db, order.vendor.id)
  const money = (minor: number) => formatMoney(minor, order.currency)

  // The order's own dates, not now: the same order gives the same document.
  const { doc, fonts, sheet } = await newSheetDocument({ title: `Invoice ${order.invoiceNumber}`, subject: `Order ${order.id}`, author: order.vendor.name, created: order.createdAt, modified: order.updatedAt })

  sheet.title(`Invoice ${order.invoiceNumber}`, 18)
  const facts: [string, string][] = [
    ['Date', day(order.createdAt)],
    ['Order', order.id],
    ['Buyer', order.buyer.displayName],
    ['Payment', PAYMENT_LABEL[order.paymentMethod]],
  ]
  if (order.status === 'cancelled') facts.push(['Status', `Cancelled${order.cancelReason === null ? '' : `: ${order.cancelReason}`}`])
  for (const [label, value] of facts) sheet.row([{ text: label, width: 70, grey: true }, { text: value, width: WIDTH - 70, bold: label === 'Status' }])
  sheet.space()

  const third = WIDTH / 3
  sheet.row(['Sold by', 'Billed to', 'Delivered to'].map((text) => ({ text, width: third, bold: true })))
  const seller = shop === null ? order.vendor.name : [shop.companyName, shop.address, shop.city, countryName(shop.country), `Tax number: ${shop.taxNumber}`].join('\n')
  const delivery = order.shipping.pickup ? `Collected at the shop (${order.shipping.name})` : addressLines(order.shippingAddress)
  sheet.row([seller, addressLines(order.billingAddress), delivery].map((text) => ({ text, width: third })))
  sheet.space()

  const columns = [200, 70, 32, 80, 40] as const
  const last = WIDTH - columns.reduce((sum, width) => sum + width, 0)
  const itemRow = (texts: [string, string, string, string, string, string], style: Partial<Cell> = {}) =>
    [...columns, last].map((width, i) => ({ text: texts[i]!, width, right: i >= 2, ...style }))
  const header = () => {
    sheet.row(itemRow(['Item', 'SKU', 'Qty', 'Unit price', 'TVA', 'Total'], { bold: true }))
    sheet.rule()
  }
  header()
  for (const item of order.items) {
    sheet.row(itemRow([item.title, item.sku ?? '', String(item.quantity), money(item.unitPriceMinor), rateText(item.tvaRateBp), money(item.lineMinor)]), { onNewPage: header })
  }
  sheet.row(itemRow([`Delivery: ${order.shipping.name}`, '', '', '', '', money(order.shippingMinor)]), { onNewPage: header })
  sheet.rule()
  sheet.space()

  const label = WIDTH - 2 * 100
  sheet.row([
    { text: 'TVA rate', width: label, right: true, bold: true },
    { text: 'Base', width: 100, right: true, bold: true },
    { text: 'TVA', width: 100, right: true, bold: true },
  ])
  for (const entry of order.tva) {
    sheet.row([
      { text: rateText(entry.rateBp), width: label, right: true },
      { text: money(entry.baseMinor), width: 100, right: true },
      { text: money(entry.tvaMinor), width: 100, right: true },
    ])
  }
  sheet.space()

  const totals: [string, number, boolean][] = [
    ['Items', order.itemsMinor, false],
    ['Delivery', order.shippingMinor, false],
    ['Total, TVA included', order.totalMinor, true],
    ['of which TVA', order.tvaMinor, false],
  ]
  for (const [text, minor, bold] of totals) sheet.row([{ text, width: WIDTH - 100, right: true, bold }, { text: money(minor), width: 100, right: true, bold }])
  sheet.space()
  sheet.row([{ text: `All amounts are in ${order.currency} and include TVA.`, width: WIDTH, grey: true }])

  return { fileName: `${order.invoiceNumber}.pdf`, body: await savePdf(doc, fonts.regular, order.invoiceNumber) }
}
