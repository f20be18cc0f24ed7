import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { decodePDFRawStream, PDFArray, type PDFDocument as Doc, PDFDocument, PDFRawStream } from 'pdf-lib'
import { client, createTestApp, errorOf, makeProduct, makeVendor, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import type { CatalogModel } from '../catalog'

let t: TestApp
let admin: TestUser
let home: CatalogModel.Category

interface Shop {
  owner: TestUser
  vendor: { id: string; slug: string }
  optionId: string
}

/** An approved shop with one delivery option: 30.00, free from 500.00. */
async function shop(companyName?: string): Promise<Shop> {
  const { user: owner, vendor } = await makeVendor(t, { companyName })
  const set = await client(t, owner).api.v1.me.shop['shipping-options'].put({
    currency: 'MAD',
    options: [{ name: 'Courier', priceMinor: 3_000, freeAboveMinor: 50_000, handlingDays: 2 }],
  })
  expect(set.status).toBe(200)
  return { owner, vendor, optionId: set.data!.items[0]!.id }
}

/** A buyer with a delivery address in the name of `fullName`. */
async function buyer(options: { displayName?: string; fullName?: string } = {}): Promise<{ user: TestUser; addressId: string }> {
  const user = await signUpAndSignIn(t, { displayName: options.displayName })
  const created = await client(t, user).api.v1.me.addresses.post({
    fullName: options.fullName ?? 'Amina B.',
    phone: '+212 600 123456',
    line1: '4 Rue des Oudayas',
    city: 'Rabat',
    region: 'Rabat-Salé-Kénitra',
    postalCode: '10030',
    country: 'MA',
  })
  expect(created.status).toBe(201)
  return { user, addressId: created.data!.id }
}

async function addToCart(user: TestUser, productId: string, quantity: number) {
  const put = await client(t, user).api.v1.cart.items({ productId }).put({ quantity })
  expect(put.status).toBe(200)
}

/** Places the buyer's cart (one shop) with cash on delivery and answers the order. */
async function placeOrder(me: { user: TestUser; addressId: string }, s: Shop) {
  const placed = await client(t, me.user).api.v1.checkout.post(
    { shippingAddressId: me.addressId, shipping: [{ vendorId: s.vendor.id, optionId: s.optionId }], paymentMethod: 'cash_on_delivery' },
    { headers: { ...me.user.auth, 'idempotency-key': randomUUID() } },
  )
  expect(placed.status).toBe(201)
  return placed.data!.orders[0]!
}

const download = (as: TestUser, orderId: string) => t.request(`/api/v1/orders/${orderId}/invoice.pdf`, { headers: as.auth })

/**
 * The text drawn on each page. pdf-lib extracts no text, so this reads the content streams: the
 * standard font's text is shown as hex strings (`<48656C6C6F> Tj`) in WinAnsi, Latin-1 for the
 * characters these tests use.
 */
function pageTexts(pdf: Doc): string[] {
  return pdf.getPages().map((page) => {
    const contents = page.node.Contents()
    const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents]
    const operators = streams.map((stream) => (stream instanceof PDFRawStream ? new TextDecoder('latin1').decode(decodePDFRawStream(stream).decode()) : '')).join('\n')
    return [...operators.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)].map(([, hex]) => Buffer.from(hex!, 'hex').toString('latin1')).join('\n')
  })
}

/** Downloads the invoice as `as`, checks it is a PDF attachment, and answers it parsed with its text. */
async function invoiceOf(as: TestUser, order: { id: string; invoiceNumber: string }) {
  const response = await download(as, order.id)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('application/pdf')
  expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${order.invoiceNumber}.pdf"`)
  expect(response.headers.get('cache-control')).toStartWith('private')
  const bytes = new Uint8Array(await response.arrayBuffer())
  expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-')
  const pdf = await PDFDocument.load(bytes)
  expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1)
  expect(pdf.getTitle()).toBe(`Invoice ${order.invoiceNumber}`)
  return { pdf, pages: pageTexts(pdf) }
}

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
  home = (await client(t, admin).api.v1.admin.categories.post({ name: 'Home', slug: 'home' })).data!
}, 60_000)
afterAll(() => t.close())

describe('GET /orders/:id/invoice.pdf', () => {
  it('gives the buyer, the shop and admins the invoice, with names in any script drawn or safely replaced', async () => {
    const s = await shop('متجر الأمل')
    // 20 % default TVA: 2 × 450.00 = 900.00 holds 150.00; shipping free above 500.00.
    const rug = await makeProduct(t, s.owner, { categoryId: home.id, title: 'Tapis berbère Ifrane', sku: 'RUG-01', priceMinor: 45_000, stock: 5 })
    const me = await buyer({ displayName: 'Amélie Ődön', fullName: 'عائشة بنت أحمد' })
    await addToCart(me.user, rug.id, 2)
    const order = await placeOrder(me, s)

    const { pdf, pages } = await invoiceOf(me.user, order)
    // Metadata is Unicode: the shop's Arabic name is kept there as it is.
    expect(pdf.getAuthor()).toBe('متجر الأمل')
    const text = pages.join('\n')
    expect(text).toContain(`Invoice ${order.invoiceNumber}`)
    // Accents the font has stay, others lose their mark (Ő → O), Arabic letters become "?".
    expect(text).toContain('Amélie Odön')
    expect(text).toContain('Tapis berbère Ifrane')
    expect(text).toContain('?????')
    expect(text).not.toContain('عائشة')
    expect(text).toContain('Rabat-Salé-Kénitra')
    expect(text).toContain('Morocco')
    expect(text).toContain('RUG-01')
    expect(text).toContain('Cash on delivery')
    expect(text).toContain('Tax number: TAX')
    for (const amount of ['450.00 MAD', '900.00 MAD', '0.00 MAD', '750.00 MAD', '150.00 MAD', '20 %']) expect(text).toContain(amount)
    expect(text).not.toContain('Cancelled')

    for (const reader of [s.owner, admin]) expect((await invoiceOf(reader, order)).pages).toEqual(pages)
  })

  it('answers 404 to a stranger and to another shop, as if the order did not exist', async () => {
    const [s, other] = [await shop(), await shop()]
    const product = await makeProduct(t, s.owner, { categoryId: home.id })
    const me = await buyer()
    await addToCart(me.user, product.id, 1)
    const order = await placeOrder(me, s)
    for (const outsider of [await signUpAndSignIn(t), other.owner]) {
      const response = await download(outsider, order.id)
      expect(response.status).toBe(404)
      expect((await errorOf(response)).type).toBe('not_found')
    }
    expect((await download(me.user, `ord_${'0'.repeat(32)}`)).status).toBe(404)
    expect((await t.request(`/api/v1/orders/${order.id}/invoice.pdf`)).status).toBe(401)
  })

  it('says a cancelled order is cancelled, and why', async () => {
    const s = await shop()
    const product = await makeProduct(t, s.owner, { categoryId: home.id })
    const me = await buyer()
    await addToCart(me.user, product.id, 1)
    const order = await placeOrder(me, s)
    expect((await client(t, me.user).api.v1.orders({ id: order.id }).cancel.post({ reason: 'Ordered the wrong size' })).status).toBe(200)
    const { pages } = await invoiceOf(me.user, order)
    expect(pages.join('\n')).toContain('Cancelled: Ordered the wrong size')
  })

  it('runs long orders over several pages, repeating the table header', async () => {
    const s = await shop()
    const me = await buyer()
    for (let i = 0; i < 20; i++) {
      const product = await makeProduct(t, s.owner, { categoryId: home.id, title: `Lamp ${i} ${'with a very long descriptive title '.repeat(4)}`.slice(0, 140) })
      await addToCart(me.user, product.id, 1)
    }
    const order = await placeOrder(me, s)
    const { pages } = await invoiceOf(me.user, order)
    expect(pages.length).toBeGreaterThanOrEqual(2)
    pages.forEach((text, i) => {
      expect(text).toContain('Unit price')
      expect(text).toContain(`${order.invoiceNumber} · page ${i + 1} of ${pages.length}`)
    })
    expect(pages.join('\n')).toContain('Lamp 19 ')
  })
})
