// The PDF invoice of one shop order, drawn with pdf-lib in Helvetica, one of the standard 14 fonts:
// nothing to ship or embed, but it encodes WinAnsi only, so every text goes through `drawable`
// first (accents stay, what the font cannot draw degrades instead of throwing).
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib'
import type { CurrentUser } from '../../accounts'
import type { AddressSnapshot } from '../../addresses'
import { findVendorById } from '../../vendors'
import type { PaymentMethod } from '../status'
import { getOrder } from './orders'
import type { Conn } from './shared'

const PAYMENT_LABEL: Record<PaymentMethod, string> = { cash_on_delivery: 'Cash on delivery' }

const PAGE: [number, number] = [595.28, 841.89] // A4, in points
const MARGIN = 48
const WIDTH = PAGE[0] - 2 * MARGIN
const SIZE = 9
const LEADING = 12.5
const GAP = 8
const GREY = rgb(0.4, 0.4, 0.4)

/** "1,234.50 MAD" from integer minor units (hundredths, as everywhere in Souk), without floats. */
function formatMoney(minor: number, currency: string): string {
  const abs = Math.abs(minor)
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+$)/g, ',')
  return `${minor < 0 ? '-' : ''}${units}.${String(abs % 100).padStart(2, '0')} ${currency}`
}

const rate = (rateBp: number) => `${rateBp / 100} %`
const day = (date: Date) => date.toISOString().slice(0, 10)
const regions = new Intl.DisplayNames(['en'], { type: 'region' })
const countryName = (code: string) => regions.of(code) ?? code

/**
 * What `font` can draw of `text`: characters it encodes stay; others become their compatibility
 * decomposition without marks when it can draw that (ő → o, ﬁ → fi); combining marks alone go;
 * whitespace and control characters become spaces; anything else (Arabic script) becomes "?".
 */
function drawable(font: PDFFont): (text: string) => string {
  const known = new Set(font.getCharacterSet())
  const encodes = (text: string) => Array.from(text).every((char) => known.has(char.codePointAt(0)!))
  return (text) =>
    Array.from(text.normalize('NFC'), (char) => {
      if (encodes(char)) return char
      if (/[\s\p{Cc}]/u.test(char)) return ' '
      const base = char.normalize('NFKD').replace(/\p{M}/gu, '')
      return base === '' ? '' : encodes(base) ? base : '?'
    }).join('')
}

interface Cell {
  text: string
  width: number
  right?: boolean
  bold?: boolean
  grey?: boolean
}

/** Draws rows of wrapped cells down the pages, starting a new page when one is full. */
function createSheet(doc: PDFDocument, fonts: { regular: PDFFont; bold: PDFFont }) {
  const clean = drawable(fonts.regular)
  let page: PDFPage = doc.addPage(PAGE)
  let y = PAGE[1] - MARGIN

  /** Greedy word wrap; a word wider than the cell is cut where it overflows. */
  function wrap(text: string, font: PDFFont, width: number): string[] {
    const fits = (line: string) => font.widthOfTextAtSize(line, SIZE) <= width
    const lines: string[] = []
    for (const paragraph of text.split('\n')) {
      let line = ''
      for (const word of clean(paragraph).split(' ').filter((w) => w !== '')) {
        const joined = line === '' ? word : `${line} ${word}`
        if (fits(joined)) {
          line = joined
          continue
        }
        if (line !== '') lines.push(line)
        line = ''
        for (const char of word) {
          if (line !== '' && !fits(line + char)) {
            lines.push(line)
            line = ''
          }
          line += char
        }
      }
      lines.push(line)
    }
    return lines
  }

  /** Moves down by `height`, on a new page when it does not fit: true when a page was started. */
  function reserve(height: number): boolean {
    const fresh = y - height < MARGIN
    if (fresh) {
      page = doc.addPage(PAGE)
      y = PAGE[1] - MARGIN
    }
    return fresh
  }

  return {
    /** One row of cells side by side, as tall as its tallest cell. */
    row(cells: Cell[], options: { onNewPage?: () => void } = {}) {
      const wrapped = cells.map((cell) => {
        const font = cell.bold === true ? fonts.bold : fonts.regular
        return { ...cell, font, lines: wrap(cell.text, font, cell.width - GAP) }
      })
      const height = Math.max(...wrapped.map((cell) => cell.lines.length)) * LEADING
      if (reserve(height)) options.onNewPage?.()
      let x = MARGIN
      for (const cell of wrapped) {
        cell.lines.forEach((line, i) => {
          const left = cell.right === true ? x + cell.width - cell.font.widthOfTextAtSize(line, SIZE) : x
          page.drawText(line, { x: left, y: y - (i + 1) * LEADING + 3, size: SIZE, font: cell.font, color: cell.grey === true ? GREY : undefined })
        })
        x += cell.width
      }
      y -= height
    },
    title(text: string, size: number) {
      reserve(size * 1.4)
      page.drawText(clean(text), { x: MARGIN, y: y - size, size, font: fonts.bold })
      y -= size * 1.4
    },
    rule() {
      page.drawLine({ start: { x: MARGIN, y: y - 2 }, end: { x: MARGIN + WIDTH, y: y - 2 }, thickness: 0.5, color: GREY })
      y -= 4
    },
    space(height = LEADING) {
      y -= height
    },
  }
}

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

  const doc = await PDFDocument.create()
  doc.setTitle(`Invoice ${order.invoiceNumber}`)
  doc.setSubject(`Order ${order.id}`)
  doc.setAuthor(order.vendor.name)
  doc.setCreator('Souk')
  doc.setProducer('Souk')
  doc.setLanguage('en')
  // The order's own dates, not now: the same order gives the same document.
  doc.setCreationDate(order.createdAt)
  doc.setModificationDate(order.updatedAt)
  const fonts = { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) }
  const sheet = createSheet(doc, fonts)

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
    sheet.row(itemRow([item.title, item.sku ?? '', String(item.quantity), money(item.unitPriceMinor), rate(item.tvaRateBp), money(item.lineMinor)]), { onNewPage: header })
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
      { text: rate(entry.rateBp), width: label, right: true },
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

  const pages = doc.getPages()
  pages.forEach((page, i) => {
    const footer = `${order.invoiceNumber} · page ${i + 1} of ${pages.length}`
    page.drawText(footer, { x: MARGIN + WIDTH - fonts.regular.widthOfTextAtSize(footer, 8), y: MARGIN / 2, size: 8, font: fonts.regular, color: GREY })
  })
  // pdf-lib types its bytes over any ArrayBufferLike; they are a plain ArrayBuffer's, which a Response takes.
  return { fileName: `${order.invoiceNumber}.pdf`, body: (await doc.save()) as Uint8Array<ArrayBuffer> }
}
