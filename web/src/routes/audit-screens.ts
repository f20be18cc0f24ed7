// The audit log's screens (the admins' log, my account's security activity), loaded on demand as
// ONE chunk: two lazy chunks sharing lib/audit.ts would make a common chunk, and the bundler then
// moves entry modules it uses out of the entry (see orders-screens.ts).
export { default as AdminAudit } from './admin-audit'
export { default as SecurityActivity } from './account/security-activity'
