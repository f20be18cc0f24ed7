import { query } from '@solidjs/router'
import type { PlansModel } from '../../../src/modules/plans/model'
import type { PlanInterval } from '../../../src/modules/plans/status'
import { api, fetchPrivateImage, must } from './api'

/**
 * Shop plans: the public comparison (server-rendered), my shop's plan and its invoices, and the
 * admins' plans. Shapes come from the server's PlansModel.
 */

export type Plan = PlansModel.Plan
export type AdminPlan = PlansModel.AdminPlan
export type PlanState = PlansModel.State
export type PlanInvoice = PlansModel.Invoice
export type { PlanInterval }

const v1 = () => api().api.v1

/** The plans a shop may choose, the free plan first (public; read during the server render too). */
export const getPlans = query(async () => must(await v1().plans.get()).items, 'plans')

export const getMyPlan = async () => must(await v1().me.shop.subscription.get())
/** Subscribes, upgrades (paid now), or schedules a change for the period's end; the answer says which. */
export const choosePlan = async (planId: string, interval: PlanInterval) => must(await v1().me.shop.subscription.post({ planId, interval }))
export const cancelMyPlan = async () => must(await v1().me.shop.subscription.cancel.post())
export const listMyPlanInvoices = async (query: { cursor?: string; limit?: number }) => must(await v1().me.shop.subscription.invoices.get({ query }))

/** Saves a plan invoice's PDF (it needs the owner's token, so it is fetched, not linked). */
export async function downloadPlanInvoice(invoice: Pick<PlanInvoice, 'id' | 'invoiceNumber'>): Promise<void> {
  const url = await fetchPrivateImage(`/api/v1/me/shop/subscription/invoices/${invoice.id}/pdf`)
  Object.assign(document.createElement('a'), { href: url, download: `${invoice.invoiceNumber}.pdf` }).click()
  URL.revokeObjectURL(url)
}

export const listAdminPlans = async () => must(await v1().admin.plans.get()).items
export const createPlan = async (body: PlansModel.CreateBody) => must(await v1().admin.plans.post(body))
export const updatePlan = async (id: string, body: PlansModel.UpdateBody) => must(await v1().admin.plans({ id }).patch(body))

export const INTERVAL_LABEL: Record<PlanInterval, string> = { month: 'Monthly', year: 'Yearly' }
export const PER_INTERVAL: Record<PlanInterval, string> = { month: 'a month', year: 'a year' }

/** A plan's price for `interval`. */
export const priceOf = (plan: Pick<Plan, 'monthlyPriceMinor' | 'yearlyPriceMinor'>, interval: PlanInterval) => (interval === 'year' ? plan.yearlyPriceMinor : plan.monthlyPriceMinor)

/** "5 %", "2.5 %" from basis points. */
export const percentOf = (bp: number) => `${bp / 100} %`

/** "Unlimited" or "25". */
export const limitText = (limit: number | null) => (limit === null ? 'Unlimited' : String(limit))

const DAY = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/** "March 12, 2026" (UTC, as the server renders). The typed client gives Dates, a server render may give strings. */
export const planDay = (value: Date | string) => DAY.format(new Date(value))
