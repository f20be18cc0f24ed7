import type { Db } from './db/client'
import type { Clock } from './lib/clock'
import type { Logger } from './lib/log'
import { ensureUser, hasNoUsers } from './modules/accounts'

/** The demo sign-ins `npm start` prints; seeded only into an empty database. */
export const DEMO_ACCOUNTS = [
  { email: 'admin@souk.test', password: 'souk-admin-demo', role: 'admin', displayName: 'Souk Admin' },
  { email: 'amira@souk.test', password: 'souk-buyer-demo', role: 'buyer', displayName: 'Amira Haddad' },
  { email: 'youssef@souk.test', password: 'souk-buyer-demo', role: 'buyer', displayName: 'Youssef Benali' },
] as const

/**
 * Believable demo data for a first start on the embedded defaults. Domains add theirs here
 * (vendors, categories, products) as they land. Returns false when the database already had data.
 */
export async function seedDemo(deps: { db: Db; clock: Clock; log: Logger }): Promise<boolean> {
  if (!(await hasNoUsers(deps.db))) return false
  for (const account of DEMO_ACCOUNTS) await ensureUser(deps, account)
  return true
}
