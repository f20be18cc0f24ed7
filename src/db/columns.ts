// Column types every module's tables use: timestamps with their zone, and bytes (photos, keys).
import { customType, integer, text, timestamp } from 'drizzle-orm/pg-core'

/** A `timestamp with time zone` column. */
export const at = (name: string) => timestamp(name, { withTimezone: true })

/** A `bytea` column, read and written as bytes. */
export const bytea = customType<{ data: Uint8Array<ArrayBuffer>; driverData: Uint8Array<ArrayBuffer> }>({ dataType: () => 'bytea' })

/**
 * The columns of a photo as lib/images.ts processPhoto makes it (product photos, post photos): its
 * two re-encoded sizes, the display size's dimensions, and its version.
 */
export const photoColumns = () => ({
  /** Hash of the display image; part of both URLs, so a new photo is a new URL. */
  version: text('version').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  display: bytea('display').notNull(),
  thumbnail: bytea('thumbnail').notNull(),
})
