import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { DEFAULT_LIMIT } from '../../lib/pagination'
import { strictQueryPlugin } from '../../lib/query'
import { originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { VendorsModel as M } from './model'
import { applyToSell, decideVendor, getMyVendor, getStorefront, listStorefronts, listVendorsForAdmin, type VendorsDeps } from './service'

export { VendorsModel } from './model'
export { addShopRating, applyVendorDecision, findVendorById, findVendorBySlug, findVendorOfUser, lockVendor, sellingVendorIds, setDefaultShopPerks, setShopPerks, type ShopNoticeDeps, type ShopPerks, storefrontSlugs, vendorSummaries, vendorSummaryColumns } from './service'
export { VENDOR_STATUSES } from './status'
/** The tables other modules' tables reference (foreign keys) and the demo seed fills; services query them through this module's functions. */
export { vendors } from './table'
export { shopApplicationsQueue } from './queue'

/**
 * Shops: applying to sell, public storefronts, and the admin decisions (approve, reject, suspend,
 * reinstate), each told to the shop's owner (a notification, an email, `shop.updated`). A shop's products are served by the catalog (`GET /products?vendor=<slug>`).
 */
export function vendorsRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'bus' | 'log'> & Pick<VendorsDeps, 'defaultPerks' | 'notices'>) {
  const deps: VendorsDeps = { db: ctx.database.db, clock: ctx.clock, bus: ctx.bus, log: ctx.log, notices: ctx.notices, defaultPerks: ctx.defaultPerks }
  return new Elysia({ name: 'vendors', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .use(strictQueryPlugin)
    .use(originPlugin(ctx.config))
    .guard({ detail: { tags: ['Vendors'] } }, (app) =>
      app
        .get('/vendors', ({ query }) => listStorefronts(deps.db, { cursor: query.cursor, limit: query.limit ?? DEFAULT_LIMIT }), {
          query: M.listQuery,
          strictQuery: { schema: M.listQuery },
          response: { 200: M.storefrontPage, 400: ErrorResponse },
          detail: { summary: 'Approved shops, A to Z' },
        })
        .post('/vendors', async ({ user, body, status }) => status(201, await applyToSell(deps, user.id, body)), {
          auth: true,
          body: M.applyBody,
          response: { 201: M.vendor, 400: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Apply to sell; the shop waits for an admin as pending (a rejected applicant may apply again)' },
        })
        .get('/vendors/:slug', ({ params }) => getStorefront(deps.db, params.slug), {
          params: M.slugParams,
          response: { 200: M.storefront, 404: ErrorResponse },
          detail: { summary: 'A public storefront (approved shops only)' },
        })
        .get('/me/vendor', ({ user }) => getMyVendor(deps.db, user.id), {
          auth: true,
          response: { 200: M.myShop },
          detail: { summary: 'My shop or application, with its status and the reason of a rejection or suspension (shop: null when I never applied)' },
        }),
    )
    .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
      admin
        .get('/admin/vendors', ({ query }) => listVendorsForAdmin(deps.db, { status: query.status, cursor: query.cursor, limit: query.limit ?? DEFAULT_LIMIT }), {
          query: M.adminListQuery,
          strictQuery: { schema: M.adminListQuery },
          response: { 200: M.vendorPage, 400: ErrorResponse },
          detail: { summary: 'Shops and applications, oldest first (filter by status, e.g. pending)' },
        })
        .post('/admin/vendors/:id/approve', ({ user, params, origin }) => decideVendor(deps, user.id, origin, params.id, 'approve'), {
          params: M.idParams,
          response: { 200: M.vendor, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Approve a pending application: the applicant becomes a vendor' },
        })
        .post('/admin/vendors/:id/reject', ({ user, params, body, origin }) => decideVendor(deps, user.id, origin, params.id, 'reject', body.reason), {
          params: M.idParams,
          body: M.reasonBody,
          response: { 200: M.vendor, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Reject a pending application with a reason' },
        })
        .post('/admin/vendors/:id/suspend', ({ user, params, body, origin }) => decideVendor(deps, user.id, origin, params.id, 'suspend', body.reason), {
          params: M.idParams,
          body: M.reasonBody,
          response: { 200: M.vendor, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: "Suspend an approved shop: its products leave the catalog and it cannot sell" },
        })
        .post('/admin/vendors/:id/reinstate', ({ user, params, origin }) => decideVendor(deps, user.id, origin, params.id, 'reinstate'), {
          params: M.idParams,
          response: { 200: M.vendor, 404: ErrorResponse, 409: ErrorResponse },
          detail: { summary: 'Reinstate a suspended shop' },
        }),
    )
}
