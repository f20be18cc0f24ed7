import { action, useSubmission } from '@solidjs/router'
import { createEffect, Match, on, Show, Switch } from 'solid-js'
import { SignedIn } from '../components/auth-gate'
import { ButtonLink } from '../components/button'
import { Callout } from '../components/feedback'
import { TextAreaField, TextField } from '../components/field'
import { FormAlert, SubmitButton } from '../components/form'
import { toast } from '../components/toast'
import { api } from '../lib/api'
import { must, useMyVendor } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { type FormInput, formText, optionalText } from '../lib/forms'
import { PageMeta } from '../lib/head'

const FIELDS = ['companyName', 'slug', 'description', 'contactEmail', 'contactPhone', 'address', 'city', 'country', 'website', 'taxNumber'] as const

const apply = action(async (form: FormInput) => {
  const shop = must(
    await api().api.v1.vendors.post({
      companyName: formText(form, 'companyName').trim(),
      slug: formText(form, 'slug').trim().toLowerCase(),
      description: formText(form, 'description').trim(),
      contactEmail: formText(form, 'contactEmail').trim(),
      contactPhone: formText(form, 'contactPhone').trim(),
      address: formText(form, 'address').trim(),
      city: formText(form, 'city').trim(),
      country: formText(form, 'country').trim().toUpperCase(),
      website: optionalText(form, 'website'),
      taxNumber: formText(form, 'taxNumber').trim(),
    }),
  )
  toast('Your application is sent. We will tell you when it is reviewed.', 'success')
  return shop
}, 'apply-to-sell')

/** The application; `onApplied` once it is sent, so the page reads where it stands. */
function ApplicationForm(props: { onApplied: () => void }) {
  const submission = useSubmission(apply)
  createEffect(on(() => submission.result, (shop) => shop !== undefined && props.onApplied(), { defer: true }))
  const errors = () => fieldErrors(submission.error)
  return (
    <form action={apply} method="post" class="card card__body stack">
      <FormAlert error={submission.error} fields={FIELDS} />
      <div class="grid grid--2">
        <TextField label="Shop name" name="companyName" required minLength={2} maxLength={120} error={errors().companyName} />
        <TextField label="Shop address on Souk" name="slug" required pattern="[a-z0-9]+(-[a-z0-9]+)*" minLength={3} maxLength={60} hint="Lower-case letters, digits and dashes: souk/vendors/your-shop" error={errors().slug} />
      </div>
      <TextAreaField label="About your shop" name="description" required minLength={20} maxLength={4000} rows={4} hint="What you make or sell, and how. At least 20 characters." error={errors().description} />
      <div class="grid grid--2">
        <TextField label="Contact email" name="contactEmail" type="email" required autocomplete="email" error={errors().contactEmail} />
        <TextField label="Contact phone" name="contactPhone" type="tel" required autocomplete="tel" error={errors().contactPhone} />
      </div>
      <TextField label="Street address" name="address" required minLength={5} maxLength={300} autocomplete="street-address" hint="Only Souk's team sees it." error={errors().address} />
      <div class="grid grid--2">
        <TextField label="City" name="city" required maxLength={100} autocomplete="address-level2" error={errors().city} />
        <TextField label="Country code" name="country" required pattern="[A-Za-z]{2}" maxLength={2} placeholder="MA" hint="Two letters, e.g. MA, TN, LB" error={errors().country} />
      </div>
      <div class="grid grid--2">
        <TextField label="Website (optional)" name="website" type="url" placeholder="https://" error={errors().website} />
        <TextField label="Tax number" name="taxNumber" required error={errors().taxNumber} hint="One shop per tax number." />
      </div>
      <div>
        <SubmitButton pending={submission.pending} pendingLabel="Sending…" size="lg">
          Send my application
        </SubmitButton>
      </div>
    </form>
  )
}

/** Become a vendor: the application, or where it stands. */
export default function Sell() {
  return (
    <>
      <PageMeta title="Sell on Souk" description="Open a storefront on Souk and sell to buyers who can talk to you." noindex />
      <div class="page-header">
        <div>
          <h1>Sell on Souk</h1>
          <p>Tell us about your shop. Souk’s team reviews each application: you get a notification and an email once it is decided, and this page shows the decision.</p>
        </div>
      </div>
      <SignedIn>
        <Application />
      </SignedIn>
    </>
  )
}

function Application() {
  const { shop: mine, reread } = useMyVendor()
  return (
    <Show when={mine() !== undefined}>
      <Switch fallback={<ApplicationForm onApplied={reread} />}>
        <Match when={mine()?.status === 'pending'}>
          <Callout tone="info">
            <p>
              <strong>Your application for {mine()!.companyName} is waiting for review.</strong> You will get a notification and an email when it is decided, and this page updates by itself.
            </p>
          </Callout>
        </Match>
        <Match when={mine()?.status === 'approved'}>
          <Callout tone="success">
            <p>
              <strong>{mine()!.companyName} is open.</strong> List products and follow their figures from your dashboard.
            </p>
            <p>
              <ButtonLink variant="primary" href="/dashboard">Go to my dashboard</ButtonLink>
            </p>
          </Callout>
        </Match>
        <Match when={mine()?.status === 'suspended'}>
          <Callout tone="danger">
            <p>
              <strong>{mine()!.companyName} is suspended.</strong> {mine()!.statusReason ?? ''}
            </p>
          </Callout>
        </Match>
        <Match when={mine()?.status === 'rejected'}>
          <div class="stack">
            <Callout tone="danger">
              <p>
                <strong>Your last application was not accepted.</strong> {mine()!.statusReason ?? ''} You may apply again.
              </p>
            </Callout>
            <ApplicationForm onApplied={reread} />
          </div>
        </Match>
      </Switch>
    </Show>
  )
}
