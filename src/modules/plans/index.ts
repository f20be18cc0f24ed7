// Shop plans: the plans admins offer (perks as data), each shop's subscription paid from its
// wallet through the ledger, the hourly renewal schedule, and the plan invoices. Other modules
// enforce the perks through the columns plans keeps on `vendors` (listing limit at publish,
// commission at payment); boosts and featured placements (boosts.ts, placements.ts) spend them.
import { Elysia } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { privateDownload } from '../../lib/http'
import { fileResponse } from '../../lib/openapi'
import { strictQueryPlugin } from '../../lib/query'
import { rateLimitPlugin } from '../../lib/rate-limit'
import { originPlugin } from '../../lib/request-origin'
import { authPlugin } from '../accounts'
import { PlansModel as M } from './model'
import { listMyInvoices, planInvoicePdf } from './service/invoices'
import { createPlan, listPlans, listPlansForAdmin, updatePlan } from './service/plans'
import type { PlansDeps } from './service/shared'
import { cancelPlan, changePlan, getMyPlan } from './service/subscriptions'

export { PlansModel } from './model'
export { PLAN_RENEWAL_CRON, planScheduleJob, runPlanSchedule } from './service/renewal'
export { FREE_PLAN_ID, freePerks, type PlansDeps, type PlanTerms, shopTermsOf, spendBoostCredits } from './service/shared'
export { endPlacementsJob, PLACEMENT_END_CRON, placementsRoutes } from './placements'
// The steps the demo seed (src/seed.ts) takes as the admin and a shop would: plans, a subscription, a boost, an application.
export { createPlan, updatePlan } from './service/plans'
export { changePlan } from './service/subscriptions'
export { boostListing } from './boosts'
export { applyForFeature } from './placements'

const HOUR = 60 * 60_000

/** The plans' routes: the public comparison, my shop's subscription and its invoices, and the admins' plans. */
export function plansRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock' | 'limiter'> & { deps: PlansDeps }) {
  const { deps } = ctx
  return (
    new Elysia({ name: 'plans', prefix: '/api/v1' })
      .use(authPlugin(ctx))
      .use(strictQueryPlugin)
      .use(rateLimitPlugin({ limiter: ctx.limiter, clock: ctx.clock, trustProxy: ctx.config.trustProxy }))
      .use(originPlugin(ctx.config))
      .get('/plans', () => listPlans(deps), {
        response: { 200: M.planList },
        detail: { tags: ['Plans'], summary: 'The plans a shop may choose, the free plan first: prices, yearly saving and perks' },
      })
      .guard({ auth: 'vendor', detail: { tags: ['Plans'] } }, (app) =>
        app
          .get('/me/shop/subscription', ({ user }) => getMyPlan(deps, user.id), {
            response: { 200: M.state, 404: ErrorResponse },
            detail: { summary: 'My shop’s plan: its terms now, the paid period (renewal or end date, a scheduled change), perks used, and my wallet' },
          })
          .post('/me/shop/subscription', ({ user, body }) => changePlan(deps, user.id, body), {
            body: M.changeBody,
            rateLimit: { scope: 'plan-changes', limit: 30, windowMs: HOUR, per: 'user' },
            response: { 200: M.changed, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
            detail: {
              summary: 'Subscribe my shop to a plan, or change it',
              description:
                'Paid from my wallet through the ledger (409 `insufficient_funds` when it cannot cover it: add money at /wallet). Without a subscription: starts now. A dearer plan: now, the unused part of the current period credited pro rata (floor(price × unused time / period)). A cheaper plan, the free plan or the other interval: at the end of the period. The current plan and interval again: undoes a cancellation or a scheduled change.',
            },
          })
          .post('/me/shop/subscription/cancel', ({ user }) => cancelPlan(deps, user.id), {
            response: { 200: M.state, 404: ErrorResponse, 409: ErrorResponse },
            detail: { summary: 'Cancel my shop’s plan: it does not renew, and its perks stay until the period ends (at once when its renewal failed)' },
          })
          .get('/me/shop/subscription/invoices', ({ user, query }) => listMyInvoices(deps.db, user.id, query), {
            query: M.invoiceQuery,
            strictQuery: { schema: M.invoiceQuery },
            response: { 200: M.invoicePage, 400: ErrorResponse, 404: ErrorResponse },
            detail: { summary: 'My shop’s plan invoices, newest first' },
          })
          .get(
            '/me/shop/subscription/invoices/:id/pdf',
            async ({ user, params }) => {
              const file = await planInvoicePdf(deps, user.id, params.id)
              return privateDownload(file.body, { contentType: 'application/pdf', fileName: file.fileName })
            },
            {
              params: M.invoiceParams,
              response: { 404: ErrorResponse },
              detail: { summary: 'A plan invoice of my shop as PDF', ...fileResponse('The invoice', ['application/pdf']) },
            },
          ),
      )
      .guard({ auth: 'admin', detail: { tags: ['Admin'] } }, (admin) =>
        admin
          .get('/admin/plans', () => listPlansForAdmin(deps), {
            response: { 200: M.adminPlanList },
            detail: { summary: 'Every plan, retired ones too, with how many shops are on each' },
          })
          .post('/admin/plans', async ({ user, body, origin, status }) => status(201, await createPlan(deps, user, origin, body)), {
            body: M.createBody,
            response: { 201: M.adminPlan, 400: ErrorResponse },
            detail: { summary: 'Offer a new plan' },
          })
          .patch('/admin/plans/:id', ({ user, params, body, origin }) => updatePlan(deps, user, origin, params.id, body), {
            params: M.planParams,
            body: M.updateBody,
            response: { 200: M.adminPlan, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
            detail: {
              summary: 'Edit or retire a plan',
              description:
                'Subscribers keep the terms they paid for until their next period. The free plan’s perks apply at once to every shop without a subscription (its listing limit at their next listing put on sale: listings on sale stay); it cannot be priced or retired. A retired plan takes no new subscribers.',
            },
          }),
      )
    // Boosts and featured placements mount their own plugin beside this one (see app.ts).
  )
}
