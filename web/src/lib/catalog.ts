import { query } from '@solidjs/router'
import type { CatalogModel } from '../../../src/modules/catalog/model'
import type { VendorsModel } from '../../../src/modules/vendors/model'
import { api, must, orMissing } from './api'
import { followTopic } from './live'

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

/** The signed-in user's shop or application; null when they never applied. */
export const getMyVendor = query(async () => must(await api().api.v1.me.vendor.get()).shop, 'my-vendor')

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
 * Live updates of one product page (`product:<id>`: price, stock, status) through the tab's socket,
 * which exists while someone is signed in. Returns the unsubscribe function.
 */
export function subscribeProduct(productId: string, onUpdate: (event: CatalogModel.ProductUpdated) => void): () => void {
  return followTopic(`product:${productId}`, {
    onEvent: (event) => {
      if (event.kind === 'product.updated') onUpdate(event.data)
    },
  })
}
