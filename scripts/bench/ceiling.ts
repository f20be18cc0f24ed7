// The raw ceiling: what Bun itself does with the bench's scenarios on this machine. Bun.serve and
// postgres.js, the same SQL as Souk and the same JSON shapes, and nothing else: no framework, no
// validation, no logging, no cache. `PORT=4100 DATABASE_URL=... bun scripts/bench/ceiling.ts`
import type { ServerWebSocket } from 'bun'
import postgres from 'postgres'

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} })
const iso = (date: Date | null) => (date === null ? null : date.toISOString())
const activeUntil = (until: Date | null) => until !== null && until > new Date()

type Row = Record<string, any>

/**
 * GET /api/v1/products: a catalog page (newest first, or by price), optionally filtered by category
 * (with its descendants), price range and stock, as a hand-written server would answer it: one
 * statement with the joins (shop, category, primary photo) and the count of matches, the same
 * JSON as Souk's first page.
 */
async function catalogPage(params: URLSearchParams): Promise<Row> {
  const category = params.get('category')
  const [minPrice, maxPrice] = [params.get('minPrice'), params.get('maxPrice')]
  const sort = params.get('sort') ?? 'newest'
  const order = sort === 'price_asc' ? sql`p.price_minor asc, p.id asc` : sort === 'price_desc' ? sql`p.price_minor desc, p.id desc` : sql`p.created_at desc, p.id desc`
  const rows = await sql`
    with recursive cat as (
      select id from categories where slug = ${category ?? ''}
      union all select c.id from categories c join cat on c.parent_id = cat.id)
    select p.id, p.slug, p.title, p.price_minor, p.currency, p.stock, p.condition, p.location, p.status, p.featured_until, p.boosted_until,
           p.views_count, p.favorites_count, p.rating_count, p.rating_sum, p.review_state, p.review_reason, p.submitted_at, p.created_at,
           c.id as cat_id, c.slug as cat_slug, c.name as cat_name,
           v.id as v_id, v.slug as v_slug, v.company_name, v.logo_url, v.city, v.country,
           i.id as image_id, i.version, i.width, i.height, count(*) over () as total
    from products p
    join vendors v on v.id = p.vendor_id and v.status = 'approved'
    left join categories c on c.id = p.category_id
    left join product_images i on i.product_id = p.id and i.position = 0
    where p.deleted_at is null and p.unpublished_at is null and p.review_state = 'approved' and p.status = 'active'
      ${category === null ? sql`` : sql`and p.category_id in (select id from cat)`}
      ${minPrice === null ? sql`` : sql`and p.price_minor >= ${Number(minPrice)}`}
      ${maxPrice === null ? sql`` : sql`and p.price_minor <= ${Number(maxPrice)}`}
      ${params.get('inStock') === 'true' ? sql`and p.stock > 0` : sql``}
    order by ${order} limit 21`
  const kept = rows.slice(0, 20)
  const last = kept.at(-1)
  return {
    items: kept.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      priceMinor: r.price_minor,
      currency: r.currency,
      stock: r.stock,
      condition: r.condition,
      location: r.location,
      status: r.status,
      category: r.cat_id === null ? null : { id: r.cat_id, slug: r.cat_slug, name: r.cat_name },
      vendor: { id: r.v_id, slug: r.v_slug, companyName: r.company_name, logoUrl: r.logo_url, city: r.city, country: r.country },
      featured: activeUntil(r.featured_until),
      boosted: activeUntil(r.boosted_until),
      viewsCount: r.views_count,
      favoritesCount: r.favorites_count,
      rating: { average: r.rating_count === 0 ? null : Math.round((r.rating_sum * 10) / r.rating_count) / 10, count: r.rating_count },
      review: { state: r.review_state, reason: r.review_reason, submittedAt: iso(r.submitted_at) },
      image:
        r.image_id === null
          ? null
          : {
              id: r.image_id,
              url: `/api/v1/product-images/${r.image_id}/${r.version}-display.webp`,
              thumbnailUrl: `/api/v1/product-images/${r.image_id}/${r.version}-thumb.webp`,
              width: r.width,
              height: r.height,
            },
      createdAt: iso(r.created_at),
    })),
    nextCursor: rows.length > 20 && last !== undefined ? Buffer.from(JSON.stringify([sort, iso(last.created_at), last.id])).toString('base64url') : null,
    total: Number(rows[0]?.total ?? 0),
  }
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** GET /products/:slug: the product with its shop, and similar products, as a plain HTML page. */
async function productPage(slug: string): Promise<Response> {
  const [product] = await sql`
    select p.*, v.company_name, v.slug as vendor_slug, v.city from products p join vendors v on v.id = p.vendor_id
    where p.slug = ${slug} and p.deleted_at is null and v.status = 'approved'`
  if (product === undefined) return new Response('Not found', { status: 404 })
  const similar = await sql`
    select slug, title, price_minor, currency from products
    where category_id = ${product.category_id} and id <> ${product.id} and status = 'active' and deleted_at is null
    order by views_count + 5 * favorites_count desc, id desc limit 4`
  const price = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(product.title)} · Souk</title>
<meta property="og:title" content="${escape(product.title)}"><meta name="description" content="${escape(product.description.slice(0, 160))}"></head>
<body><main><h1>${escape(product.title)}</h1><p class="price">${price(product.price_minor, product.currency)}</p>
<p>${escape(product.description)}</p><p>Sold by <a href="/vendors/${product.vendor_slug}">${escape(product.company_name)}</a>, ${escape(product.city)}</p>
<p>${product.stock} in stock · ${escape(product.condition)} · ${escape(product.location)}</p>
<section><h2>Similar</h2><ul>${similar.map((s) => `<li><a href="/products/${s.slug}">${escape(s.title)}</a> ${price(s.price_minor, s.currency)}</li>`).join('')}</ul></section>
</main><script>window.__PRODUCT__=${JSON.stringify({ id: product.id, version: product.version }).replace(/</g, '\\u003c')}</script></body></html>`
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })
}

interface Socket {
  userId: string
}

/** chat.send: one statement takes the next seq (checking membership) and inserts the message. */
async function chatSend(ws: ServerWebSocket<Socket>, message: Row) {
  const [row] = await sql`
    with c as (
      update conversations set last_seq = last_seq + 1, last_activity_at = now()
      where id = ${message.conversationId} and (buyer_id = ${ws.data.userId} or seller_id = ${ws.data.userId})
      returning last_seq)
    insert into messages (id, conversation_id, seq, sender_id, client_id, kind, body, created_at)
    select ${`msg_${Bun.randomUUIDv7().replaceAll('-', '')}`}, ${message.conversationId}, c.last_seq, ${ws.data.userId}, ${message.clientId}, 'text', ${message.body}, now() from c
    returning id, conversation_id, seq, sender_id, client_id, body, created_at`
  if (row === undefined) return ws.send(JSON.stringify({ type: 'error', ref: message.ref, code: 'NotFound', message: 'No such conversation' }))
  const data = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    kind: 'text',
    body: row.body,
    image: null,
    system: null,
    clientId: row.client_id,
    deleted: false,
    createdAt: iso(row.created_at),
  }
  const topic = `conversation:${row.conversation_id}`
  server.publish(topic, JSON.stringify({ type: 'event', topic, id: row.seq, kind: 'message', data }))
  ws.send(JSON.stringify({ type: 'ack', ref: message.ref, of: 'chat.send', clientId: row.client_id, message: data }))
}

async function subscribe(ws: ServerWebSocket<Socket>, message: Row) {
  if (message.topic === `user:${ws.data.userId}`) {
    ws.subscribe(message.topic)
    return ws.send(JSON.stringify({ type: 'subscribed', ref: message.ref, topic: message.topic, replayed: 0, lastId: 0 }))
  }
  const id = String(message.topic).slice('conversation:'.length)
  const [member] = await sql`select 1 from conversations where id = ${id} and (buyer_id = ${ws.data.userId} or seller_id = ${ws.data.userId})`
  if (member === undefined) return ws.send(JSON.stringify({ type: 'error', ref: message.ref, code: 'TopicForbidden', message: 'Not yours' }))
  ws.subscribe(message.topic)
  ws.send(JSON.stringify({ type: 'subscribed', ref: message.ref, topic: message.topic, replayed: 0, lastId: 0 }))
}

const server = Bun.serve<Socket, never>({
  port: Number(process.env.PORT ?? 4100),
  async fetch(request, server) {
    const url = new URL(request.url)
    if (url.pathname === '/api/v1/products') return Response.json(await catalogPage(url.searchParams))
    if (url.pathname.startsWith('/products/')) return productPage(decodeURIComponent(url.pathname.slice('/products/'.length)))
    if (url.pathname === '/ws') {
      // The socket's sign-in: its session must be open (the lookup Souk does for a ticket's token).
      const [user] = await sql`
        select u.id from sessions s join users u on u.id = s.user_id
        where s.id = ${url.searchParams.get('session') ?? ''} and s.revoked_at is null and s.expires_at > now() and u.deleted_at is null`
      if (user === undefined) return new Response('Unauthorized', { status: 401 })
      return server.upgrade(request, { data: { userId: user.id } }) ? undefined : new Response('Upgrade failed', { status: 400 })
    }
    if (url.pathname === '/healthz') return new Response('ok')
    return new Response('Not found', { status: 404 })
  },
  websocket: {
    maxPayloadLength: 64 * 1024,
    idleTimeout: 60,
    sendPings: true,
    async message(ws, raw) {
      const message = JSON.parse(String(raw)) as Row
      if (message.type === 'chat.send') await chatSend(ws, message)
      else if (message.type === 'subscribe') await subscribe(ws, message)
      else if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong', ref: message.ref }))
    },
  },
})

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void server.stop(true)
    void sql.end({ timeout: 1 }).then(() => process.exit(0))
  })
}
