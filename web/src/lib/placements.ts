import { query } from '@solidjs/router'
import type { PlacementStatus } from '../../../src/modules/plans/status'
import type { PlacementsModel } from '../../../src/modules/plans/placements-model'
import { api, must } from './api'

/**
 * Paid and granted placement: a shop's boosts and applications to be featured, and the admins'
 * Placement screen. Shapes come from the server's PlacementsModel.
 */

export type MyPlacements = PlacementsModel.Mine
export type PlacementApplication = PlacementsModel.Application
export type AdminPlacements = PlacementsModel.AdminView

const v1 = () => api().api.v1

export const PLACEMENT_STATUS_LABEL: Record<PlacementStatus, string> = { pending: 'Feature requested', granted: 'Feature granted', declined: 'Feature declined' }

/** My shop's boost credits, featured slots and applications (one read for every row of the dashboard). */
export const getMyPlacements = query(async () => must(await v1().me.shop.placements.get()), 'my-placements')
/** Spends `days` credits to promote my listing; the server says when the shop has fewer. */
export const boostListing = async (slug: string, days: number) => must(await v1().products({ slug }).boost.post({ days }))
export const applyToFeature = async (body: PlacementsModel.ApplyBody) => must(await v1().me.shop.placements.post(body))

export const getAdminPlacements = async () => must(await v1().admin.placements.get())
/** Features a listing until a date (granting its application when one is given), or ends its feature now with null. */
export const featureListing = async (body: PlacementsModel.GrantBody) => must(await v1().admin.placements.post(body))
export const declineApplication = async (id: string, reason: string) => must(await v1().admin.placements({ id }).decline.post({ reason }))
