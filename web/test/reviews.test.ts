import { describe, expect, it } from 'bun:test'
import { phonePhoto } from '../../src/lib/image-fixtures'
import { shop } from '../../src/modules/orders/testing'
import { completedOrder } from '../../src/modules/reviews/testing'
import { client, makeProduct, signUpAndSignIn } from '../../src/testing'
import { pageAs, screenshots, toast, useCategory, useSouk, WAIT } from './browser'

// Reviews: the buyer of a completed order reviews an item from the order page, with a photo; the
// shop replies from the product page; another buyer marks it helpful; the product page, rendered
// on the server, shows the new average and gives search engines its aggregateRating.

const T = 90_000

const suite = useSouk()
const given = useCategory(suite, 'Lamps')

describe('reviews', () => {
  it('a review half-written on one item is kept while another item’s review is published', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const [lamp, shade] = await Promise.all([
      makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Tin lamp', priceMinor: 9_000, stock: 5 }),
      makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Paper shade', priceMinor: 4_000, stock: 5 }),
    ])
    const { me, orderId } = await completedOrder(t, s, [lamp.id, shade.id])

    const buyer = await pageAs(suite, me.user, `/orders/${orderId}`)
    const panel = buyer.page.getByRole('region', { name: 'Review your items' })
    const item = (title: string) => panel.getByRole('listitem').filter({ has: buyer.page.getByText(title, { exact: true }) })
    await item('Paper shade').getByRole('button', { name: 'Write a review' }).click()
    const shadeForm = panel.getByRole('form', { name: 'Review of Paper shade' })
    await shadeForm.getByLabel('Your review').fill('Thinner paper than I hoped')
    await item('Tin lamp').getByRole('button', { name: 'Write a review' }).click()
    const lampForm = panel.getByRole('form', { name: 'Review of Tin lamp' })
    await lampForm.getByLabel('Your review').fill('Bright and well made.')
    await lampForm.getByRole('button', { name: 'Publish review' }).click()
    await toast(buyer.page, 'Thank you: your review is published.')
    await item('Tin lamp').getByTestId('my-review').filter({ hasText: 'Bright and well made.' }).waitFor(WAIT)
    // The panel was read again: the other form is still open, with what was typed.
    expect(await shadeForm.getByLabel('Your review').inputValue()).toBe('Thinner paper than I hoped')
    expect(buyer.problems).toEqual([])
    await buyer.close()
  }, T)
  it('a buyer reviews a received item with a photo, the shop replies, another user finds it helpful, and the page shows the rating', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Brass lamp', priceMinor: 20_000, stock: 5 })
    const { me, orderId } = await completedOrder(t, s, product.id)
    // Rendered (and cached) for visitors before any review.
    const pageText = async () => (await (await fetch(`${suite.souk.url}/products/${product.slug}`)).text()).replace(/<[^>]+>/g, '')
    expect(await pageText()).toContain('No reviews yet')

    // The buyer, on the order page.
    const buyer = await pageAs(suite, me.user, `/orders/${orderId}`)
    const panel = buyer.page.getByRole('region', { name: 'Review your items' })
    await panel.getByRole('button', { name: 'Write a review' }).click()
    const form = panel.getByRole('form', { name: 'Review of Brass lamp' })
    await form.getByLabel('4 stars').check()
    await form.getByLabel('Your review').fill('Warm light and heavy brass. The shade was a little dented.')
    const chooser = buyer.page.waitForEvent('filechooser')
    await form.getByRole('button', { name: 'Add a photo' }).click()
    await (await chooser).setFiles({ name: 'lamp.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await phonePhoto()) })
    await form.getByText('lamp.jpg will be added.').waitFor(WAIT)
    await form.getByRole('button', { name: 'Publish review' }).click()
    await toast(buyer.page, 'Thank you: your review is published.')
    await panel.getByTestId('my-review').filter({ hasText: '1 photo' }).waitFor(WAIT)
    await screenshots(buyer.page, 'order-review-written')
    expect(buyer.problems).toEqual([])
    await buyer.close()

    // The shop replies on the product page.
    const seller = await pageAs(suite, s.owner, `/products/${product.slug}`)
    const reviews = seller.page.getByRole('region', { name: 'Reviews' })
    await reviews.getByTestId('review-body').filter({ hasText: 'Warm light and heavy brass' }).waitFor(WAIT)
    await reviews.getByLabel('Your reply as the shop').fill('Sorry about the shade: we will send a new one.')
    await reviews.getByRole('button', { name: 'Publish reply' }).click()
    await reviews.getByTestId('review-reply').filter({ hasText: 'we will send a new one' }).waitFor(WAIT)
    expect(seller.problems).toEqual([])
    await seller.close()

    // Another signed-in user finds it helpful.
    const other = await signUpAndSignIn(t, { displayName: 'Yasmine' })
    const reader = await pageAs(suite, other, `/products/${product.slug}`)
    const section = reader.page.getByRole('region', { name: 'Reviews' })
    await section.getByRole('button', { name: 'Helpful · 0' }).click()
    await section.getByRole('button', { name: 'Helpful · 1', pressed: true }).waitFor(WAIT)
    await section.getByRole('img', { name: /^Photo 1 of the review by / }).waitFor(WAIT)
    await screenshots(reader.page, 'product-reviews')
    expect(reader.problems).toEqual([])
    await reader.close()

    // Rendered on the server, for anyone and for search engines.
    expect(await pageText()).toContain('Rated 4.0 out of 5 from 1 review')
    const html = await (await fetch(`${suite.souk.url}/products/${product.slug}`)).text()
    const data = [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>)
    expect(data.find((d) => d['@type'] === 'Product')).toMatchObject({ name: 'Brass lamp', aggregateRating: { '@type': 'AggregateRating', ratingValue: 4, reviewCount: 1 } })
  }, T)

  it('a reader reports a review from the product page; an admin hides it from Reported reviews, and it leaves the product’s reviews', async () => {
    const t = suite.souk.testApp
    const s = await shop(t)
    const product = await makeProduct(t, s.owner, { categoryId: given.categoryId, title: 'Copper lamp', priceMinor: 15_000, stock: 5 })
    const { me, orderId } = await completedOrder(t, s, product.id)
    const body = 'Call me on 0600000000 for a cheaper one'
    expect((await client(t, me.user).api.v1.orders({ id: orderId }).items({ position: 0 }).review.post({ rating: 1, body })).status).toBe(201)

    const reporter = await signUpAndSignIn(t, { displayName: 'Nadia' })
    const reader = await pageAs(suite, reporter, `/products/${product.slug}`)
    const review = reader.page.getByRole('region', { name: 'Reviews' }).getByRole('listitem').filter({ hasText: body })
    await review.getByRole('button', { name: 'Report' }).click()
    const dialog = reader.page.getByRole('dialog', { name: 'Report this review' })
    await dialog.getByLabel('What is wrong with it?').selectOption('personal_data')
    await dialog.getByRole('button', { name: 'Send report' }).click()
    await toast(reader.page, 'Thanks: an admin will look at it.')
    expect(reader.problems).toEqual([])
    await reader.close()

    const admin = await pageAs(suite, given.admin, '/admin?tab=review-reports')
    const reported = admin.page.getByRole('listitem', { name: /^Reported review by / }).filter({ hasText: body })
    await reported.getByText(/^1 report · personal data · last /).waitFor(WAIT)
    await reported.getByRole('button', { name: 'Hide review…' }).click()
    const hide = admin.page.getByRole('dialog', { name: 'Hide this review' })
    await hide.getByLabel('Reason').fill('It shares a phone number')
    await hide.getByRole('button', { name: 'Hide review' }).click()
    await toast(admin.page, 'The review is hidden; its author is told why.')
    await admin.page.getByRole('heading', { name: 'No reported reviews' }).waitFor(WAIT)
    expect(admin.problems).toEqual([])
    await admin.close()

    const shown = (await client(t).api.v1.products({ slug: product.slug }).reviews.get({ query: {} })).data!
    expect(shown.items.map((r) => r.body)).toEqual([])
  }, T)
})
