import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { and, asc, eq } from 'drizzle-orm'
import { client, createTestApp, errorOf, sendJson, signUpAndSignIn, type TestApp, type TestUser, testIp } from '../../testing'
import { auditLog } from '../audit/table'
import { HELP_CATEGORIES } from './categories'
import { findHelpArticle, searchHelpArticles } from '.'

// The help centre: published articles read and searched by anyone (English stems, accents ignored,
// title and keywords above the text), written by admins, each change audited.

let t: TestApp
let admin: TestUser

beforeAll(async () => {
  t = await createTestApp()
  admin = await signUpAndSignIn(t, { role: 'admin' })
}, 60_000)
afterAll(() => t.close())

const help = () => client(t).api.v1.help
const articles = (as: TestUser = admin) => client(t, as).api.v1.admin.help.articles
const search = async (q: string) => {
  const response = await help().search.get({ query: { q } })
  expect(response.status).toBe(200)
  return response.data!.items
}
/** An article through the admins' route (published unless said), with a body of its own. */
async function write(fields: { slug: string; title?: string; body?: string; keywords?: string[]; published?: boolean; category?: (typeof HELP_CATEGORIES)[number] }) {
  const created = await articles().post({ title: `About ${fields.slug}`, body: 'Some text.', category: 'buying', published: true, ...fields })
  expect(created.status).toBe(201)
  return created.data!
}
const entriesOf = (id: string) =>
  t.ctx.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, 'help_article'), eq(auditLog.subjectId, id)))
    .orderBy(asc(auditLog.createdAt), asc(auditLog.id))

describe('the seeded help centre', () => {
  it('has published articles in every category, each readable by its slug with a Markdown body', async () => {
    const list = await help().articles.get()
    expect(list.status).toBe(200)
    const items = list.data!.items
    for (const category of HELP_CATEGORIES) expect(items.filter((a) => a.category === category).length).toBeGreaterThanOrEqual(2)
    for (const item of items) {
      expect(item.excerpt.length).toBeGreaterThan(20)
      expect(item.excerpt).not.toMatch(/[#*`]|\]\(/)
    }
    const returns = await help().articles.get({ query: { category: 'returns' } })
    expect(returns.data!.items.length).toBeGreaterThanOrEqual(2)
    expect(returns.data!.items.map((a) => a.category)).toEqual(returns.data!.items.map(() => 'returns'))

    const article = await help().articles({ slug: 'return-an-item' }).get()
    expect(article.status).toBe(200)
    expect(article.data).toMatchObject({ slug: 'return-an-item', category: 'returns', title: 'How to return an item' })
    expect(article.data!.body).toContain('](/orders)')
  })
})

describe('GET /help/search', () => {
  it('finds words by their stem and by keyword, case and accents ignored, published articles only', async () => {
    // "Returning" is stemmed like "return", "Returns" and "returned".
    expect((await search('Returning')).map((h) => h.slug)).toContain('return-an-item')
    // "hacked" is only a keyword of the security article.
    const hacked = await search('hacked')
    expect(hacked[0]).toMatchObject({ slug: 'account-security', category: 'account' })
    expect(hacked[0]!.rank).toBeGreaterThan(0)
    expect(hacked[0]!.rank).toBeLessThanOrEqual(1)

    await write({ slug: 'colis-retour', title: 'Envoyer un colis', body: 'Le retour du colis se fait sous 14 jours.' })
    expect((await search('RÉTOUR')).map((h) => h.slug)).toContain('colis-retour')

    // The excerpt is plain text around the words found.
    const [hit] = await search('auto-release')
    expect(hit!.excerpt).not.toMatch(/<|\*\*|\]\(/)
  })

  it('ranks a word in the title above the same word in the text, and articles with every word first', async () => {
    await write({ slug: 'zorblax-body', title: 'Something else entirely', body: 'Mentions a zorblax once, among other words about parcels.' })
    await write({ slug: 'zorblax-title', title: 'The zorblax guide', body: 'Nothing more to say here about parcels or anything.' })
    const hits = await search('zorblax')
    expect(hits.map((h) => h.slug)).toEqual(['zorblax-title', 'zorblax-body'])
    expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank)

    await write({ slug: 'zorblax-quibble', title: 'Quibbles', body: 'A zorblax and a quibble.' })
    // Any word matches, but every word ranks first whatever the weights.
    expect((await search('zorblax quibble')).map((h) => h.slug)[0]).toBe('zorblax-quibble')
    // `or` is read as a word (a stop word), not as an operator that would make every hit complete.
    expect((await search('zorblax or quibble')).map((h) => h.slug)[0]).toBe('zorblax-quibble')
    expect((await search('quibble OR zorblax')).map((h) => h.slug)[0]).toBe('zorblax-quibble')
    expect(await search('or')).toEqual([])
  })

  it('is what other modules call: searchHelpArticles and findHelpArticle read published articles only', async () => {
    const { db } = t.ctx.database
    const hits = await searchHelpArticles(db, 'my card payment was declined', { limit: 3 })
    expect(hits.length).toBeLessThanOrEqual(3)
    expect(hits[0]!.slug).toBe('card-payment-problems')
    expect(await searchHelpArticles(db, 'where is my', { limit: 5 })).toEqual([])
    expect(await findHelpArticle(db, 'no-such-article')).toBeNull()
    expect((await findHelpArticle(db, 'how-escrow-works'))?.title).toBe('How Souk protects your payment (escrow)')
  })

  it('refuses an empty, wordless or too long query and unknown parameters (400), and limits each client (429)', async () => {
    for (const url of ['/api/v1/help/search', '/api/v1/help/search?q=', '/api/v1/help/search?q=%3F%3F%21', `/api/v1/help/search?q=${'a'.repeat(201)}`, '/api/v1/help/search?q=x&limit=0', '/api/v1/help/search?q=x&sort=new']) {
      const response = await t.request(url, { headers: { 'x-forwarded-for': testIp() } })
      expect({ url, status: response.status }).toEqual({ url, status: 400 })
      expect((await errorOf(response)).type).toBe('invalid_data')
    }
    const ip = testIp()
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) statuses.push((await client(t, { ip }).api.v1.help.search.get({ query: { q: 'refund' } })).status)
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true)
    expect(statuses[60]).toBe(429)
  })
})

describe('admins write articles', () => {
  it('keeps an unpublished article out of lists, pages and search until it is published', async () => {
    const draft = await write({ slug: 'quietly-drafted', title: 'Drafted flurbnik notes', published: false })
    expect(draft.published).toBe(false)
    expect((await help().articles.get()).data!.items.map((a) => a.slug)).not.toContain('quietly-drafted')
    const page = await help().articles({ slug: 'quietly-drafted' }).get()
    expect(page.status).toBe(404)
    expect(page.error!.value).toMatchObject({ error: { type: 'not_found' } })
    expect(await search('flurbnik')).toEqual([])
    expect((await articles().get()).data!.items.map((a) => a.slug)).toContain('quietly-drafted')

    expect(await (await t.request('/sitemap.xml')).text()).not.toContain('/help/articles/quietly-drafted')

    expect((await articles()({ id: draft.id }).patch({ published: true })).status).toBe(200)
    expect((await search('flurbnik')).map((h) => h.slug)).toEqual(['quietly-drafted'])
    expect(await (await t.request('/sitemap.xml')).text()).toContain('/help/articles/quietly-drafted')
    expect((await help().articles({ slug: 'quietly-drafted' }).get()).status).toBe(200)
  })

  it('creates, changes and deletes, one audit entry each naming the admin', async () => {
    const created = await write({ slug: 'audit-me', title: '  Audited article  ', keywords: [' Money Back ', 'money back', 'REFUND'], published: false })
    expect(created).toMatchObject({ slug: 'audit-me', title: 'Audited article', keywords: ['money back', 'refund'], published: false })
    const changed = await articles()({ id: created.id }).patch({ slug: 'audited', body: 'New **text**.', published: true })
    expect(changed.status).toBe(200)
    expect(changed.data).toMatchObject({ slug: 'audited', body: 'New **text**.', published: true })
    expect((await help().articles({ slug: 'audited' }).get()).data!.body).toBe('New **text**.')
    expect((await help().articles({ slug: 'audit-me' }).get()).status).toBe(404)

    const removed = await articles()({ id: created.id }).delete()
    expect(removed.status).toBe(204)
    expect((await help().articles({ slug: 'audited' }).get()).status).toBe(404)
    expect((await articles()({ id: created.id }).delete()).status).toBe(404)
    expect((await articles()({ id: created.id }).patch({ published: false })).status).toBe(404)

    const entries = await entriesOf(created.id)
    expect(entries.map((e) => [e.kind, e.actorId])).toEqual([
      ['help.article_created', admin.id],
      ['help.article_updated', admin.id],
      ['help.article_deleted', admin.id],
    ])
    expect(entries[1]!.summary).toMatchObject({ slug: 'audited', slugBefore: 'audit-me', changed: 'slug, body, published', published: true })
    expect(entries[2]!.summary).toMatchObject({ slug: 'audited', title: 'Audited article' })
    expect(entries.every((e) => e.requestId !== null)).toBe(true)
  })

  it('refuses a slug in use (409) and leaves no entry', async () => {
    const first = await write({ slug: 'taken-slug' })
    const second = await write({ slug: 'other-slug' })
    const again = await sendJson(t, 'POST', '/api/v1/admin/help/articles', { slug: 'taken-slug', title: 'Again', body: 'x', category: 'buying' }, admin.auth)
    expect(again.status).toBe(409)
    expect(await errorOf(again)).toMatchObject({ type: 'conflict', details: [{ field: 'body.slug', message: 'is taken' }] })
    const moved = await articles()({ id: second.id }).patch({ slug: 'taken-slug' })
    expect(moved.status).toBe(409)
    expect((await entriesOf(second.id)).map((e) => e.kind)).toEqual(['help.article_created'])
    expect((await entriesOf(first.id)).map((e) => e.kind)).toEqual(['help.article_created'])
  })

  it('refuses bad input with 400 naming the field', async () => {
    const good = { slug: 'fine-slug', title: 'A fine title', body: 'Text', category: 'buying' }
    const bad: [unknown, string][] = [
      [{ ...good, slug: 'Not A Slug' }, 'body.slug'],
      [{ ...good, slug: 'trailing-' }, 'body.slug'],
      [{ ...good, slug: 'x'.repeat(81) }, 'body.slug'],
      [{ ...good, title: 'ab' }, 'body.title'],
      [{ ...good, title: '     ab     ' }, 'body.title'],
      [{ ...good, title: 'two\nlines' }, 'body.title'],
      [{ ...good, body: '' }, 'body.body'],
      [{ ...good, category: 'gossip' }, 'body.category'],
      [{ ...good, keywords: ['x'.repeat(41)] }, 'body.keywords.0'],
      [{ ...good, published: 'yes' }, 'body.published'],
    ]
    for (const [body, field] of bad) {
      const response = await sendJson(t, 'POST', '/api/v1/admin/help/articles', body, admin.auth)
      expect({ body, status: response.status }).toEqual({ body, status: 400 })
      const error = await errorOf(response)
      expect(error.type).toBe('invalid_data')
      expect(error.details!.map((d) => d.field).some((f) => f.startsWith(field))).toBe(true)
    }
    const { id } = await write({ slug: 'patch-target' })
    for (const body of [{}, { color: 'red' }, { slug: '' }]) expect((await sendJson(t, 'PATCH', `/api/v1/admin/help/articles/${id}`, body, admin.auth)).status).toBe(400)
    expect((await sendJson(t, 'PATCH', '/api/v1/admin/help/articles/not-an-id', { published: true }, admin.auth)).status).toBe(400)
    expect((await t.request('/api/v1/help/articles?category=gossip')).status).toBe(400)
  })

  it('is for admins only: 401 signed out, 403 for anyone else', async () => {
    const buyer = await signUpAndSignIn(t)
    const vendor = await signUpAndSignIn(t, { role: 'vendor' })
    const { id } = await write({ slug: 'guarded' })
    for (const user of [buyer, vendor]) {
      expect((await articles(user).get()).status).toBe(403)
      expect((await articles(user).post({ slug: 'sneaky', title: 'Sneaky', body: 'x', category: 'buying' })).status).toBe(403)
      expect((await articles(user)({ id }).patch({ published: false })).status).toBe(403)
      expect((await articles(user)({ id }).delete()).status).toBe(403)
    }
    expect((await t.request('/api/v1/admin/help/articles')).status).toBe(401)
    expect((await sendJson(t, 'PATCH', `/api/v1/admin/help/articles/${id}`, { published: false })).status).toBe(401)
    expect((await help().articles({ slug: 'guarded' }).get()).status).toBe(200)
    expect(await entriesOf(id)).toHaveLength(1)
  })
})

describe('server-rendered help pages', () => {
  it('are cached, and an admin change drops them on the spot (article, its category and the centre)', async () => {
    const article = await write({ slug: 'cached-page', title: 'A cached page', body: 'The first wording.', category: 'shipping' })
    const render = async (path: string) => {
      const response = await t.request(path)
      expect(response.status).toBe(200)
      return { cache: response.headers.get('x-cache'), html: await response.text() }
    }
    const paths = ['/help/articles/cached-page', '/help/category/shipping', '/help']
    for (const path of paths) await render(path)
    for (const path of paths) expect({ path, cache: (await render(path)).cache }).toEqual({ path, cache: 'HIT' })

    expect((await articles()({ id: article.id }).patch({ title: 'A renamed page', body: 'The second wording.' })).status).toBe(200)
    const again = await render('/help/articles/cached-page')
    expect(again.cache).toBe('MISS')
    expect(again.html).toContain('The second wording.')
    for (const path of paths.slice(1)) {
      const page = await render(path)
      expect({ path, cache: page.cache }).toEqual({ path, cache: 'MISS' })
      expect(page.html).toContain('A renamed page')
    }
  })
})
