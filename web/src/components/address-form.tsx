import { createSignal, Show } from 'solid-js'
import type { AddressesModel, AddressSnapshot } from '../../../src/modules/addresses/model'
import { ADDRESS_COUNTRIES, ADDRESS_LIMITS, type AddressCountry, POSTAL_CODE_MAX, postalCodeRule } from '../../../src/modules/addresses/rules'
import { api, must } from '../lib/api'
import { fieldErrors } from '../lib/errors'
import { formText, optionalText } from '../lib/forms'
import { Button } from './button'
import { SelectField, TextField } from './field'
import { FormAlert, SubmitButton } from './form'

export type Address = AddressesModel.Address

const FIELDS = ['fullName', 'phone', 'country', 'line1', 'line2', 'city', 'region', 'postalCode', 'defaultShipping', 'defaultBilling'] as const
/** What people there call the level between city and country. */
const REGION_LABEL: Partial<Record<AddressCountry, string>> = { TN: 'Governorate', DZ: 'Wilaya', US: 'State', CA: 'Province' }

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' })
const COUNTRY_OPTIONS = ADDRESS_COUNTRIES.map((code) => ({ value: code, label: countryNames.of(code) ?? code }))

/** Where an address is: street, town, country and phone (an address or an order’s copy; its name is the caller’s to show). */
export function AddressText(props: { address: AddressSnapshot }) {
  const a = () => props.address
  return (
    <span class="address-text">
      <span>{[a().line1, a().line2].filter(Boolean).join(', ')}</span>
      <span>{[[a().postalCode, a().city].filter(Boolean).join(' '), a().region, countryNames.of(a().country) ?? a().country].join(', ')}</span>
      <span class="muted">{a().phone}</span>
    </span>
  )
}

/** The form as a request body; the server trims and checks it, and names each field it refuses. */
function bodyOf(form: FormData): AddressesModel.CreateBody {
  return {
    fullName: formText(form, 'fullName'),
    phone: formText(form, 'phone'),
    country: formText(form, 'country') as AddressCountry,
    line1: formText(form, 'line1'),
    line2: optionalText(form, 'line2'),
    city: formText(form, 'city'),
    region: formText(form, 'region'),
    postalCode: optionalText(form, 'postalCode'),
  }
}

/**
 * An address form that saves itself: it adds an address (no `address` given) or changes the one
 * given, and hands the saved address to `onSaved`. The server's field problems show beside their
 * inputs. Each instance keeps its own state, so a page may hold several (the address book, the
 * checkout's delivery and billing forms). A new address may be made a default unless `askDefaults`
 * is false.
 */
export function AddressForm(props: { address?: Address; onSaved: (address: Address) => void; onCancel?: () => void; submitLabel?: string; askDefaults?: boolean }) {
  const [error, setError] = createSignal<unknown>(null)
  const [pending, setPending] = createSignal(false)
  const [country, setCountry] = createSignal<AddressCountry>(props.address?.country ?? ADDRESS_COUNTRIES[0])
  const errors = () => fieldErrors(error())
  const value = (name: keyof AddressesModel.CreateBody) => {
    const current = props.address?.[name]
    return typeof current === 'string' ? current : ''
  }
  const save = async (form: FormData) => {
    const body = bodyOf(form)
    if (props.address !== undefined) return must(await api().api.v1.me.addresses({ id: props.address.id }).patch(body))
    const defaults = { defaultShipping: form.get('defaultShipping') === 'on', defaultBilling: form.get('defaultBilling') === 'on' }
    return must(await api().api.v1.me.addresses.post({ ...body, ...defaults }))
  }
  return (
    <form
      class="settings-form address-form"
      aria-label={props.address === undefined ? 'New address' : 'Edit address'}
      onSubmit={async (e) => {
        e.preventDefault()
        setPending(true)
        setError(null)
        try {
          props.onSaved(await save(new FormData(e.currentTarget)))
        } catch (caught) {
          setError(caught)
        } finally {
          setPending(false)
        }
      }}
    >
      <FormAlert error={error()} fields={FIELDS} />
      <div class="grid grid--2">
        <TextField label="Full name" name="fullName" required maxLength={ADDRESS_LIMITS.name} value={value('fullName')} autocomplete="name" error={errors().fullName} />
        <TextField label="Phone" name="phone" type="tel" required maxLength={ADDRESS_LIMITS.phone} value={value('phone')} autocomplete="tel" hint="The courier calls before delivering." error={errors().phone} />
      </div>
      <SelectField
        label="Country"
        name="country"
        options={COUNTRY_OPTIONS}
        value={country()}
        autocomplete="country"
        onChange={(e) => setCountry(e.currentTarget.value as AddressCountry)}
        error={errors().country}
      />
      <TextField label="Address" name="line1" required maxLength={ADDRESS_LIMITS.line} value={value('line1')} autocomplete="address-line1" placeholder="Street and number" error={errors().line1} />
      <TextField label="Address line 2 (optional)" name="line2" maxLength={ADDRESS_LIMITS.line} value={value('line2')} autocomplete="address-line2" placeholder="Building, floor, landmark" error={errors().line2} />
      <div class="grid grid--2">
        <TextField label="City" name="city" required maxLength={ADDRESS_LIMITS.place} value={value('city')} autocomplete="address-level2" error={errors().city} />
        <TextField label={REGION_LABEL[country()] ?? 'Region'} name="region" required maxLength={ADDRESS_LIMITS.place} value={value('region')} autocomplete="address-level1" error={errors().region} />
      </div>
      <TextField label="Postal code" name="postalCode" maxLength={POSTAL_CODE_MAX} value={value('postalCode')} autocomplete="postal-code" hint={postalCodeRule(country())} error={errors().postalCode} />
      <Show when={props.address === undefined && props.askDefaults !== false}>
        <label class="check">
          <input type="checkbox" name="defaultShipping" /> Use as my default delivery address
        </label>
        <label class="check">
          <input type="checkbox" name="defaultBilling" /> Use as my default billing address
        </label>
      </Show>
      <div class="row">
        <SubmitButton pending={pending()} pendingLabel="Saving…">
          {props.submitLabel ?? (props.address === undefined ? 'Add address' : 'Save address')}
        </SubmitButton>
        <Show when={props.onCancel}>
          {(cancel) => (
            <Button variant="ghost" onClick={() => cancel()()}>
              Cancel
            </Button>
          )}
        </Show>
      </div>
    </form>
  )
}
