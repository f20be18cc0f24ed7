import { action, useSubmission } from '@solidjs/router'
import { createEffect, on } from 'solid-js'
import type { CatalogModel } from '../../../src/modules/catalog/model'
import { api } from '../lib/api'
import { must } from '../lib/catalog'
import { fieldErrors } from '../lib/errors'
import { type FormInput, formText, optionalText } from '../lib/forms'
import { Dialog } from './dialog'
import { SelectField, TextAreaField } from './field'
import { FormAlert, SubmitButton } from './form'
import { toast } from './toast'

type Reason = CatalogModel.ReportBody['reason']

export const REPORT_REASON_LABEL: Record<Reason, string> = {
  spam: 'Spam or a duplicate listing',
  prohibited_item: 'A prohibited item',
  counterfeit: 'Counterfeit',
  fraud: 'Fraud or a scam',
  offensive: 'Offensive content',
  wrong_category: 'In the wrong category',
  other: 'Something else',
}

const reportProduct = action(async (slug: string, form: FormInput) => {
  const details = optionalText(form, 'details')
  must(await api().api.v1.products({ slug }).report.post({ reason: formText(form, 'reason') as Reason, ...(details === null ? {} : { details }) }))
  toast('Thanks — the moderators will look at your report.', 'success')
  return true
}, 'report-product')

/** Reports a product to the moderators: a reason and optional details. */
export function ReportDialog(props: { slug: string; open: boolean; onClose: () => void }) {
  const submission = useSubmission(reportProduct)
  const errors = () => fieldErrors(submission.error)
  // A sent report closes the dialog (the toast says so); a refused one keeps it open with the errors.
  createEffect(on(() => submission.result, (sent) => sent === true && props.onClose(), { defer: true }))
  return (
    <Dialog open={props.open} onClose={props.onClose} title="Report this listing">
      <form action={reportProduct.with(props.slug)} method="post" class="stack">
        <FormAlert error={submission.error} fields={['reason', 'details']} />
        <SelectField label="What is wrong?" name="reason" error={errors().reason} options={Object.entries(REPORT_REASON_LABEL).map(([value, label]) => ({ value, label }))} />
        <TextAreaField label="Details (optional)" name="details" rows={3} maxLength={2000} error={errors().details} hint="What should the moderators know?" />
        <div class="row row--end">
          <SubmitButton pending={submission.pending} pendingLabel="Sending…">
            Send report
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  )
}
