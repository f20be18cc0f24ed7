import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { randomUUID } from 'node:crypto'
import { readEventRange } from '../../events/log'
import { client, createTestApp, makeProduct, makeVendor, postJson, sendJson, signUpAndSignIn, type TestApp, type TestUser } from '../../testing'
import { cartLinesForCheckout, removeCartLines } from '.'
import type { CartModel } from './model'
import { MAX_CART_QUANTITY, MAX_MERGE_ITEMS } from './rules'

let t: TestApp
let admin: TestUser
let seller: TestUser
let categoryId: string

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
  const slug = `cart-${randomUUID().slice(0, 8)}`
  categoryId = ((await (await postJson(t, '/api/v1/admin/categories', { name: `Cart ${slug}`, slug }, admin.auth)).json()) as { id: string }).id
  seller = (await makeVendor(t, { companyName: 'Atlas Pottery' })).user
}, 60_000)
afterAll(() => t.close())

const product = (fields: Record<string, unknown> = {}, owner: TestUser = seller) => makeProduct(t, owner, { categoryId, ...fields })
const cart = (user: TestUser) => client(t, user).api.v1.cart
const item = (user: TestUser, productId: string) => cart(user).items({ productId })
const linesOf = (answer: CartModel.Cart) => answer.lines.map((line) => ({ productId: line.productId, quantity: line.quantity }))
const errorOf = (answer: { error: { value: unknown } | null }) => (answer.error?.value as { error: { type: string; message: string; details?: unknown } }).error
const byId = <T extends { productId: string }>(list: T[]) => [...list].sort((x, y) => x.productId.localeCompare(y.productId))
const ofProduct = (slug: string, user: TestUser = seller) => client(t, user).api.v1.products({ slug })
/** The counts the `cart` events of `user` carried, in id order. */
const cartCounts = async (user: TestUser) =>
  (await readEventRange(t.ctx.database.db, `user:${user.id}`, 0, 10_000)).filter((event) => event.kind === 'cart').map((event) => (event.data as { count: number }).count)

describe('adding to the cart', () => {
  it('keeps one line per product: adding twice sums, setting replaces; every change says the count on user:<id>', async () => {
    const buyer = await signUpAndSignIn(t)
    const bowl = await product({ title: 'Blue bowl', priceMinor: 12_550, stock: 10 })
    expect((await item(buyer, bowl.id).put({ add: 1 })).status).toBe(200)
    const second = await item(buyer, bowl.id).put({ add: 1 })
    expect(second.data).toMatchObject({
      count: 2,
      lines: [
        {
          productId: bowl.id,
          quantity: 2,
          priceSeenMinor: 12_550,
          priceChanged: false,
          buyable: true,
          problem: null,
          product: { slug: bowl.slug, title: 'Blue bowl', priceMinor: 12_550, currency: 'MAD', stock: 10, status: 'active', imageUrl: null },
          shop: { name: 'Atlas Pottery' },
        },
      ],
    })
    expect(linesOf((await item(buyer, bowl.id).put({ quantity: 5 })).data!)).toEqual([{ productId: bowl.id, quantity: 5 }])
    const plate = await product({ stock: 10 })
    expect((await item(buyer, plate.id).put({ quantity: 3 })).data?.count).toBe(8)
    expect(linesOf((await cart(buyer).get()).data!)).toEqual([
      { productId: bowl.id, quantity: 5 },
      { productId: plate.id, quantity: 3 },
    ])
    expect(await cartCounts(buyer)).toEqual([1, 2, 5, 8])
  })

  it('sums concurrent adds of one product exactly, and their events count up in order', async () => {
    const buyer = await signUpAndSignIn(t)
    const tile = await product({ stock: 100 })
    const answers = await Promise.all(Array.from({ length: 20 }, () => item(buyer, tile.id).put({ add: 1 })))
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))
    expect(linesOf((await cart(buyer).get()).data!)).toEqual([{ productId: tile.id, quantity: 20 }])
    expect(await cartCounts(buyer)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  })

  it('never holds more than the stock: 409 naming what is left, also when concurrent adds would pass it', async () => {
    const buyer = await signUpAndSignIn(t)
    const vase = await product({ title: 'Vase', stock: 3 })
    expect((await item(buyer, vase.id).put({ add: 2 })).status).toBe(200)
    const over = await item(buyer, vase.id).put({ add: 2 })
    expect(over.status).toBe(409)
    expect(errorOf(over)).toMatchObject({ type: 'conflict', message: 'Only 3 of Vase left, and your cart has 2', details: { available: 3 } })
    expect(errorOf(await item(buyer, vase.id).put({ quantity: 4 }))).toMatchObject({ message: 'Only 3 of Vase left', details: { available: 3 } })
    expect((await item(buyer, vase.id).put({ quantity: 3 })).data?.count).toBe(3)

    const jug = await product({ stock: 5 })
    const racing = await Promise.all(Array.from({ length: 8 }, () => item(buyer, jug.id).put({ add: 1 })))
    expect(racing.filter((a) => a.status === 200)).toHaveLength(5)
    expect(racing.filter((a) => a.status === 409)).toHaveLength(3)
    expect((await cart(buyer).get()).data?.lines.find((line) => line.productId === jug.id)?.quantity).toBe(5)

    const soldOut = await product({ title: 'Lamp', stock: 0 })
    expect(errorOf(await item(buyer, soldOut.id).put({ add: 1 }))).toMatchObject({ type: 'conflict', message: 'Lamp is sold out', details: { available: 0 } })
  })

  it(`caps a line at ${MAX_CART_QUANTITY} whatever the stock`, async () => {
    const buyer = await signUpAndSignIn(t)
    const beads = await product({ stock: 5_000 })
    expect((await item(buyer, beads.id).put({ quantity: MAX_CART_QUANTITY })).status).toBe(200)
    expect(errorOf(await item(buyer, beads.id).put({ add: 1 }))).toMatchObject({ type: 'conflict', details: { available: MAX_CART_QUANTITY } })
    expect((await sendJson(t, 'PUT', `/api/v1/cart/items/${beads.id}`, { quantity: MAX_CART_QUANTITY + 1 }, buyer.auth)).status).toBe(400)
  })

  it('refuses products that cannot be bought: 404 when not on sale, 409 when sold, 403 for my own listing', async () => {
    const buyer = await signUpAndSignIn(t)
    const draft = await product({ status: 'draft' })
    const archived = await product()
    expect((await ofProduct(archived.slug).patch({ status: 'archived' })).status).toBe(200)
    const deleted = await product()
    expect((await ofProduct(deleted.slug).delete()).status).toBe(204)
    const sold = await product({ title: 'Rug' })
    expect((await ofProduct(sold.slug)['mark-sold'].post()).status).toBe(200)
    const suspended = await makeVendor(t)
    const ofSuspended = await product({}, suspended.user)
    expect((await client(t, admin).api.v1.admin.vendors({ id: suspended.vendor.id }).suspend.post({ reason: 'Unpaid fees' })).status).toBe(200)

    for (const id of [draft.id, archived.id, deleted.id, ofSuspended.id, `prd_${'0'.repeat(32)}`]) {
      const answer = await item(buyer, id).put({ add: 1 })
      expect({ id, status: answer.status, type: errorOf(answer).type }).toEqual({ id, status: 404, type: 'not_found' })
    }
    expect(errorOf(await item(buyer, sold.id).put({ add: 1 }))).toMatchObject({ type: 'conflict', message: 'Rug is sold', details: { status: 'sold' } })
    const mine = await product()
    expect(errorOf(await item(seller, mine.id).put({ add: 1 }))).toMatchObject({ type: 'forbidden' })
    expect((await cart(buyer).get()).data).toEqual({ lines: [], count: 0 })
    expect(await cartCounts(buyer)).toEqual([])
  })

  it('shows each line as its product is now: a changed price, too little stock, a product withdrawn', async () => {
    const buyer = await signUpAndSignIn(t)
    const [cup, pot, mat] = await Promise.all([product({ priceMinor: 4_000, stock: 5 }), product({ stock: 5 }), product({ stock: 5 })])
    for (const p of [cup, pot, mat]) await item(buyer, p.id).put({ quantity: 2 })
    await ofProduct(cup.slug).patch({ priceMinor: 4_500 })
    await ofProduct(pot.slug).patch({ stock: 1 })
    await ofProduct(mat.slug).patch({ status: 'draft' })
    const lines = (await cart(buyer).get()).data!.lines
    const of = (id: string) => lines.find((line) => line.productId === id)!
    expect(of(cup.id)).toMatchObject({ priceSeenMinor: 4_000, priceChanged: true, buyable: true, problem: null, product: { priceMinor: 4_500 } })
    expect(of(pot.id)).toMatchObject({ buyable: false, problem: 'short', product: { stock: 1 } })
    expect(of(mat.id)).toMatchObject({ buyable: false, problem: 'unavailable', product: { status: 'draft' } })
    // Setting the quantity keeps the price seen; adding again (from the product page) takes the new one.
    expect((await item(buyer, cup.id).put({ quantity: 1 })).data!.lines.find((line) => line.productId === cup.id)).toMatchObject({ priceChanged: true })
    expect((await item(buyer, cup.id).put({ add: 1 })).data!.lines.find((line) => line.productId === cup.id)).toMatchObject({ priceSeenMinor: 4_500, priceChanged: false })
  })
})

describe('removing', () => {
  it('removes a line, then clears the cart; removing what is not there changes nothing', async () => {
    const buyer = await signUpAndSignIn(t)
    const [a, b] = await Promise.all([product(), product()])
    await item(buyer, a.id).put({ quantity: 2 })
    await item(buyer, b.id).put({ quantity: 1 })
    expect(linesOf((await item(buyer, a.id).delete()).data!)).toEqual([{ productId: b.id, quantity: 1 }])
    expect((await item(buyer, a.id).delete()).data).toMatchObject({ count: 1 })
    expect((await cart(buyer).delete()).data).toEqual({ lines: [], count: 0 })
    expect((await cart(buyer).delete()).data).toEqual({ lines: [], count: 0 })
    expect(await cartCounts(buyer)).toEqual([2, 3, 1, 0])
  })
})

describe('merging a guest cart at sign-in', () => {
  it('adds quantities up to the stock and says which lines were capped or skipped, and why', async () => {
    const buyer = await signUpAndSignIn(t)
    const [kept, topped, capped, soldOut, draft, sold] = await Promise.all([
      product({ stock: 10 }),
      product({ stock: 4 }),
      product({ stock: 3 }),
      product({ stock: 0 }),
      product({ status: 'draft' }),
      product(),
    ])
    await ofProduct(sold.slug)['mark-sold'].post()
    const mine = await product({}, (await makeVendor(t)).user)
    await item(buyer, topped.id).put({ quantity: 3 })
    const unknown = `prd_${'f'.repeat(32)}`
    const merged = await cart(buyer).merge.post({
      items: [
        { productId: kept.id, quantity: 1 },
        { productId: kept.id, quantity: 1 },
        { productId: topped.id, quantity: 2 },
        { productId: capped.id, quantity: 5 },
        { productId: soldOut.id, quantity: 1 },
        { productId: draft.id, quantity: 1 },
        { productId: sold.id, quantity: 1 },
        { productId: unknown, quantity: 1 },
      ],
    })
    expect(merged.status).toBe(200)
    expect(byId(linesOf(merged.data!.cart))).toEqual(
      byId([
        { productId: kept.id, quantity: 2 },
        { productId: topped.id, quantity: 4 },
        { productId: capped.id, quantity: 3 },
      ]),
    )
    expect(merged.data!.cart.count).toBe(9)
    expect(byId(merged.data!.adjusted)).toEqual(
      byId([
        { productId: topped.id, requested: 2, added: 1, reason: 'capped' },
        { productId: capped.id, requested: 5, added: 3, reason: 'capped' },
        { productId: soldOut.id, requested: 1, added: 0, reason: 'sold_out' },
        { productId: draft.id, requested: 1, added: 0, reason: 'unavailable' },
        { productId: sold.id, requested: 1, added: 0, reason: 'unavailable' },
        { productId: unknown, requested: 1, added: 0, reason: 'unavailable' },
      ]),
    )
    expect(await cartCounts(buyer)).toEqual([3, 9])

    // The shop owner's own listing is skipped; a line already above the stock is never lowered.
    const owner = (await makeVendor(t)).user
    const own = await product({}, owner)
    const scarce = await product({ stock: 5 })
    await item(owner, scarce.id).put({ quantity: 5 })
    await ofProduct(scarce.slug).patch({ stock: 2 })
    const again = await cart(owner).merge.post({ items: [{ productId: own.id, quantity: 1 }, { productId: scarce.id, quantity: 1 }, { productId: mine.id, quantity: 1 }] })
    expect(linesOf(again.data!.cart)).toEqual([
      { productId: scarce.id, quantity: 5 },
      { productId: mine.id, quantity: 1 },
    ])
    expect(again.data!.adjusted).toContainEqual({ productId: own.id, requested: 1, added: 0, reason: 'own_listing' })
    expect(again.data!.adjusted).toContainEqual({ productId: scarce.id, requested: 1, added: 0, reason: 'capped' })
  })

  it('answers an empty guest cart with my cart, and refuses more than the limit of lines', async () => {
    const buyer = await signUpAndSignIn(t)
    expect((await cart(buyer).merge.post({ items: [] })).data).toEqual({ cart: { lines: [], count: 0 }, adjusted: [] })
    const p = await product()
    const items = Array.from({ length: MAX_MERGE_ITEMS + 1 }, () => ({ productId: p.id, quantity: 1 }))
    expect((await cart(buyer).merge.post({ items })).status).toBe(400)
    expect(await cartCounts(buyer)).toEqual([])
  })
})

describe('whose cart', () => {
  it('is always the caller’s own: another buyer neither sees nor changes it', async () => {
    const [alice, bob] = await Promise.all([signUpAndSignIn(t), signUpAndSignIn(t)])
    const p = await product()
    await item(alice, p.id).put({ quantity: 2 })
    expect((await cart(bob).get()).data).toEqual({ lines: [], count: 0 })
    expect((await item(bob, p.id).delete()).data).toEqual({ lines: [], count: 0 })
    expect((await cart(bob).delete()).status).toBe(200)
    expect(linesOf((await cart(alice).get()).data!)).toEqual([{ productId: p.id, quantity: 2 }])
    expect(await cartCounts(bob)).toEqual([])
  })

  it('needs a signed-in user', async () => {
    const p = await product()
    const anonymous = client(t).api.v1.cart
    expect((await anonymous.get()).status).toBe(401)
    expect((await anonymous.items({ productId: p.id }).put({ add: 1 })).status).toBe(401)
    expect((await anonymous.items({ productId: p.id }).delete()).status).toBe(401)
    expect((await anonymous.delete()).status).toBe(401)
    expect((await anonymous.merge.post({ items: [] })).status).toBe(401)
  })
})

describe('bad input', () => {
  it('answers 400 in the standard shape', async () => {
    const buyer = await signUpAndSignIn(t)
    const p = await product()
    const put = (body: unknown, id: string = p.id) => sendJson(t, 'PUT', `/api/v1/cart/items/${id}`, body, buyer.auth)
    for (const body of [{}, { quantity: 1, add: 1 }, { quantity: 0 }, { add: -1 }, { quantity: 1.5 }, { quantity: 'two' }, { add: null }]) {
      const response = await put(body)
      const error = ((await response.json()) as { error: { type: string; requestId: string } }).error
      expect({ body, status: response.status, type: error.type }).toEqual({ body, status: 400, type: 'invalid_data' })
      expect(error.requestId).toBeString()
    }
    expect((await put({ add: 1 }, 'not-a-product')).status).toBe(400)
    expect((await t.request(`/api/v1/cart/items/${buyer.id}`, { method: 'DELETE', headers: buyer.auth })).status).toBe(400)
    for (const body of [{}, { items: [{ productId: p.id, quantity: 0 }] }, { items: [{ productId: 'x', quantity: 1 }] }, { items: 'all' }]) {
      expect({ body, status: (await postJson(t, '/api/v1/cart/merge', body, buyer.auth)).status }).toEqual({ body, status: 400 })
    }
    expect(await cartCounts(buyer)).toEqual([])
  })
})

describe('for the checkout', () => {
  it('reads the lines in the caller’s transaction and removes the bought ones with their event', async () => {
    const buyer = await signUpAndSignIn(t)
    const [a, b] = await Promise.all([product({ priceMinor: 2_000 }), product()])
    await item(buyer, a.id).put({ quantity: 2 })
    await item(buyer, b.id).put({ quantity: 1 })
    const db = t.ctx.database.db
    expect(await cartLinesForCheckout(db, buyer.id)).toEqual([
      { productId: a.id, quantity: 2, priceSeenMinor: 2_000 },
      { productId: b.id, quantity: 1, priceSeenMinor: 10_000 },
    ])
    const events = await db.transaction(async (tx) => {
      const lines = await cartLinesForCheckout(tx, buyer.id)
      return removeCartLines(tx, buyer.id, lines.filter((line) => line.productId === a.id).map((line) => line.productId), new Date())
    })
    expect(events).toMatchObject([{ topic: `user:${buyer.id}`, kind: 'cart', data: { count: 1 } }])
    expect(linesOf((await cart(buyer).get()).data!)).toEqual([{ productId: b.id, quantity: 1 }])
    expect(await db.transaction((tx) => removeCartLines(tx, buyer.id, [a.id], new Date()))).toEqual([])
  })
})
