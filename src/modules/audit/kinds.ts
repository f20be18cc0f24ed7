// The audit log's closed lists, browser-safe (plain constants): what an entry records and what it is about.

/**
 * Every sensitive step Souk records. One entry per step and fact: an admin's decision that also
 * moves money writes its own kind (`dispute.decided`) and `payment.refunded`, both naming the admin.
 */
export const AUDIT_KINDS = [
  'auth.sign_in',
  'auth.sign_out',
  'account.password_changed',
  'account.email_changed',
  'account.deleted',
  'account.role_changed',
  'account.google_linked',
  'account.suspended',
  'account.unsuspended',
  'account.verification_sent',
  // Not a security event of the user's own: their Activity must not show the admin's address.
  'account.signed_out_by_admin',
  'account.payout_method_added',
  'account.payout_method_removed',
  'shop.approved',
  'shop.rejected',
  'shop.suspended',
  'shop.reinstated',
  'listing.moderated',
  'message.moderated',
  'review.moderated',
  'order.staff_changed',
  'payment.refunded',
  'dispute.decided',
  'withdrawal.approved',
  'withdrawal.rejected',
  'settings.changed',
  'help.article_created',
  'help.article_updated',
  'help.article_deleted',
] as const
export type AuditKind = (typeof AUDIT_KINDS)[number]

/** What a user sees of their own account's entries (the account page's "Security activity"). */
export const SECURITY_EVENT_KINDS = [
  'auth.sign_in',
  'auth.sign_out',
  'account.password_changed',
  'account.email_changed',
  'account.google_linked',
  'account.payout_method_added',
  'account.payout_method_removed',
] as const satisfies readonly AuditKind[]
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number]

/** What an entry is about; its id is the subject's (`usr_…`, `ord_…`), or a platform setting's name. */
export const AUDIT_SUBJECT_TYPES = ['user', 'shop', 'product', 'category', 'order', 'payment', 'dispute', 'withdrawal', 'setting', 'message', 'review', 'help_article'] as const
export type AuditSubjectType = (typeof AUDIT_SUBJECT_TYPES)[number]

/** Who acted: a signed-in user, or Souk itself (a job, a schedule, a start-up step). */
export const AUDIT_ACTOR_KINDS = ['user', 'system'] as const
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number]
