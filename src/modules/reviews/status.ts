// The rules of reviews as data: who may review, for how long each part stays editable, and why a
// review may be reported.

/** Hours during which a review, and separately the shop's reply, may still be changed. */
export const EDIT_HOURS = 48
export const REVIEW_PHOTO_LIMIT = 5
export const REVIEW_TEXT_MAX = 4_000
export const REPLY_TEXT_MAX = 2_000

export const REVIEW_SORTS = ['helpful', 'newest'] as const
export type ReviewSort = (typeof REVIEW_SORTS)[number]

export const REVIEW_REPORT_REASONS = ['spam', 'offensive', 'not_about_product', 'personal_data', 'other'] as const
export type ReviewReportReason = (typeof REVIEW_REPORT_REASONS)[number]
export const REVIEW_REPORT_STATUSES = ['open', 'hidden', 'dismissed'] as const

/** What a caller may do to a review (the `actions` of each). */
export const REVIEW_ACTIONS = ['edit', 'delete', 'add_photo', 'reply', 'edit_reply', 'vote', 'report'] as const
export type ReviewAction = (typeof REVIEW_ACTIONS)[number]
