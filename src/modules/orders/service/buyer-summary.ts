import { count, desc, eq } from 'drizzle-orm'
import { orders } from '../table'
import type { Conn } from './shared'

/** A buyer's orders for the admins' user page: how many in all, and the latest `limit`. */
export async function buyerOrderSummary(db: Conn, buyerId: string, limit = 5) {
  const [total] = await db.select({ n: count() }).from(orders).where(eq(orders.buyerId, buyerId))
  const latest = await db
    .select({ id: orders.id, status: orders.status, totalMinor: orders.totalMinor, currency: orders.currency, createdAt: orders.createdAt })
    .from(orders)
    .where(eq(orders.buyerId, buyerId))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit)
  return { count: total?.n ?? 0, latest }
}
