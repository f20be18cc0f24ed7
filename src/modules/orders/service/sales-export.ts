// The shop's sales as a CSV, made in a tracked job (progress on job:<id>, a download when done).
import { and, asc, eq } from 'drizzle-orm'
import { AppError } from '../../../lib/errors'
import { displayNames } from '../../accounts'
import { type AnyTrackedJob, csvDownload, type JobRow, type JobsDeps, startJob, trackedJob } from '../../jobs'
import { findVendorOfUser } from '../../vendors'
import type { OrderStatus } from '../status'
import { orders } from '../table'

declare module '../../jobs' {
  // Registers this module's tracked kind with the jobs module (see TrackedJobKinds).
  interface TrackedJobKinds {
    'exports.sales': true
  }
}

interface SalesExportInput {
  vendorId: string
  status?: OrderStatus
}

const HEADER = ['invoice', 'order', 'placed_at', 'status', 'buyer', 'city', 'country', 'currency', 'items_minor', 'shipping_minor', 'tva_minor', 'total_minor', 'delivery', 'cancel_reason']
const PAGE = 500

/** `exports.sales`: every order of a shop (or those of one status), oldest first, one row each. */
export const exportSales = trackedJob<SalesExportInput>(
  'exports.sales',
  async (deps, input, progress, job) => {
    await progress.step('Collecting orders')
    const rows: (string | number | null)[][] = [HEADER]
    for (let offset = 0; ; offset += PAGE) {
      if (await progress.cancelled()) return { result: null }
      const page = await deps.db
        .select()
        .from(orders)
        .where(and(eq(orders.vendorId, input.vendorId), input.status === undefined ? undefined : eq(orders.status, input.status)))
        .orderBy(asc(orders.createdAt), asc(orders.id))
        .limit(PAGE)
        .offset(offset)
      const names = await displayNames(deps.db, page.map((row) => row.buyerId))
      for (const o of page) {
        rows.push([o.invoiceNumber, o.id, o.createdAt.toISOString(), o.status, names.get(o.buyerId) ?? null, o.shippingAddress.city, o.shippingAddress.country, o.currency, o.itemsMinor, o.shippingMinor, o.tvaMinor, o.totalMinor, o.shipping.name, o.cancelReason])
      }
      if (page.length < PAGE) break
    }
    await progress.log(`${rows.length - 1} orders`)
    await progress.step('Writing the file')
    return csvDownload(deps, job.id, `sales-${deps.clock.now().toISOString().slice(0, 10)}.csv`, rows)
  },
  { retryLimit: 2, retryDelaySeconds: 2, heartbeatSeconds: 10, expireInSeconds: 30 * 60, concurrency: 2 },
)

/** The orders module's tracked job kinds, for the jobs module's registry (see createJobKinds). */
export const ORDER_JOB_KINDS: AnyTrackedJob[] = [exportSales]

/** Starts a CSV export of my shop's sales (of one status, or all); the job is mine. */
export async function requestSalesExport(deps: JobsDeps, userId: string, status: OrderStatus | undefined): Promise<JobRow> {
  const shop = await findVendorOfUser(deps.db, userId)
  if (shop === null) throw new AppError('not_found', 'You have no shop')
  const job = await deps.db.transaction((tx) => startJob(deps, tx, exportSales, { ownerId: userId, input: { vendorId: shop.id, ...(status === undefined ? {} : { status }) } }))
  // Not a singleton kind: startJob answers null only for those.
  return job!
}
