import { A, action, query, useAction } from '@solidjs/router'
import { Show } from 'solid-js'
import type { ChatModel } from '../../../../src/modules/chat/model'
import { Button } from '../../components/button'
import { MESSAGE_REPORT_REASON_LABEL } from '../../components/chat-labels'
import { Badge } from '../../components/feedback'
import { SelectBox, type Selection } from '../../components/queue-tools'
import { toast, toastError } from '../../components/toast'
import { api } from '../../lib/api'
import { must } from '../../lib/catalog'
import { timeAgo } from '../../lib/format'
import { type ReportFilters, ReportItem, ReportQueue } from './reports'

type Resolution = ChatModel.ResolveBody['action']

const DONE: Record<Resolution, string> = {
  dismiss: 'Report dismissed.',
  delete_message: 'Message deleted for both sides.',
  block_sender: 'The sender can no longer message the reporter.',
}

const getMessageReports = query(async (filters: ReportFilters) => must(await api().api.v1.admin['message-reports'].get({ query: { ...filters, limit: 50 } })).items, 'admin-message-reports')
const dismissMessageReports = async (ids: string[]) => must(await api().api.v1.admin['message-reports'].dismiss.post({ ids }))

const resolve = action(async (id: string, resolution: Resolution) => {
  const report = must(await api().api.v1.admin['message-reports']({ id }).resolve.post({ action: resolution }))
  toast(DONE[resolution], 'success')
  return report
}, 'resolve-message-report')

function MessageReportRow(props: { report: ChatModel.Report; selection: Selection }) {
  const run = useAction(resolve)
  const r = () => props.report
  const act = (resolution: Resolution) => () => void run(r().id, resolution).catch((error: unknown) => toastError(error, 'That did not work.'))
  return (
    <ReportItem
      report={r()}
      select={<SelectBox selection={props.selection} id={r().id} label={`Select the report of ${r().sender.displayName}’s message`} />}
      actions={
        <>
          <Button size="sm" onClick={act('dismiss')}>Dismiss</Button>
          <Button size="sm" variant="danger" onClick={act('delete_message')}>Delete message</Button>
          <Button size="sm" variant="danger" onClick={act('block_sender')}>Block sender</Button>
        </>
      }
    >
      <div class="row">
        <Badge tone="danger">{MESSAGE_REPORT_REASON_LABEL[r().reason]}</Badge>
        <span>
          {r().sender.displayName} to {r().reporter.displayName}, about <A href={`/products/${r().product.slug}`}>{r().product.title}</A>
        </span>
        <span class="muted">· {timeAgo(r().createdAt)}</span>
      </div>
      <p class="admin-row__text">“{r().body ?? 'a photo without a caption'}”</p>
      <p class="muted">
        Reported by {r().reporter.displayName}
        <Show when={r().details}>{(details) => <>: “{details()}”</>}</Show>
      </p>
    </ReportItem>
  )
}

/** Reported chat messages, oldest first: the text as it was reported, who wrote it, who reported it. */
export function AdminMessageReports() {
  return (
    <ReportQueue label="Reported messages" load={getMessageReports} queryKey={getMessageReports.key} dismiss={dismissMessageReports}>
      {(report, selection) => <MessageReportRow report={report} selection={selection} />}
    </ReportQueue>
  )
}
