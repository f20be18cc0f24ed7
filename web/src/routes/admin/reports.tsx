import { A, action, createAsync, useAction } from '@solidjs/router'
import { createSignal, For, type JSX, Show } from 'solid-js'
import type { CatalogModel } from '../../../../src/modules/catalog/model'
import { Button } from '../../components/button'
import { Badge, EmptyState } from '../../components/feedback'
import { REPORT_REASON_LABEL } from '../../components/report-dialog'
import { toast } from '../../components/toast'
import { api } from '../../lib/api'
import { getReports, must } from '../../lib/catalog'
import { ApiError } from '../../lib/errors'
import { timeAgo } from '../../lib/format'

type Resolution = CatalogModel.ResolveBody['action']
export type ReportStatus = CatalogModel.Report['status']

const DONE: Record<Resolution, string> = { dismiss: 'Report dismissed.', unpublish: 'Product unpublished.', suspend_vendor: 'Shop suspended.' }

const resolve = action(async (id: string, resolution: Resolution) => {
  const report = must(await api().api.v1.admin.reports({ id }).resolve.post({ action: resolution }))
  toast(DONE[resolution], 'success')
  return report
}, 'resolve-report')

function ReportRow(props: { report: CatalogModel.Report }) {
  const run = useAction(resolve)
  const r = () => props.report
  const act = (resolution: Resolution) => () => void run(r().id, resolution).catch((error: unknown) => toast(error instanceof ApiError ? error.message : 'That did not work.', 'error'))
  return (
    <ReportItem
      report={r()}
      actions={
        <>
          <Button size="sm" onClick={act('dismiss')}>Dismiss</Button>
          <Show when={r().product !== null}>
            <Button size="sm" variant="danger" onClick={act('unpublish')}>Unpublish</Button>
          </Show>
          <Button size="sm" variant="danger" onClick={act('suspend_vendor')}>Suspend shop</Button>
        </>
      }
    >
      <div class="row">
        <Badge tone="danger">{REPORT_REASON_LABEL[r().reason]}</Badge>
        <Show when={r().product} fallback={<A href={`/vendors/${r().vendor.slug}`}>Shop: {r().vendor.companyName}</A>}>
          {(p) => <A href={`/products/${p().slug}`}>{p().title}</A>}
        </Show>
        <span class="muted">· {timeAgo(r().createdAt)}</span>
      </div>
      <Show when={r().details}>{(details) => <p class="admin-row__text">“{details()}”</p>}</Show>
    </ReportItem>
  )
}

/** One report in a queue: what was reported (children), how it was resolved, or the actions while open. */
export function ReportItem(props: { report: { status: ReportStatus; resolution: string | null }; actions: JSX.Element; children: JSX.Element }) {
  return (
    <li class="admin-row">
      <div class="admin-row__main">
        {props.children}
        <Show when={props.report.resolution}>{(how) => <p class="muted">Resolved: {how().replace('_', ' ')}</p>}</Show>
      </div>
      <Show when={props.report.status === 'open'}>
        <div class="admin-row__actions">{props.actions}</div>
      </Show>
    </li>
  )
}

/** A moderation queue: open (or resolved) reports from `load`, oldest first, each shown by `children`. */
export function ReportQueue<T>(props: { label: string; load: (status: ReportStatus) => Promise<T[]>; children: (report: T) => JSX.Element }) {
  const [status, setStatus] = createSignal<ReportStatus>('open')
  const reports = createAsync(() => props.load(status()))
  return (
    <div class="stack">
      <div class="segmented" role="group" aria-label="Show reports that are">
        <button type="button" class="segmented__item" aria-pressed={status() === 'open'} onClick={() => setStatus('open')}>Open</button>
        <button type="button" class="segmented__item" aria-pressed={status() === 'resolved'} onClick={() => setStatus('resolved')}>Resolved</button>
      </div>
      <Show when={reports()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<EmptyState icon="shield" title="The queue is empty" headingLevel={3}>No reports here. Nice.</EmptyState>}>
            <ul class="admin-list" aria-label={props.label}>
              <For each={list()}>{props.children}</For>
            </ul>
          </Show>
        )}
      </Show>
    </div>
  )
}

/** The moderation queue: reports of products and shops, oldest first. */
export function AdminReports() {
  return <ReportQueue label="Reports" load={getReports}>{(report) => <ReportRow report={report} />}</ReportQueue>
}
