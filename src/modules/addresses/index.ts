import { Elysia, t } from 'elysia'
import type { Infrastructure } from '../../infrastructure'
import { ErrorResponse } from '../../lib/errors'
import { authPlugin } from '../accounts'
import { AddressesModel as M } from './model'
import { MAX_ADDRESSES } from './rules'
import { type AddressesDeps, createAddress, deleteAddress, listAddresses, updateAddress } from './service'

export { AddressesModel, AddressSnapshot } from './model'
export { ADDRESS_COUNTRIES, type AddressCountry, MAX_ADDRESSES } from './rules'
/**
 * For the checkout: `addressForCheckout(db, userId, addressId)` answers the snapshot an order
 * copies (a 404 AppError when the address is not the user's), `defaultAddresses(db, userId)` the
 * user's default shipping and billing addresses as `{ id, snapshot }` or null. Both take a Db or
 * the caller's transaction.
 */
export { addressForCheckout, type DefaultAddress, defaultAddresses } from './service'
/** The table other modules' tables reference (foreign keys); services go through this module's functions. */
export { addresses } from './table'

/**
 * My address book (issue #15): delivery and billing addresses the checkout offers. One default of
 * each kind per user (the database holds it); another user's address answers 404 on every route.
 */
export function addressesRoutes(ctx: Pick<Infrastructure, 'database' | 'config' | 'clock'>) {
  const deps: AddressesDeps = { db: ctx.database.db, clock: ctx.clock }
  return new Elysia({ name: 'addresses', prefix: '/api/v1' })
    .use(authPlugin(ctx))
    .guard({ auth: true, detail: { tags: ['Addresses'] } }, (app) =>
      app
        .get('/me/addresses', ({ user }) => listAddresses(deps.db, user.id), {
          response: { 200: M.addressList },
          detail: { summary: 'My addresses, oldest first, with which is my default shipping and billing address' },
        })
        .post('/me/addresses', async ({ user, body, status }) => status(201, await createAddress(deps, user.id, body)), {
          body: M.createBody,
          response: { 201: M.address, 400: ErrorResponse, 409: ErrorResponse },
          detail: {
            summary: 'Add an address',
            description: `My first address becomes my default shipping and billing address. At most ${MAX_ADDRESSES} addresses (409).`,
          },
        })
        .patch('/me/addresses/:id', ({ user, params, body }) => updateAddress(deps, user.id, params.id, body), {
          params: M.idParams,
          body: M.updateBody,
          response: { 200: M.address, 400: ErrorResponse, 404: ErrorResponse },
          detail: { summary: 'Change my address, or make it my default shipping or billing address (the previous default stops being it)' },
        })
        .delete(
          '/me/addresses/:id',
          async ({ user, params, status }) => {
            await deleteAddress(deps, user.id, params.id)
            return status(204, undefined)
          },
          {
            params: M.idParams,
            response: { 204: t.Undefined(), 404: ErrorResponse },
            detail: { summary: 'Delete my address (my newest other address takes its default roles; orders keep their copies)' },
          },
        ),
    )
}
