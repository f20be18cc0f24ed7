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

/** What a report is about: a listing or a whole shop (both take the same body and reasons). */
export type ReportTarget = { kind: 'product' | 'vendor'; slug: string }

const TITLE: Record<ReportTarget['kind'], string> = { product: 'Report this listing', vendor: 'Report this shop' }

const sendReport = action(async (target: ReportTarget, form: FormInput) => {
  const details = optionalText(form, 'details')
  const body = { reason: formText(form, 'reason') as Reason, ...(details === null ? {} : { details }) }
  const v1 = api().api.v1
  must(await (target.kind === 'product' ? v1.products({ slug: target.slug }).report.post(body) : v1.vendors({ slug: target.slug }).report.post(body)))
  toast('Thanks — the moderators will look at your report.', 'success')
  return true
}, 'send-report')

/** Reports a listing or a shop to the moderators: a reason and optional details. */
export function ReportDialog(props: { target: ReportTarget; open: boolean; onClose: () => void }) {
  const submission = useSubmission(sendReport)
  const errors = () => fieldErrors(submission.error)
  // A sent report closes the dialog (the toast says so); a refused one keeps it open with the errors.
  createEffect(on(() => submission.result, (sent) => sent === true && props.onClose(), { defer: true }))
  return (
    <Dialog open={props.open} onClose={props.onClose} title={TITLE[props.target.kind]}>
      <form action={sendReport.with(props.target)} method="post" class="stack">
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
