// The bench's own database, recreated and seeded on every run in a few seconds: rows go in with
// batched inserts through Souk's Drizzle tables (no argon2 hashing, no HTTP), and sockets sign in
// with access tokens minted with the JWT secret the bench hands Souk, traded for tickets in Redis.
import Redis from 'ioredis'
import postgres from 'postgres'
import { openPostgres } from '../../src/db/client'
import { migrateDatabase } from '../../src/db/migrate'
import { systemClock } from '../../src/lib/clock'
import { newId } from '../../src/lib/ids'
import { sessions, users } from '../../src/modules/accounts/table'
import { categories, products } from '../../src/modules/catalog/table'
import { addresses } from '../../src/modules/addresses/table'
import { cartItems } from '../../src/modules/cart/table'
import { conversationMembers, conversations } from '../../src/modules/chat/table'
import { shippingOptions } from '../../src/modules/orders/table'
import { vendors } from '../../src/modules/vendors/table'
import { signAccessToken } from '../../src/modules/accounts/service/sessions'
import { createRedisTicketStore, createTickets } from '../../src/realtime/tickets'
import type { DashboardData } from './dashboard-data'
import type { FeedData } from './feed-data'

export const SEED = { products: 10_000, vendors: 200, chatUsers: 1_000, idleUsers: 2_000, contenders: 200, contendedStock: 10, soloBuyers: 200 }

// Titles vary like a real catalog's, so full-text "similar products" do not match every row.
const LOOKS = ['hand-painted', 'glazed', 'carved', 'woven', 'hammered', 'embroidered', 'vintage', 'rustic', 'striped', 'engraved', 'polished', 'dyed', 'beaded']
const MATERIALS = ['ceramic', 'cedar', 'brass', 'wool', 'leather', 'copper', 'linen']
export const KINDS = ['bowl', 'tagine', 'lantern', 'rug', 'pouf', 'tray', 'teapot', 'mirror', 'basket', 'cushion', 'vase', 'plate', 'box', 'lamp', 'kilim', 'jug', 'slipper', 'bag', 'table', 'stool']

export interface BenchUser {
  id: string
  sessionId: string
}

/** A buyer ready to check out: a delivery address, and a cart line of `productId` (quantity 1) from a shop with one delivery option. */
export interface CheckoutBuyer extends BenchUser {
  addressId: string
  productId: string
  shipping: { vendorId: string; optionId: string }
}

export interface BenchData {
  /** Slugs of some listed products (the S4 pages). */
  productSlugs: string[]
  /** Pairs of users, each pair one conversation (S2). */
  conversations: { id: string; buyer: BenchUser; seller: BenchUser }[]
  /** Users for idle sockets (S3), at most a few sockets each (Souk caps sockets per user). */
  idleUsers: BenchUser[]
  /** S5: buyers of one product with stock 10 (`contendedId`), and buyers each with a product of their own (ample stock, shops spread). */
  checkout: { contendedId: string; contenders: CheckoutBuyer[]; soloBuyers: CheckoutBuyer[] }
  /** S6: its admin, once S6 has generated its 90 days of orders, messages and visits (dashboard-data.ts). */
  dashboard?: DashboardData
  /** S7: its reader, popular author and online followers, once S7 has generated its people and posts (feed-data.ts). */
  feed?: FeedData
}

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

/** Drops and recreates `name` on the server of `baseUrl`, migrated by Souk's migrations. */
export async function recreateDatabase(baseUrl: string, name: string): Promise<string> {
  const admin = postgres(databaseUrl(baseUrl, 'postgres'), { max: 1, onnotice: () => {} })
  await admin.unsafe(`drop database if exists "${name}" with (force)`)
  await admin.unsafe(`create database "${name}"`)
  await admin.end()
  const url = databaseUrl(baseUrl, name)
  const database = openPostgres(url, { max: 2 })
  await migrateDatabase(database)
  await database.close()
  return url
}

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 1_000) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
}

/** Seeds 200 approved shops with 10,000 listed products, chat pairs with conversations, idle users, buyers ready to check out. */
export async function seed(url: string): Promise<BenchData> {
  const database = openPostgres(url, { max: 2 })
  const { db } = database
  const now = new Date()
  const person = (label: string, i: number) => ({
    id: newId('usr'),
    email: `${label}-${i}@bench.souk.test`,
    emailVerifiedAt: now,
    displayName: `${label} ${i}`,
    createdAt: now,
    updatedAt: now,
  })
  const sellers = Array.from({ length: SEED.vendors }, (_, i) => ({ ...person('vendor', i), role: 'vendor' as const }))
  await db.insert(users).values(sellers)
  const shops = sellers.map((user, i) => ({
    id: newId('ven'),
    userId: user.id,
    companyName: `Bench shop ${i}`,
    slug: `bench-shop-${i}`,
    description: 'A shop of the benchmark',
    contactEmail: user.email,
    contactPhone: '+212600000000',
    address: `${i} Derb Bench`,
    city: 'Fez',
    country: 'MA',
    taxNumber: `BENCH${i}`,
    status: 'approved' as const,
    approvedAt: now,
    createdAt: now,
    updatedAt: now,
  }))
  await db.insert(vendors).values(shops)
  const cats = KINDS.map((kind) => ({ id: newId('cat'), slug: `bench-${kind}`, name: kind, createdAt: now, updatedAt: now }))
  await db.insert(categories).values(cats)
  const listed = Array.from({ length: SEED.products }, (_, i) => {
    const at = new Date(now.getTime() - i * 1_000)
    const [look, material, kind] = [LOOKS[i % LOOKS.length]!, MATERIALS[i % MATERIALS.length]!, KINDS[i % KINDS.length]!]
    return {
      id: newId('prd'),
      vendorId: shops[i % shops.length]!.id,
      categoryId: cats[i % cats.length]!.id,
      title: `${look} ${material} ${kind} ${i}`,
      slug: `bench-${kind}-${i}`,
      description: `A ${look} ${kind} in ${material}, made in Fez. Item ${i} of the benchmark catalog.`,
      priceMinor: 5_000 + (i % 500) * 10,
      currency: 'MAD',
      stock: 1 + (i % 20),
      condition: 'new' as const,
      location: 'Fez',
      status: 'active' as const,
      createdAt: at,
      updatedAt: at,
    }
  })
  await insertChunked(listed, (chunk) => db.insert(products).values(chunk))

  const signedIn = async (label: string, count: number): Promise<BenchUser[]> => {
    const people = Array.from({ length: count }, (_, i) => person(label, i))
    const open = people.map((p) => ({ id: newId('ses'), userId: p.id, createdAt: now, lastUsedAt: now, expiresAt: new Date(now.getTime() + 86_400_000) }))
    await insertChunked(people, (chunk) => db.insert(users).values(chunk))
    await insertChunked(open, (chunk) => db.insert(sessions).values(chunk))
    return open.map((s) => ({ id: s.userId, sessionId: s.id }))
  }
  const chatters = await signedIn('chat', SEED.chatUsers)
  const pairs = Array.from({ length: chatters.length / 2 }, (_, i) => ({
    id: newId('cnv'),
    product: listed[i]!,
    buyer: chatters[2 * i]!,
    seller: chatters[2 * i + 1]!,
  }))
  await db
    .insert(conversations)
    .values(pairs.map((p) => ({ id: p.id, productId: p.product.id, buyerId: p.buyer.id, sellerId: p.seller.id, createdAt: now, lastActivityAt: now })))
  await db.insert(conversationMembers).values(pairs.flatMap((p) => [p.buyer, p.seller].map((u) => ({ conversationId: p.id, userId: u.id }))))
  const idleUsers = await signedIn('idle', SEED.idleUsers)

  // S5: every shop delivers by courier. S5's products are older than the catalog's, so S1's first page stays the same.
  const options = shops.map((shop) => ({ id: newId('shp'), vendorId: shop.id, name: 'Courier', priceMinor: 3_000, currency: 'MAD', handlingDays: 2, position: 0, createdAt: now }))
  await db.insert(shippingOptions).values(options)
  const longAgo = new Date(now.getTime() - (SEED.products + 1) * 1_000)
  const forSale = (i: number, stock: number) => ({
    id: newId('prd'),
    vendorId: shops[i % shops.length]!.id,
    categoryId: cats[0]!.id,
    title: `bench checkout item ${i}`,
    slug: `bench-checkout-${i}`,
    description: 'A product of the checkout benchmark.',
    priceMinor: 10_000,
    currency: 'MAD',
    stock,
    condition: 'new' as const,
    location: 'Fez',
    status: 'active' as const,
    createdAt: longAgo,
    updatedAt: longAgo,
  })
  const contended = forSale(0, SEED.contendedStock)
  // One product per solo buyer, each in its own shop (as many buyers as shops): no two checkouts wait on one row.
  const solo = Array.from({ length: SEED.soloBuyers }, (_, i) => forSale(i + 1, 1_000_000))
  await db.insert(products).values([contended, ...solo])
  const optionOf = new Map(options.map((o) => [o.vendorId, o.id]))
  const readyToBuy = async (label: string, items: (typeof contended)[]): Promise<CheckoutBuyer[]> => {
    const people = await signedIn(label, items.length)
    const buyers = people.map((user, i) => {
      const { id: productId, vendorId } = items[i]!
      return { ...user, addressId: newId('adr'), productId, shipping: { vendorId, optionId: optionOf.get(vendorId)! } }
    })
    const address = { fullName: 'Bench Buyer', phone: '+212600000000', line1: '1 Derb Bench', city: 'Fez', region: 'Fès-Meknès', postalCode: '30000', country: 'MA' as const, defaultShipping: true }
    await insertChunked(buyers, (chunk) => db.insert(addresses).values(chunk.map((b) => ({ ...address, id: b.addressId, userId: b.id, createdAt: now, updatedAt: now }))))
    await insertChunked(buyers, (chunk) =>
      db.insert(cartItems).values(chunk.map((b) => ({ userId: b.id, productId: b.productId, quantity: 1, priceSeenMinor: contended.priceMinor, addedAt: now, updatedAt: now }))),
    )
    return buyers
  }
  const contenders = await readyToBuy('contender', Array.from({ length: SEED.contenders }, () => contended))
  const soloBuyers = await readyToBuy('solo', solo)

  await db.execute('analyze')
  await database.close()
  return {
    productSlugs: listed.slice(0, 100).map((p) => p.slug),
    conversations: pairs.map(({ id, buyer, seller }) => ({ id, buyer, seller })),
    idleUsers,
    checkout: { contendedId: contended.id, contenders, soloBuyers },
  }
}

/** An access token of each user's session, signed as Souk signs them (short-lived: mint them when a scenario starts); one per user, however often listed. */
export function accessTokens(users: BenchUser[], options: { jwtSecret: string; publicUrl: string }): Promise<string[]> {
  const config = { secrets: { JWT_SECRET: options.jwtSecret }, publicUrl: options.publicUrl }
  const tokens = new Map<string, Promise<string>>()
  const tokenOf = (user: BenchUser) => {
    let token = tokens.get(user.id)
    if (token === undefined) tokens.set(user.id, (token = signAccessToken(config, systemClock, user.id, user.sessionId).then((t) => t.token)))
    return token
  }
  return Promise.all(users.map(tokenOf))
}

/** What Souk needs to accept a socket: an access token of the user's session, traded for a ticket. */
export async function mintTickets(users: BenchUser[], options: { redisUrl: string; jwtSecret: string; publicUrl: string }): Promise<string[]> {
  const redis = new Redis(options.redisUrl, { enableAutoPipelining: true })
  const tickets = createTickets(createRedisTicketStore(redis), systemClock)
  const issued = await Promise.all((await accessTokens(users, options)).map(async (token) => (await tickets.issue(token)).ticket))
  redis.disconnect()
  return issued
}
