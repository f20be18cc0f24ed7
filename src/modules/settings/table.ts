import { sql } from 'drizzle-orm'
import { type AnyPgColumn, check, integer, pgTable, text } from 'drizzle-orm/pg-core'
import { at } from '../../db/columns'
import { users } from '../accounts'
import { SETTING_BOUNDS } from './names'

/** A nullable setting within its bounds (null, the default, passes). */
const between = (column: AnyPgColumn, bounds: { minimum: number; maximum: number }) => sql`${column} between ${sql.raw(String(bounds.minimum))} and ${sql.raw(String(bounds.maximum))}`

/**
 * The admins' overrides of the platform settings: one row (id 1), a column per setting, null where
 * the default holds (the configuration's value, see settingsDefaults). Read through the settings
 * service (cached, dropped on every instance when it changes), written by PATCH /admin/settings.
 */
export const platformSettings = pgTable(
  'platform_settings',
  {
    id: integer('id').primaryKey().default(1),
    commissionBp: integer('commission_bp'),
    escrowAutoReleaseDays: integer('escrow_auto_release_days'),
    returnWindowDays: integer('return_window_days'),
    withdrawalMinMinor: integer('withdrawal_min_minor'),
    updatedAt: at('updated_at').notNull(),
    updatedBy: text('updated_by').references(() => users.id),
  },
  (table) => [
    check('platform_settings_one_row', sql`${table.id} = 1`),
    check('platform_settings_commission_check', between(table.commissionBp, SETTING_BOUNDS.commissionBp)),
    check('platform_settings_escrow_days_check', between(table.escrowAutoReleaseDays, SETTING_BOUNDS.escrowAutoReleaseDays)),
    check('platform_settings_return_window_check', between(table.returnWindowDays, SETTING_BOUNDS.returnWindowDays)),
    check('platform_settings_withdrawal_min_check', between(table.withdrawalMinMinor, SETTING_BOUNDS.withdrawalMinMinor)),
  ],
)
