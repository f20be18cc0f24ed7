// Column types every module's tables use: timestamps with their zone, and bytes (photos, keys).
import { customType, timestamp } from 'drizzle-orm/pg-core'

/** A `timestamp with time zone` column. */
export const at = (name: string) => timestamp(name, { withTimezone: true })

/** A `bytea` column, read and written as bytes. */
export const bytea = customType<{ data: Uint8Array<ArrayBuffer>; driverData: Uint8Array<ArrayBuffer> }>({ dataType: () => 'bytea' })
