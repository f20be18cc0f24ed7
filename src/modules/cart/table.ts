import { check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { users } from '../accounts'
import { products } from '../catalog'
import { at } from '../../db/columns'


/**
 * A signed-in user's cart: one line per product (the primary key makes "added twice" one line).
 * `priceSeenMinor` is the price the buyer saw when adding it, so a price changed since is shown
 * plainly before checkout; the checkout itself always charges the current price.
 */
export const cartItems = pgTable(
  'cart_items',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    priceSeenMinor: integer('price_seen_minor').notNull(),
    addedAt: at('added_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.productId] }),
    index('cart_items_product_idx').on(table.productId),
    check('cart_items_quantity_check', sql`${table.quantity} between 1 and 999`),
  ],
)
