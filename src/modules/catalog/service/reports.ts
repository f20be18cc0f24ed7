import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm'
import { pgErrorOf, UNIQUE_VIOLATION } from '../../../db/errors'
import { nothing, runCommitted } from '../../../events/committed'
import type { Logger } from '../../../lib/log'
import { AppError } from '../../../lib/errors'
import { newId } from '../../../lib/ids'
import { cursorPart, DEFAULT_LIMIT, decodeCursor, type Page, toPage } from '../../../lib/pagination'
import { invalidatePages } from '../../../lib/page-invalidation'
import { announceQueuesChanged, enteredBy } from '../../../lib/admin-queues'
import { actorOf, type Origin } from '../../../lib/request-origin'
import type { CurrentUser } from '../../accounts'
import { recordAudit } from '../../audit'
import { applyVendorDecision, findVendorBySlug, type ShopNoticeDeps, vendorSummaries } from '../../vendors'
import type { CatalogModel } from '../model'
import { products, reports } from '../table'
import { accessProduct, announceProductChange, type CatalogDeps, type Conn, productColumns, type ProductRow } from './shared'

type ReportRow = typeof reports.$inferSelect

async function toReports(db: Conn, rows: ReportRow[]): Promise<CatalogModel.Report[]> {
  const productIds = [...new Set(rows.map((r) => r.productId).filter((id) => id !== null))]
  const [found, shops] = await Promise.all([
    productIds.length === 0 ? [] : db.select({ id: products.id, slug: products.slug, title: products.title }).from(products).where(inArray(products.id, productIds)),
    vendorSummaries(db, rows.map((r) => r.vendorId)),
  ])
  const byId = new Map(found.map((p) => [p.id, p]))
  return rows.map((row) => ({
    id: row.id,
    reporterId: row.reporterId,
    target: row.productId === null ? 'vendor' : 'product',
    product: (row.productId === null ? null : byId.get(row.productId)) ?? null,
    vendor: shops.get(row.vendorId)!,
    reason: row.reason,
    details: row.details,
    status: row.status,
    resolution: row.resolution,
    resolutionNote: row.resolutionNote,
    resolvedAt: row.resolvedAt,
    createdAt: row.createdAt,
  }))
}

async function fileReport(deps: CatalogDeps, reporter: CurrentUser, target: { productId: string | null; vendorId: string }, input: CatalogModel.ReportBody) {
  const [row] = await deps.db
    .insert(reports)
    .values({
      id: newId('rpt'),
      reporterId: reporter.id,
      productId: target.productId,
      vendorId: target.vendorId,
      reason: input.reason,
      details: input.details?.trim() || null,
      createdAt: deps.clock.now(),
    })
    .returning()
    .catch((error: unknown) => {
      if (pgErrorOf(error)?.code === UNIQUE_VIOLATION) throw new AppError('conflict', 'You have already reported this; a moderator will look at it')
      throw error
    })
  await announceQueuesChanged(deps.bus, row!.createdAt)
  return (await toReports(deps.db, [row!]))[0]!
}

/** Reports a public product to the moderators (one open report per person and product). */
export async function reportProduct(deps: CatalogDeps, reporter: CurrentUser, slug: string, input: CatalogModel.ReportBody): Promise<CatalogModel.Report> {
  const { product, isOwner, isPublic } = await accessProduct(deps.db, slug, reporter)
  if (isOwner) throw new AppError('forbidden', 'You cannot report your own product')
  if (!isPublic) throw new AppError('not_found', 'No such product')
  return fileReport(deps, reporter, { productId: product.id, vendorId: product.vendorId }, input)
}

/** Reports an approved shop to the moderators (one open report per person and shop). */
export async function reportVendor(deps: CatalogDeps, reporter: CurrentUser, slug: string, input: CatalogModel.ReportBody): Promise<CatalogModel.Report> {
  const vendor = await findVendorBySlug(deps.db, slug)
  if (vendor === null || vendor.status !== 'approved') throw new AppError('not_found', 'No such shop')
  if (vendor.userId === reporter.id) throw new AppError('forbidden', 'You cannot report your own shop')
  return fileReport(deps, reporter, { productId: null, vendorId: vendor.id }, input)
}

/** The moderation queue, oldest first (open by default). */
export async function listReports(deps: CatalogDeps, query: CatalogModel.ReportsQuery): Promise<Page<CatalogModel.Report>> {
  const limit = query.limit ?? DEFAULT_LIMIT
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, [cursorPart.time, cursorPart.id('rpt')])
  const by = enteredBy(deps.clock.now(), query.minAgeHours)
  const rows = await deps.db
    .select()
    .from(reports)
    .where(
      and(
        eq(reports.status, query.status ?? 'open'),
        query.subject === undefined ? undefined : query.subject === 'product' ? isNotNull(reports.productId) : isNull(reports.productId),
        by === undefined ? undefined : lte(reports.createdAt, by),
        after === null
          ? undefined
          : or(gt(reports.createdAt, after[0]), and(eq(reports.createdAt, after[0]), gt(reports.id, after[1]))),
      ),
    )
    .orderBy(asc(reports.createdAt), asc(reports.id))
    .limit(limit + 1)
  const page = toPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id])
  return { items: await toReports(deps.db, page.items), nextCursor: page.nextCursor }
}

/**
 * An admin resolves an open report: `dismiss` closes it; `unpublish` takes its product out of the
 * catalog for good (archived, and its vendor cannot publish it again); `suspend_vendor` suspends the
 * shop. Acting also closes the other open reports of the same product or shop. All in one
 * transaction, with the decision's `listing.moderated` entry (and the suspension's own, by
 * applyVendorDecision); live clients and cached pages hear of it after commit.
 */
export async function resolveReport(
  deps: CatalogDeps & { log: Logger; notices: ShopNoticeDeps },
  admin: CurrentUser,
  origin: Origin,
  reportId: string,
  input: CatalogModel.ResolveBody,
): Promise<CatalogModel.Report> {
  const now = deps.clock.now()
  const resolved = { status: 'resolved' as const, resolution: input.action, resolutionNote: input.note?.trim() || null, resolvedBy: admin.id, resolvedAt: now }
  const { report, unpublished, told } = await deps.db.transaction(async (tx) => {
    const [open] = await tx.select().from(reports).where(eq(reports.id, reportId)).for('update')
    if (open === undefined) throw new AppError('not_found', 'No such report')
    if (open.status !== 'open') throw new AppError('conflict', 'This report is already resolved')
    let unpublished: { before: ProductRow; after: ProductRow } | null = null
    let told = nothing()
    let sameTarget = sql`false`
    if (input.action === 'unpublish') {
      if (open.productId === null) throw new AppError('invalid_data', 'Only a product report can unpublish', [{ field: 'body.action', message: 'needs a product report' }])
      const [before] = await tx.select(productColumns).from(products).where(eq(products.id, open.productId)).for('update')
      const [after] = await tx
        .update(products)
        .set({ status: 'archived', unpublishedAt: now, version: sql`${products.version} + 1`, updatedAt: now })
        .where(and(eq(products.id, open.productId), isNull(products.unpublishedAt)))
        .returning(productColumns)
      if (before !== undefined && after !== undefined) unpublished = { before, after }
      sameTarget = sql`${reports.productId} = ${open.productId}`
    }
    if (input.action === 'suspend_vendor') {
      const reason = `After a report: ${open.reason}${resolved.resolutionNote === null ? '' : ` (${resolved.resolutionNote})`}`
      await applyVendorDecision(deps.notices, tx, { adminId: admin.id, now, origin }, open.vendorId, 'suspend', reason).then(
        (decided) => (told = decided.committed),
        (error: unknown) => {
          // Already suspended (another report got there first): the outcome stands.
          if (!(error instanceof AppError && error.type === 'conflict' && (error.details as { status?: string }).status === 'suspended')) throw error
        },
      )
      sameTarget = sql`${reports.vendorId} = ${open.vendorId}`
    }
    const closed = await tx
      .update(reports)
      .set(resolved)
      .where(and(eq(reports.status, 'open'), or(eq(reports.id, open.id), sameTarget)))
      .returning({ id: reports.id })
    const subject = open.productId === null ? { type: 'shop' as const, id: open.vendorId } : { type: 'product' as const, id: open.productId }
    const summary = { action: input.action, reportId: open.id, reason: open.reason, note: resolved.resolutionNote, reportsClosed: closed.length, vendorId: open.vendorId }
    await recordAudit(tx, { by: actorOf(admin, origin), kind: 'listing.moderated', subject, summary, at: now })
    return { report: { ...open, ...resolved }, unpublished, told }
  })
  await runCommitted(deps, 'catalog', told)
  if (unpublished !== null) await announceProductChange(deps.bus, unpublished.before, unpublished.after, true, false, now)
  else if (input.action === 'suspend_vendor') await invalidatePages(deps.bus)
  await announceQueuesChanged(deps.bus, now)
  return (await toReports(deps.db, [report]))[0]!
}
