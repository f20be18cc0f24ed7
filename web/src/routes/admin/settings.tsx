import { createResource, For, type JSX, Show } from 'solid-js'
import { SETTING_NAMES } from '../../../../src/modules/settings/names'
import { Skeleton } from '../../components/feedback'
import { TextField } from '../../components/field'
import { FormAlert, SubmitButton } from '../../components/form'
import { createRequestState } from '../../components/confirm-dialog'
import { toast } from '../../components/toast'
import { moneyInput, parseMoney } from '../../lib/catalog'
import { fieldErrors } from '../../lib/errors'
import { APPROVAL_MODE_LABEL, getListingRules } from '../../lib/listings'
import { getTaxRates, parsePercent, ratePercent, ratePercentInput } from '../../lib/orders'
import { type AdminSettings, getSettings, type SettingName, saveSettings, type SettingsPatch } from '../../lib/settings'

/** How each setting is typed, shown and read back from its field (undefined: not readable). */
const FIELDS: Record<SettingName, { label: string; hint: string; inputmode: 'decimal' | 'numeric'; show: (value: number) => string; parse: (text: string) => number | undefined }> = {
  commissionBp: {
    label: 'Platform commission (%)',
    hint: 'Taken on each sale of shops whose plan sets no rate of its own.',
    inputmode: 'decimal',
    show: ratePercentInput,
    parse: parsePercent,
  },
  escrowAutoReleaseDays: {
    label: 'Escrow auto-release (days)',
    hint: 'A paid order’s money goes to its shop this many days after delivery unless the buyer reports a problem.',
    inputmode: 'numeric',
    show: String,
    parse: (text) => (/^\d+$/.test(text) ? Number(text) : undefined),
  },
  returnWindowDays: {
    label: 'Default return window (days)',
    hint: 'For shops without a return policy of their own; 0: they take no returns.',
    inputmode: 'numeric',
    show: String,
    parse: (text) => (/^\d+$/.test(text) ? Number(text) : undefined),
  },
  withdrawalMinMinor: {
    label: 'Smallest withdrawal',
    hint: 'In each currency’s units (100.00 is 100 MAD).',
    inputmode: 'decimal',
    show: moneyInput,
    parse: parseMoney,
  },
}

/** The default of a setting as its field shows it. */
const defaultText = (name: SettingName, settings: AdminSettings) => (name === 'commissionBp' ? ratePercent(settings.defaults.commissionBp) : FIELDS[name].show(settings.defaults[name]))

/** The settings form: each field holds the value in force; blank puts it back to its default. Only what changed is sent. */
function SettingsForm(props: { settings: AdminSettings; onSaved: (settings: AdminSettings) => void }) {
  const request = createRequestState()
  const errors = () => fieldErrors(request.error())
  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form)
    const body: Record<string, number | null> = {}
    for (const name of SETTING_NAMES) {
      const text = String(data.get(name) ?? '').trim()
      // What cannot be read is sent as -1: the server names the field.
      const value = text === '' ? null : (FIELDS[name].parse(text) ?? -1)
      // Only what changed: a value other than the one in force, or blank where an admin's value holds.
      if (value === null ? props.settings.overridden.includes(name) : value !== props.settings.values[name]) body[name] = value
    }
    if (Object.keys(body).length === 0) {
      toast('Nothing changed.', 'info')
      return
    }
    await request.run(async () => {
      props.onSaved(await saveSettings(body as SettingsPatch))
      toast('Settings saved: in force on every server now.', 'success')
    })
  }
  return (
    <form
      class="stack"
      aria-label="Platform settings"
      onSubmit={(event) => {
        event.preventDefault()
        void submit(event.currentTarget)
      }}
    >
      <FormAlert error={request.error()} fields={SETTING_NAMES} />
      <div style={{ display: 'grid', gap: '12px', 'grid-template-columns': 'repeat(auto-fit, minmax(min(100%, 260px), 1fr))' }}>
        <For each={SETTING_NAMES}>
          {(name) => (
            <TextField
              label={FIELDS[name].label}
              name={name}
              inputmode={FIELDS[name].inputmode}
              value={FIELDS[name].show(props.settings.values[name])}
              placeholder={FIELDS[name].show(props.settings.defaults[name])}
              hint={`${FIELDS[name].hint} Default ${defaultText(name, props.settings)}${props.settings.overridden.includes(name) ? '; blank to go back to it' : ' (in force)'}.`}
              error={errors()[name]}
            />
          )}
        </For>
      </div>
      <div>
        <SubmitButton variant="primary" pending={request.pending()} pendingLabel="Saving…">
          Save settings
        </SubmitButton>
      </div>
    </form>
  )
}

/** A setting owned by another screen: what it is now, and the link to change it there. */
function Elsewhere(props: { title: string; href: string; link: string; children: JSX.Element }) {
  return (
    <li class="stack stack--tight">
      <strong>{props.title}</strong>
      <span class="muted">{props.children}</span>
      <a href={props.href}>{props.link}</a>
    </li>
  )
}

/**
 * The platform settings tab of the admin console: the rules this screen owns (a form), and those
 * owned by their own screens — TVA rates, the listing review rule, the plan catalogue — shown with a
 * link there. Every change is in the audit log.
 */
export default function AdminSettingsTab() {
  const [settings, { mutate }] = createResource(getSettings)
  const [taxes] = createResource(() => getTaxRates().catch(() => null))
  const [rules] = createResource(() => getListingRules().catch(() => null))
  return (
    <div class="stack">
      <div>
        <h2 class="section-title">Platform settings</h2>
        <p class="muted">Each change is recorded in the audit log and applies on every server at once.</p>
      </div>
      <Show when={settings()} fallback={<Skeleton height="240px" />}>
        {(current) => <SettingsForm settings={current()} onSaved={(saved) => mutate(saved)} />}
      </Show>
      <div>
        <h3 class="section-title">Set on their own screens</h3>
        <ul class="stack" style={{ 'list-style': 'none', padding: 0, margin: 0 }} aria-label="Settings set on their own screens">
          <Elsewhere title="TVA rates" href="/admin?tab=categories" link="Edit TVA rates (Categories)">
            <Show when={taxes()} fallback="The platform default and each category’s rate.">
              {(rates) => `Default ${ratePercent(rates().defaultRateBp)}; ${rates().categories.length} ${rates().categories.length === 1 ? 'category has its own rate' : 'categories have their own rates'}.`}
            </Show>
          </Elsewhere>
          <Elsewhere title="Listing review" href="/admin?tab=listings" link="Edit the review rule (Listings to review)">
            <Show when={rules()} fallback="Which new listings wait for an admin.">
              {(rule) => APPROVAL_MODE_LABEL[rule().approval]}
            </Show>
          </Elsewhere>
          <Elsewhere title="Plan catalogue" href="/admin/plans" link="Open the plans">
            The plans shops subscribe to: prices, limits, perks and their own commission.
          </Elsewhere>
        </ul>
      </div>
    </div>
  )
}
