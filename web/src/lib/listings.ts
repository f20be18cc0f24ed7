import type { ListingApprovalMode, ListingReviewState } from '../../../src/modules/catalog/live'
import type { CatalogModel } from '../../../src/modules/catalog/model'
import { api, must } from './api'

/** Admins' review of listings (LISTING review rules and the queue): the calls and labels. */

export type ListingRules = CatalogModel.ListingRules
export type PendingListing = (typeof CatalogModel.pendingListings.static)['items'][number]

export const REVIEW_STATE_LABEL: Record<ListingReviewState, string> = { approved: 'Approved', pending: 'Waiting for review', rejected: 'Rejected' }
export const APPROVAL_MODE_LABEL: Record<ListingApprovalMode, string> = {
  off: 'Off: listings are public at once',
  new_shops: 'New shops: listings of shops not trusted yet wait for review',
  all: 'All: every new or materially changed listing waits for review',
}

const admin = () => api().api.v1.admin.listings
export const getListingRules = async () => must(await admin().rules.get())
export const saveListingRules = async (rules: ListingRules) => must(await admin().rules.put(rules))
export const listPendingListings = async (query: { cursor?: string; minAgeHours?: number }) => must(await admin().pending.get({ query }))
export const approveListing = async (id: string) => must(await admin()({ id }).approve.post())
export const rejectListing = async (id: string, reason: string) => must(await admin()({ id }).reject.post({ reason }))
export const approveListings = async (ids: string[]) => must(await admin().approve.post({ ids }))
export const rejectListings = async (ids: string[], reason: string) => must(await admin().reject.post({ ids, reason }))
