import { A, action, createAsync, revalidate, useAction } from '@solidjs/router'
import { createEffect, createSignal, For, type JSX, on, Show } from 'solid-js'
import { REPORT_SUBJECTS, type ReportSubject } from '../../../../src/modules/catalog/live'
import type { CatalogModel } from '../../../../src/modules/catalog/model'
import { Button } from '../../components/button'
import { Badge, EmptyState } from '../../components/feedback'
import { FilterButtons } from '../../components/finance-parts'
import { AgeFilter, ageQuery, type BulkAction, BulkBar, createSelection, type QueueAge, SelectBox, type Selection } from '../../components/queue-tools'
import { REPORT_REASON_LABEL } from '../../components/report-dialog'
import { toast } from '../../components/toast'
import { api } from '../../lib/api'
import { dismissReports, getReports, must } from '../../lib/catalog'
import { ApiError } from '../../lib/errors'
import { timeAgo } from '../../lib/format'
import { rereading, useTopic } from '../../lib/live'

type Resolution = CatalogModel.ResolveBody['action']
export type ReportStatus = CatalogModel.Report['status']

const DONE: Record<Resolution, string> = { dismiss: 'Report dismissed.', unpublish: 'Product unpublished.', suspend_vendor: 'Shop suspended.' }

const resolve = action(async (id: string, resolution: Resolution) => {
  const report = must(await api().api.v1.admin.reports({ id }).resolve.post({ action: resolution }))
  toast(DONE[resolution], 'success')
  return report
}, 'resolve-report')

function ReportRow(props: { report: CatalogModel.Report; selection: Selection }) {
  const run = useAction(resolve)
  const r = () => props.report
  const act = (resolution: Resolution) => () => void run(r().id, resolution).catch((error: unknown) => toast(error instanceof ApiError ? error.message : 'That did not work.', 'error'))
  return (
    <ReportItem
      report={r()}
      select={<SelectBox selection={props.selection} id={r().id} label={`Select the report of ${r().product?.title ?? r().vendor.companyName}`} />}
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

/** One report in a queue: its tick box and the actions while open, what was reported (children), how it was resolved. */
export function ReportItem(props: { report: { status: ReportStatus; resolution: string | null }; select: JSX.Element; actions: JSX.Element; children: JSX.Element }) {
  return (
    <li class="admin-row">
      <Show when={props.report.status === 'open'}>{props.select}</Show>
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

export type ReportFilters = { status: ReportStatus; minAgeHours?: number }

/**
 * A moderation queue: open (or resolved) reports from `load`, oldest first, filtered by age (and
 * by the screen's own `filters`), each shown by `children`, read again when `admin:queues` says a
 * queue changed; open ones ticked go to `dismiss`, the one action safe in bulk (a report kept:
 * nothing else changes).
 */
export function ReportQueue<T extends { id: string }>(props: {
  label: string
  load: (filters: ReportFilters) => Promise<T[]>
  /** The query whose cache `load` reads, read again after a bulk action. */
  queryKey: string
  dismiss: BulkAction['run']
  filters?: JSX.Element
  children: (report: T, selection: Selection) => JSX.Element
}) {
  const [status, setStatus] = createSignal<ReportStatus>('open')
  const [age, setAge] = createSignal<QueueAge | undefined>(undefined)
  const selection = createSelection()
  const reports = createAsync(() => props.load({ status: status(), ...ageQuery(age()) }))
  // Live: a report filed or decided anywhere (this tab, another admin, another instance) reads the list again.
  const reread = () => void revalidate(props.queryKey)
  useTopic<'admin'>(() => 'admin:queues', { onEvent: (event) => event.kind === 'queues.changed' && reread(), ...rereading(reread) })
  const dismiss: BulkAction = { label: 'Dismiss selected', done: (n) => (n === 1 ? '1 report dismissed.' : `${n} reports dismissed.`), run: (ids) => props.dismiss(ids) }
  return (
    <div class="stack">
      <div class="segmented" role="group" aria-label="Show reports that are">
        <button type="button" class="segmented__item" aria-pressed={status() === 'open'} onClick={() => (selection.clear(), setStatus('open'))}>Open</button>
        <button type="button" class="segmented__item" aria-pressed={status() === 'resolved'} onClick={() => (selection.clear(), setStatus('resolved'))}>Resolved</button>
      </div>
      {props.filters}
      <AgeFilter label="Reported" value={age()} onChange={setAge} />
      <Show when={status() === 'open'}>
        <BulkBar selection={selection} shown={() => (reports() ?? []).map((r) => r.id)} actions={[dismiss]} onDone={() => void revalidate(props.queryKey)} />
      </Show>
      <Show when={reports()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<EmptyState icon="shield" title="The queue is empty" headingLevel={3}>No reports here. Nice.</EmptyState>}>
            <ul class="admin-list" aria-label={props.label}>
              <For each={list()}>{(report) => props.children(report, selection)}</For>
            </ul>
          </Show>
        )}
      </Show>
    </div>
  )
}

const SUBJECT_LABEL: Record<ReportSubject, string> = { product: 'Products', shop: 'Shops' }

/** The moderation queue: reports of products and shops (or either), oldest first. */
export function AdminReports(props: { subject?: ReportSubject }) {
  const [subject, setSubject] = createSignal(props.subject)
  // A queue link followed while the tab is open (Reported products → Reported shops) sets it again.
  createEffect(on(() => props.subject, setSubject, { defer: true }))
  return (
    <ReportQueue
      label="Reports"
      load={(filters) => getReports({ ...filters, ...(subject() === undefined ? {} : { subject: subject() }) })}
      queryKey={getReports.key}
      dismiss={dismissReports}
      filters={<FilterButtons label="Reports of" options={REPORT_SUBJECTS} labels={SUBJECT_LABEL} value={subject()} all="Both" onChange={setSubject} />}
    >
      {(report, selection) => <ReportRow report={report} selection={selection} />}
    </ReportQueue>
  )
}
