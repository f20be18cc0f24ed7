import { query, revalidate } from '@solidjs/router'
import { type Accessor, createSignal, onMount } from 'solid-js'
import type { CatalogModel } from '../../../src/modules/catalog/model'
import type { VendorsModel } from '../../../src/modules/vendors/model'
import { api, must, orMissing } from './api'
import { foldVersions, myTopic, rereading, serialReads, useTopic } from './live'

/**
 * The catalog's queries: categories, search, product pages, storefronts, the vendor's dashboard
 * and the admin queues. Kept beside api.ts (which other screens edit too) and built on its client.
 */

export { must }

export type SearchQuery = CatalogModel.SearchQuery
export type ProductSummary = CatalogModel.ProductSummary
export type Product = CatalogModel.Product
export type CategoryNode = CatalogModel.CategoryNode

export const getCategories = query(async () => must(await api().api.v1.categories.get()).items, 'categories')

export const searchProducts = query(async (q: SearchQuery) => must(await api().api.v1.products.get({ query: q })), 'products')

export const getProduct = query(async (slug: string) => orMissing(await api().api.v1.products({ slug }).get()), 'product')

/** Empty for an unknown product: the page preloads it before it knows the product exists. */
export const getSimilar = query(async (slug: string) => orMissing(await api().api.v1.products({ slug }).similar.get({ query: { limit: 4 } }))?.items ?? [], 'similar')

export const getStorefront = query(async (slug: string) => orMissing(await api().api.v1.vendors({ slug }).get()), 'storefront')

/** Approved shops, A to Z, a page at a time: `cursor` is the previous page's nextCursor. */
export const getShops = query(async (cursor?: string) => must(await api().api.v1.vendors.get({ query: { limit: 24, ...(cursor === undefined ? {} : { cursor }) } })), 'shops')

const fetchMyVendor = async () => must(await api().api.v1.me.vendor.get()).shop

/** The signed-in user's shop or application; null when they never applied (for a page that only shows it). */
export const getMyVendor = query(fetchMyVendor, 'my-vendor')

export type MyShop = NonNullable<Awaited<ReturnType<typeof fetchMyVendor>>>

/**
 * My shop or application as it stands (undefined until read, null when I never applied): read
 * when the caller mounts, again when an admin decides on it (`shop.updated`), once my topic is
 * followed, and when `reread` is called. Plain reads into a signal, not the router's query: its
 * re-read runs in a transition, and a screen's own resource still loading from the navigation
 * that settles during that transition never shows (Solid 1.9; a dashboard screen stayed on its
 * skeleton when the shop's re-read was slow). A first read that fails goes to the page's error
 * boundary; a later one keeps what is shown.
 */
export function useMyVendor(): { shop: Accessor<MyShop | null | undefined>; reread: () => void } {
  const [shop, setShop] = createSignal<MyShop | null>()
  const [failure, setFailure] = createSignal<{ error: unknown }>()
  const read = serialReads(async () => {
    try {
      setShop(await fetchMyVendor())
      setFailure(undefined)
    } catch (error) {
      setFailure({ error })
    }
  })
  const reread = () => void read()
  onMount(reread)
  useTopic(myTopic, { onEvent: (event) => event.kind === 'shop.updated' && reread(), ...rereading(reread) })
  return {
    shop: () => {
      const failed = failure()
      if (shop() === undefined && failed !== undefined) throw failed.error
      return shop()
    },
    reread,
  }
}

export const getMyProducts = query(async (cursor?: string) => must(await api().api.v1.me.products.get({ query: { limit: 50, ...(cursor === undefined ? {} : { cursor }) } })), 'my-products')

export const getProductStats = query(async (slug: string) => must(await api().api.v1.products({ slug }).stats.get({ query: { days: 14 } })), 'product-stats')

export const getVendorApplications = query(
  async (status: VendorsModel.Vendor['status']) => must(await api().api.v1.admin.vendors.get({ query: { status, limit: 50 } })).items,
  'admin-vendors',
)

export const getReports = query(async (filters: Omit<CatalogModel.ReportsQuery, 'cursor' | 'limit'>) => must(await api().api.v1.admin.reports.get({ query: { ...filters, limit: 50 } })).items, 'admin-reports')
export const dismissReports = async (ids: string[]) => must(await api().api.v1.admin.reports.dismiss.post({ ids }))

/** Minor units from what a person types ("1450", "1450.5", "1,450.50"); undefined when it is not an amount. */
export function parseMoney(text: string): number | undefined {
  const plain = text.trim().replaceAll(',', '')
  return /^\d+(\.\d{1,2})?$/.test(plain) ? Math.round(Number(plain) * 100) : undefined
}

/** The amount as typed in a form field ("1450.50"), from minor units. */
export const moneyInput = (minor: number) => (minor % 100 === 0 ? String(minor / 100) : (minor / 100).toFixed(2))

/** The currencies a shop may price in (products, delivery options); the first is the default. */
export const CURRENCIES = ['MAD', 'TND', 'EUR', 'USD', 'LBP']

const MONEY = new Map<string, Intl.NumberFormat>()

/** "1,450.00 MAD" from minor units; fixed to English so the server and the browser print the same. */
export function formatPrice(minor: number, currency: string): string {
  let format = MONEY.get(currency)
  if (format === undefined) {
    format = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'code' })
    MONEY.set(currency, format)
  }
  return format.format(minor / 100)
}

export const CONDITION_LABEL: Record<CatalogModel.ProductSummary['condition'], string> = {
  new: 'New',
  like_new: 'Like new',
  good: 'Good',
  fair: 'Fair',
  handmade: 'Handmade',
}

export const SORT_LABEL: Record<NonNullable<SearchQuery['sort']>, string> = {
  relevance: 'Best match',
  newest: 'Newest',
  price_asc: 'Price: low to high',
  price_desc: 'Price: high to low',
  popularity: 'Most popular',
}

/**
 * The product as it is now: `product()` folded with the changes (price, stock, status) its topic
 * carries while someone is signed in, read again once followed and when changes were missed.
 */
export function liveProduct(product: () => Product): () => Product {
  const reread = () => void revalidate(getProduct.keyFor(product().slug))
  const [live, fold] = foldVersions(product, reread)
  useTopic(() => `product:${product().id}`, { onEvent: (event) => event.kind === 'product.updated' && fold(event.data.version, event.data.changes), ...rereading(reread) })
  return live
}
