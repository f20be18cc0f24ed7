// The shop's sales (or, for an admin, every order) as a CSV, made in a tracked job (progress on job:<id>, a download when done).
import { and, asc, eq } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { displayNames } from '../../accounts'
import { type AnyTrackedJob, type JobRow, type JobsDeps, listExport, startListExport } from '../../jobs'
import { findVendorOfUser, vendorSummaries } from '../../vendors'
import type { OrderStatus } from '../status'
import { orders } from '../table'

declare module '../../jobs' {
  // Registers this module's tracked kind with the jobs module (see TrackedJobKinds).
  interface TrackedJobKinds {
    'exports.sales': true
  }
}

interface SalesExportInput {
  /** One shop's orders; every shop's when absent (an admin's export). */
  vendorId?: string
  status?: OrderStatus
}

const HEADER = ['invoice', 'order', 'placed_at', 'status', 'shop', 'buyer', 'city', 'country', 'currency', 'items_minor', 'shipping_minor', 'tva_minor', 'total_minor', 'delivery', 'cancel_reason']
const PAGE = 500

/** `exports.sales`: every order of a shop, or of every shop (an admin's), or those of one status; oldest first, one row each. */
export const exportSales = listExport<SalesExportInput>('exports.sales', {
  fileName: 'sales',
  noun: 'orders',
  header: HEADER,
  page: async (deps, input, cursor) => {
    const offset = cursor === null ? 0 : Number(cursor)
    const page = await deps.db
      .select()
      .from(orders)
      .where(and(input.vendorId === undefined ? undefined : eq(orders.vendorId, input.vendorId), input.status === undefined ? undefined : eq(orders.status, input.status)))
      .orderBy(asc(orders.createdAt), asc(orders.id))
      .limit(PAGE)
      .offset(offset)
    const [names, shops] = await Promise.all([displayNames(deps.db, page.map((row) => row.buyerId)), vendorSummaries(deps.db, page.map((row) => row.vendorId))])
    return {
      rows: page.map((o) => [o.invoiceNumber, o.id, o.createdAt.toISOString(), o.status, shops.get(o.vendorId)?.companyName ?? null, names.get(o.buyerId) ?? null, o.shippingAddress.city, o.shippingAddress.country, o.currency, o.itemsMinor, o.shippingMinor, o.tvaMinor, o.totalMinor, o.shipping.name, o.cancelReason]),
      nextCursor: page.length < PAGE ? null : String(offset + PAGE),
    }
  },
})

/** The orders module's tracked job kinds, for the jobs module's registry (see createJobKinds). */
export const ORDER_JOB_KINDS: AnyTrackedJob[] = [exportSales]

/** Starts a CSV export of my shop's sales (of one status, or all); the job is mine. */
export async function requestSalesExport(deps: JobsDeps, userId: string, status: OrderStatus | undefined): Promise<JobRow> {
  const shop = await findVendorOfUser(deps.db, userId)
  if (shop === null) throw new AppError('not_found', 'You have no shop')
  return startListExport(deps, userId, exportSales, { vendorId: shop.id, ...(status === undefined ? {} : { status }) })
}

/** Starts a CSV export of every shop's orders (of one status, or all) for an admin; the job is theirs. */
export const requestOrdersExport = (deps: JobsDeps, adminId: string, status: OrderStatus | undefined) => startListExport(deps, adminId, exportSales, status === undefined ? {} : { status })
