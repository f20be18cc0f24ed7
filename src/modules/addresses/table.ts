import { sql } from 'drizzle-orm'
import { boolean, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from '../accounts'
import type { AddressCountry } from './rules'
import { at } from '../../db/columns'


/**
 * A user's postal addresses. At most one default shipping and one default billing address per
 * user, held by partial unique indexes (two requests cannot both make theirs the default). Orders
 * copy an address as it is when placed, so editing or deleting one never changes an order.
 */
export const addresses = pgTable(
  'addresses',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    fullName: text('full_name').notNull(),
    /** Required: couriers call before delivering. */
    phone: text('phone').notNull(),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city').notNull(),
    /** Governorate, wilaya, region or state. */
    region: text('region').notNull(),
    postalCode: text('postal_code'),
    /** ISO 3166-1 alpha-2. */
    country: text('country').$type<AddressCountry>().notNull(),
    defaultShipping: boolean('default_shipping').notNull().default(false),
    defaultBilling: boolean('default_billing').notNull().default(false),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    index('addresses_user_idx').on(table.userId, table.createdAt),
    uniqueIndex('addresses_default_shipping_key').on(table.userId).where(sql`${table.defaultShipping}`),
    uniqueIndex('addresses_default_billing_key').on(table.userId).where(sql`${table.defaultBilling}`),
  ],
)
