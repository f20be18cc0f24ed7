import { and, asc, count, desc, eq, ne, sql } from 'drizzle-orm'
import { type Db, lockName, type Tx } from '../../db/client'
import type { Clock } from '../../lib/clock'
import { AppError, type FieldProblem } from '../../lib/errors'
import { newId } from '../../lib/ids'
import type { AddressesModel, AddressSnapshot } from './model'
import { type AddressCountry, MAX_ADDRESSES, postalCodeProblem } from './rules'
import { addresses } from './table'

export interface AddressesDeps {
  db: Db
  clock: Clock
}

type Conn = Db | Tx
type AddressRow = typeof addresses.$inferSelect
/** What a user enters, cleaned: an address's own fields, without its default flags. */
type Fields = AddressSnapshot & { country: AddressCountry }

const notFound = () => new AppError('not_found', 'No such address')

function toAddress(row: AddressRow): AddressesModel.Address {
  const { userId: _, ...address } = row
  return address
}

function fieldsOf(row: AddressRow): Fields {
  return { fullName: row.fullName, phone: row.phone, line1: row.line1, line2: row.line2, city: row.city, region: row.region, postalCode: row.postalCode, country: row.country }
}

const blankToNull = (value: string | null | undefined) => (value === null || value === undefined || value.trim() === '' ? null : value.trim())
/** Digits, spaces, +, -, ( and ), with 6 to 20 digits: how people write numbers, and what a courier can dial. */
const PHONE = /^[-+() ]*(?:[0-9][-+() ]*){6,20}$/

/**
 * Trims every text and checks what the schema leaves to words: required text is not blank, the
 * phone has 6 to 20 digits, the postal code fits the country. All problems at once, as a 400.
 */
function cleanFields(input: Omit<AddressesModel.CreateBody, 'defaultShipping' | 'defaultBilling'>): Fields {
  const fields = {
    fullName: input.fullName.trim(),
    phone: input.phone.trim(),
    line1: input.line1.trim(),
    line2: blankToNull(input.line2),
    city: input.city.trim(),
    region: input.region.trim(),
    postalCode: blankToNull(input.postalCode)?.toUpperCase() ?? null,
    country: input.country,
  }
  const problems: FieldProblem[] = []
  for (const name of ['fullName', 'phone', 'line1', 'city', 'region'] as const) {
    if (fields[name] === '') problems.push({ field: `body.${name}`, message: 'is required' })
  }
  if (fields.phone !== '' && !PHONE.test(fields.phone)) problems.push({ field: 'body.phone', message: 'must be 6 to 20 digits (spaces, +, -, ( and ) allowed)' })
  const postal = postalCodeProblem(fields.country, fields.postalCode)
  if (postal !== null) problems.push({ field: 'body.postalCode', message: postal })
  if (problems.length > 0) throw new AppError('invalid_data', `Invalid ${problems.map((p) => p.field).join(', ')}`, problems)
  return fields
}

/**
 * Serialises one user's address writes until commit. Each write reads then writes (is this the
 * first address, how many are there, which one is the default now), so two at once would both see
 * the old state: two defaults (refused by the partial unique indexes), or a 21st address.
 */
async function lockAddressBook(tx: Tx, userId: string): Promise<void> {
  await lockName(tx, `addresses:${userId}`)
}

/** Unsets the user's current default shipping and/or billing address (before another one takes the role). */
async function clearDefaults(tx: Tx, userId: string, roles: { shipping: boolean; billing: boolean }): Promise<void> {
  if (roles.shipping) await tx.update(addresses).set({ defaultShipping: false }).where(and(eq(addresses.userId, userId), eq(addresses.defaultShipping, true)))
  if (roles.billing) await tx.update(addresses).set({ defaultBilling: false }).where(and(eq(addresses.userId, userId), eq(addresses.defaultBilling, true)))
}

async function findAddress(db: Conn, userId: string, id: string): Promise<AddressRow | null> {
  // Scoped to the owner: another user's id is "no such address", never a hint that it exists.
  const [row] = await db.select().from(addresses).where(and(eq(addresses.id, id), eq(addresses.userId, userId))).limit(1)
  return row ?? null
}

/** My addresses, oldest first (the order they were added in, whatever becomes the default). */
export async function listAddresses(db: Db, userId: string): Promise<AddressesModel.AddressList> {
  const rows = await db.select().from(addresses).where(eq(addresses.userId, userId)).orderBy(asc(addresses.createdAt), asc(addresses.id))
  return { items: rows.map(toAddress) }
}

/** Adds an address (at most MAX_ADDRESSES, 409 beyond). The first one becomes both defaults. */
export async function createAddress(deps: AddressesDeps, userId: string, input: AddressesModel.CreateBody): Promise<AddressesModel.Address> {
  const fields = cleanFields(input)
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    await lockAddressBook(tx, userId)
    const [{ existing } = { existing: 0 }] = await tx.select({ existing: count() }).from(addresses).where(eq(addresses.userId, userId))
    if (existing >= MAX_ADDRESSES) throw new AppError('conflict', `You can keep at most ${MAX_ADDRESSES} addresses: delete one first`)
    const defaultShipping = existing === 0 || input.defaultShipping === true
    const defaultBilling = existing === 0 || input.defaultBilling === true
    await clearDefaults(tx, userId, { shipping: defaultShipping, billing: defaultBilling })
    const [row] = await tx
      .insert(addresses)
      .values({ id: newId('adr'), userId, ...fields, defaultShipping, defaultBilling, createdAt: now, updatedAt: now })
      .returning()
    return toAddress(row!)
  })
}

/**
 * Changes my address: only the fields given (the postal code is checked against the country the
 * address ends up in). `defaultShipping: true` takes the role from my other address in the same
 * transaction; `false` leaves me without one.
 */
export async function updateAddress(deps: AddressesDeps, userId: string, id: string, input: AddressesModel.UpdateBody): Promise<AddressesModel.Address> {
  return deps.db.transaction(async (tx) => {
    await lockAddressBook(tx, userId)
    const current = await findAddress(tx, userId, id)
    if (current === null) throw notFound()
    const { defaultShipping = current.defaultShipping, defaultBilling = current.defaultBilling, ...changes } = input
    const fields = cleanFields({ ...fieldsOf(current), ...changes })
    await clearDefaults(tx, userId, { shipping: defaultShipping && !current.defaultShipping, billing: defaultBilling && !current.defaultBilling })
    const [row] = await tx
      .update(addresses)
      .set({ ...fields, defaultShipping, defaultBilling, updatedAt: deps.clock.now() })
      .where(eq(addresses.id, id))
      .returning()
    return toAddress(row!)
  })
}

/** Deletes my address. A default's role passes to my newest other address, if any. Orders keep their copies. */
export async function deleteAddress(deps: AddressesDeps, userId: string, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await lockAddressBook(tx, userId)
    const [gone] = await tx.delete(addresses).where(and(eq(addresses.id, id), eq(addresses.userId, userId))).returning()
    if (gone === undefined) throw notFound()
    if (!gone.defaultShipping && !gone.defaultBilling) return
    const [heir] = await tx.select({ id: addresses.id }).from(addresses).where(and(eq(addresses.userId, userId), ne(addresses.id, id))).orderBy(desc(addresses.createdAt), desc(addresses.id)).limit(1)
    if (heir === undefined) return
    await tx
      .update(addresses)
      .set({ ...(gone.defaultShipping ? { defaultShipping: true } : {}), ...(gone.defaultBilling ? { defaultBilling: true } : {}), updatedAt: deps.clock.now() })
      .where(eq(addresses.id, heir.id))
  })
}

/**
 * The address an order will copy: one of `userId`'s own, as it is now. Another user's id, or one
 * that is gone, is a 404 `not_found`. Takes the caller's transaction (or the Db, for a quote).
 */
export async function addressForCheckout(db: Conn, userId: string, addressId: string): Promise<AddressSnapshot> {
  const row = await findAddress(db, userId, addressId)
  if (row === null) throw notFound()
  return fieldsOf(row)
}

export interface DefaultAddress {
  id: string
  snapshot: AddressSnapshot
}

/** My default delivery and billing addresses (the checkout's preselection); null where I have none. */
export async function defaultAddresses(db: Conn, userId: string): Promise<{ shipping: DefaultAddress | null; billing: DefaultAddress | null }> {
  const rows = await db
    .select()
    .from(addresses)
    .where(and(eq(addresses.userId, userId), sql`(${addresses.defaultShipping} or ${addresses.defaultBilling})`))
  const of = (row: AddressRow | undefined): DefaultAddress | null => (row === undefined ? null : { id: row.id, snapshot: fieldsOf(row) })
  return { shipping: of(rows.find((r) => r.defaultShipping)), billing: of(rows.find((r) => r.defaultBilling)) }
}
