import { t, type TSchema } from 'elysia'
import { idSchema } from '../../lib/ids'
import { enumOf } from '../../lib/schema'
import { ADDRESS_COUNTRIES, ADDRESS_LIMITS as LIMITS, POSTAL_CODE_MAX } from './rules'

const nullable = <T extends TSchema>(schema: T) => t.Union([schema, t.Null()])

/** An address as an order keeps it: what the buyer entered, copied when the order was placed. */
export const AddressSnapshot = t.Object({
  fullName: t.String(),
  phone: t.String(),
  line1: t.String(),
  line2: t.Union([t.String(), t.Null()]),
  city: t.String(),
  region: t.String(),
  postalCode: t.Union([t.String(), t.Null()]),
  country: t.String({ description: 'ISO 3166-1 alpha-2' }),
})
export type AddressSnapshot = typeof AddressSnapshot.static

/**
 * Text fields are trimmed by the service, which also checks what a schema would only say in
 * regular expressions (a blank required field, the phone's digits, the country's postal code), so
 * each problem comes back as a 400 naming its field in words a form can show beside it.
 */
export namespace AddressesModel {
  export const country = enumOf(ADDRESS_COUNTRIES, { description: 'ISO 3166-1 alpha-2' })
  const fields = {
    fullName: t.String({ maxLength: LIMITS.name, description: 'required' }),
    phone: t.String({ maxLength: LIMITS.phone, description: 'required (couriers call): digits, spaces, +, -, ( and ), 6 to 20 digits' }),
    line1: t.String({ maxLength: LIMITS.line, description: 'street and number; required' }),
    line2: t.Optional(nullable(t.String({ maxLength: LIMITS.line, description: 'building, floor, landmark; blank is null' }))),
    city: t.String({ maxLength: LIMITS.place, description: 'required' }),
    region: t.String({ maxLength: LIMITS.place, description: 'governorate, wilaya, region, state or province; required' }),
    postalCode: t.Optional(
      nullable(
        t.String({
          maxLength: POSTAL_CODE_MAX,
          description: 'TN: 4 digits; MA, DZ, FR, ES, IT, DE: 5 digits (required there); elsewhere optional, letters, digits, spaces and dashes',
        }),
      ),
    ),
    country,
    defaultShipping: t.Optional(t.Boolean({ description: 'true makes it my default delivery address (the previous one stops being it)' })),
    defaultBilling: t.Optional(t.Boolean({ description: 'true makes it my default billing address (the previous one stops being it)' })),
  }
  export const createBody = t.Object(fields, { description: 'My first address becomes both defaults, whatever the flags say' })
  export type CreateBody = typeof createBody.static
  export const updateBody = t.Partial(t.Object(fields), { description: 'Only the fields given change; false unsets a default' })
  export type UpdateBody = typeof updateBody.static

  export const address = t.Object({
    id: idSchema('adr'),
    ...AddressSnapshot.properties,
    country,
    defaultShipping: t.Boolean(),
    defaultBilling: t.Boolean(),
    createdAt: t.Date(),
    updatedAt: t.Date(),
  })
  export type Address = typeof address.static
  export const addressList = t.Object({ items: t.Array(address, { description: 'oldest first' }) })
  export type AddressList = typeof addressList.static
  export const idParams = t.Object({ id: idSchema('adr') })
}
