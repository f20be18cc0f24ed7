// The schema index: every domain's tables, re-exported for Drizzle's relational queries and
// drizzle-kit (drizzle.config.ts globs src/modules/*/table.ts). Domains add their line here.
export * from '../modules/accounts/table'
export * from '../modules/mail/table'
export * from '../modules/events/table'
export * from '../modules/notifications/table'
export * from '../modules/vendors/table'
export * from '../modules/catalog/table'
export * from '../modules/jobs/table'
export * from '../modules/chat/table'
