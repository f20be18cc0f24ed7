import { action, useSubmission } from '@solidjs/router'
import type { CatalogModel } from '../../../src/modules/catalog/model'
import { api } from '../lib/api'
import { must, type Product } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { type FormInput, formText } from '../lib/forms'
import { Badge } from './feedback'
import { TextField } from './field'
import { FormAlert, SubmitButton } from './form'
import { toast } from './toast'

type Kind = keyof CatalogModel.PlacementBody

const FIELDS: readonly Kind[] = ['featuredUntil', 'boostedUntil']
/** The flag that says whether each end is still ahead (the server's clock decides). */
const FLAG = { featuredUntil: 'featured', boostedUntil: 'boosted' } as const satisfies Record<Kind, keyof Product>
type Placed = Pick<Product, 'slug' | Kind | (typeof FLAG)[Kind]>
const pad = (n: number) => String(n).padStart(2, '0')
export const dayOf = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`

/**
 * The date input's value for a placement end: the last day it runs, in the admin's time zone. An
 * end at midnight belongs to the day before (that is how a picked day is stored, below).
 */
export function lastDay(until: Date | string | null): string {
  return until === null ? '' : dayOf(new Date(new Date(until).getTime() - 1))
}

/** What the date input shows: the last day of a running placement, nothing for one that ended. */
const shownDay = (product: Placed, kind: Kind) => (product[FLAG[kind]] ? lastDay(product[kind]) : '')

/** A picked day runs to its end: the placement stops at the next local midnight. '' ends it now. */
export function untilOf(day: string): Date | null {
  if (day === '') return null
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(y, m - 1, d + 1)
}

/**
 * Only the fields changed here are sent: re-sending an unchanged end rounded to a day would move an
 * end set to the minute through the API.
 */
const savePlacement = action(async (product: Placed, form: FormInput) => {
  const body: CatalogModel.PlacementBody = {}
  for (const kind of FIELDS) {
    const day = formText(form, kind)
    if (day !== shownDay(product, kind)) body[kind] = untilOf(day)
  }
  if (Object.keys(body).length === 0) {
    toast('The placement is as it was.', 'info')
    return false
  }
  must(await api().api.v1.admin.products({ slug: product.slug }).patch(body))
  toast('Placement saved.', 'success')
  return true
}, 'save-placement')

/** An admin's control of where a product is promoted: featured and boosted, each up to an end date. */
export function PlacementControl(props: { product: Product }) {
  const submission = useSubmission(savePlacement)
  const errors = () => fieldErrors(submission.error)
  const p = () => props.product
  return (
    <section class="card card__body stack" aria-labelledby="placement-heading">
      <div class="row row--between">
        <h2 id="placement-heading">Placement</h2>
        <Badge>Admins only</Badge>
      </div>
      <p class="muted">Featured and boosted products get the home page’s rails through the day you pick. Clear a date to end it now.</p>
      <form action={savePlacement.with(p())} method="post" class="stack" aria-label="Placement">
        <FormAlert error={submission.error} fields={FIELDS} />
        <div class="grid grid--2">
          <TextField label="Featured until" name="featuredUntil" type="date" min={dayOf(new Date())} value={shownDay(p(), 'featuredUntil')} error={errors().featuredUntil} />
          <TextField label="Boosted until" name="boostedUntil" type="date" min={dayOf(new Date())} value={shownDay(p(), 'boostedUntil')} error={errors().boostedUntil} />
        </div>
        <div class="row row--end">
          <SubmitButton pending={submission.pending} pendingLabel="Saving…">
            Save placement
          </SubmitButton>
        </div>
      </form>
    </section>
  )
}
