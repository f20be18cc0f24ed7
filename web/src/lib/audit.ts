import type { AuditKind, AuditSubjectType, SecurityEventKind } from '../../../src/modules/audit/kinds'
import type { AuditModel } from '../../../src/modules/audit/model'
import { api, must } from './api'

/**
 * The audit log: the admins' search and CSV export, and my account's security events (browser-only
 * calls: they need the signed-in user's token). Shapes come from the server's AuditModel; the words
 * are keyed by its closed lists, so a kind added there does not compile here until it has words.
 */

export type AuditEntry = AuditModel.Entry
export type AuditFilters = AuditModel.ExportBody
export type SecurityEvent = AuditModel.SecurityEvent

const v1 = () => api().api.v1

export const searchAudit = async (query: AuditModel.SearchQuery) => must(await v1().admin.audit.get({ query }))
export const listSecurityEvents = async (query: { cursor?: string; limit?: number }) => must(await v1().me['security-events'].get({ query }))

/** Starts the CSV export of the entries the filters find (a job: its card shows the progress and the download). */
export const exportAudit = async (filters: AuditFilters) => must(await v1().admin.audit.export.post(filters))

export const AUDIT_KIND_LABEL: Record<AuditKind, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_out': 'Signed out',
  'account.password_changed': 'Password changed',
  'account.email_changed': 'Email changed',
  'account.deleted': 'Account deleted',
  'account.role_changed': 'Role changed',
  'account.google_linked': 'Google account linked',
  'account.suspended': 'Account suspended',
  'account.unsuspended': 'Suspension lifted',
  'account.verification_sent': 'Verification code sent',
  'account.signed_out_by_admin': 'Signed out by an admin',
  'account.payout_method_added': 'Payout method added',
  'account.payout_method_removed': 'Payout method removed',
  'shop.approved': 'Shop approved',
  'shop.rejected': 'Shop rejected',
  'shop.suspended': 'Shop suspended',
  'shop.reinstated': 'Shop reinstated',
  'listing.moderated': 'Listing moderated',
  'message.moderated': 'Chat message moderated',
  'review.moderated': 'Review moderated',
  'order.staff_changed': 'Order changed by staff',
  'payment.refunded': 'Refund',
  'dispute.decided': 'Dispute decided',
  'withdrawal.approved': 'Withdrawal paid',
  'withdrawal.rejected': 'Withdrawal rejected',
  'settings.changed': 'Settings changed',
  'help.article_created': 'Help article created',
  'help.article_updated': 'Help article changed',
  'help.article_deleted': 'Help article deleted',
}

export const AUDIT_SUBJECT_LABEL: Record<AuditSubjectType, string> = {
  user: 'Account',
  shop: 'Shop',
  product: 'Listing',
  category: 'Category',
  order: 'Order',
  payment: 'Payment',
  dispute: 'Dispute',
  withdrawal: 'Withdrawal',
  setting: 'Setting',
  message: 'Chat message',
  review: 'Review',
  help_article: 'Help article',
}

type Summary = AuditEntry['summary']

/** `key: value` pairs of a summary, for a table cell; null values left out. */
export const summaryText = (summary: Summary) =>
  Object.entries(summary)
    .flatMap(([key, value]) => (value === null ? [] : [`${key}: ${String(value)}`]))
    .join(' · ')

const text = (summary: Summary, key: string) => (typeof summary[key] === 'string' ? (summary[key] as string) : null)
const count = (summary: Summary, key: string) => (typeof summary[key] === 'number' ? (summary[key] as number) : 0)
const devices = (n: number) => `${n} ${n === 1 ? 'device' : 'devices'}`

const PASSWORD_VIA: Record<string, string> = { reset: 'Password reset with an emailed link', start_up: 'Password set by Souk at start-up (the configured admin password)' }
const SIGN_IN_METHOD: Record<string, string> = { password: 'with your password', google: 'with Google', sign_up: 'after confirming your email address' }

/** What a security event of my account means, in a sentence. */
export const SECURITY_EVENT_TEXT: Record<SecurityEventKind, (event: SecurityEvent) => string> = {
  'auth.sign_in': (e) => `Signed in ${SIGN_IN_METHOD[text(e.summary, 'method') ?? ''] ?? ''}`.trim(),
  'auth.sign_out': (e) => {
    const reason = text(e.summary, 'reason')
    if (reason === 'logout') return 'Signed out'
    if (reason === 'refresh_reuse') return 'Souk signed a device out: its sign-in was used twice, which can mean it was copied'
    return `Signed out ${devices(count(e.summary, 'sessions'))} from your account settings`
  },
  'account.password_changed': (e) =>
    `${PASSWORD_VIA[text(e.summary, 'via') ?? ''] ?? 'Password changed'}${count(e.summary, 'sessionsEnded') > 0 ? `; ${devices(count(e.summary, 'sessionsEnded'))} signed out` : ''}`,
  'account.email_changed': (e) => `Email changed from ${text(e.summary, 'from') ?? 'your old address'} to ${text(e.summary, 'to') ?? 'a new address'}`,
  'account.google_linked': (e) => `Google sign-in linked to your account${e.summary.emailLoginRemoved === true ? '; the password set before the address was confirmed was removed' : ''}`,
  'account.payout_method_added': (e) => `Bank account ${text(e.summary, 'label') ?? ''} •••• ${text(e.summary, 'last4') ?? ''} added for withdrawals`,
  'account.payout_method_removed': (e) => `Bank account ${text(e.summary, 'label') ?? ''} •••• ${text(e.summary, 'last4') ?? ''} removed`,
}

/** The device of a sign-in, when it says (its browser's User-Agent). */
export const userAgentOf = (event: SecurityEvent) => text(event.summary, 'userAgent')
