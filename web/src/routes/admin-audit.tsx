import { ExportJob } from '../components/export-job'
import { createSignal, For, Show } from 'solid-js'
import { AUDIT_KINDS, type AuditKind } from '../../../src/modules/audit/kinds'
import { SignedIn } from '../components/auth-gate'
import { Badge, EmptyState, Listed, Loading } from '../components/feedback'
import { SelectField, TextField } from '../components/field'
import { createCursorPages, LoadMore, utcMinute } from '../components/finance-parts'
import { AUDIT_KIND_LABEL, AUDIT_SUBJECT_LABEL, type AuditEntry, type AuditFilters, exportAudit, searchAudit, summaryText } from '../lib/audit'
import { dayStart } from '../lib/format'
import { PageMeta } from '../lib/head'

/** One entry: when, who (a person, or Souk itself), what, about what, the details, and where from. */
function EntryRow(props: { entry: AuditEntry }) {
  const e = () => props.entry
  return (
    <tr>
      <th scope="row">{utcMinute(e().at)}</th>
      <td>
        <Show when={e().actorId} fallback={<Badge tone="neutral">Souk (system)</Badge>}>
          {(id) => (
            <>
              <span>{e().actorName ?? 'Unknown'}</span>
              <br />
              <code class="muted">{id()}</code>
            </>
          )}
        </Show>
      </td>
      <td>{AUDIT_KIND_LABEL[e().kind]}</td>
      <td>
        <span>{AUDIT_SUBJECT_LABEL[e().subjectType]}</span>
        <br />
        <code class="muted">{e().subjectId}</code>
      </td>
      <td style={{ 'overflow-wrap': 'anywhere' }}>{summaryText(e().summary)}</td>
      <td>
        <span>{e().ip ?? '—'}</span>
        <Show when={e().requestId}>
          {(id) => (
            <>
              <br />
              <code class="muted" title="Request id">
                {id()}
              </code>
            </>
          )}
        </Show>
      </td>
    </tr>
  )
}

/**
 * The audit log, newest first, in cursor pages: filtered by who acted, what it is about, the kind
 * of step and the days (the admin's own days, the "to" day included), and exported as CSV with the
 * same filters.
 */
function AuditLog() {
  const [actorId, setActorId] = createSignal('')
  const [subjectId, setSubjectId] = createSignal('')
  const [kind, setKind] = createSignal<AuditKind | ''>('')
  const [from, setFrom] = createSignal('')
  const [to, setTo] = createSignal('')
  const filters = (): AuditFilters => {
    const [since, before] = [dayStart(from()), dayStart(to(), true)]
    return {
      ...(actorId().trim() === '' ? {} : { actorId: actorId().trim() }),
      ...(subjectId().trim() === '' ? {} : { subjectId: subjectId().trim() }),
      ...(kind() === '' ? {} : { kind: kind() as AuditKind }),
      ...(since === undefined ? {} : { from: since }),
      ...(before === undefined ? {} : { to: before }),
    }
  }
  const pages = createCursorPages({
    query: filters,
    read: searchAudit,
    pageSize: 50,
    failed: { load: 'Could not load the audit log', more: 'Could not load more entries' },
  })
  const filtered = () => Object.keys(filters()).length > 0
  return (
    <section class="card" aria-labelledby="audit-heading">
      <div class="card__header">
        <h2 id="audit-heading">Entries</h2>
        <ExportJob start={() => exportAudit(filters())} />
      </div>
      <div class="card__body stack">
        <form class="row" role="search" aria-label="Filter the audit log" style={{ 'align-items': 'flex-end', 'flex-wrap': 'wrap' }} onSubmit={(e) => e.preventDefault()}>
          <TextField label="Actor id" placeholder="usr_…" value={actorId()} onChange={(e) => setActorId(e.currentTarget.value)} />
          <TextField label="Subject id" placeholder="usr_…, ven_…, ord_…" value={subjectId()} onChange={(e) => setSubjectId(e.currentTarget.value)} />
          <SelectField
            label="Kind"
            value={kind()}
            onChange={(e) => setKind(e.currentTarget.value as AuditKind | '')}
            options={[{ value: '', label: 'All kinds' }, ...AUDIT_KINDS.map((value) => ({ value, label: AUDIT_KIND_LABEL[value] }))]}
          />
          <TextField label="From" type="date" value={from()} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextField label="To" type="date" value={to()} onChange={(e) => setTo(e.currentTarget.value)} />
        </form>
        <Listed
          items={pages.items()}
          loading={<Loading label="Loading the audit log" height="40px" />}
          empty={
            <EmptyState icon="shield" title={filtered() ? 'No entries match' : 'No entries yet'} headingLevel={3}>
              Sign-ins, account changes, shop decisions, moderation, staff order steps, refunds, dispute decisions, withdrawals and settings appear here as they happen.
            </EmptyState>
          }
        >
          {(items) => (
            <>
              <div class="table-scroll">
                <table class="data-table">
                  <caption class="visually-hidden">Audit log entries, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Who</th>
                      <th scope="col">What</th>
                      <th scope="col">About</th>
                      <th scope="col">Details</th>
                      <th scope="col">From</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={items()}>{(entry) => <EntryRow entry={entry} />}</For>
                  </tbody>
                </table>
              </div>
              <LoadMore pages={pages} />
            </>
          )}
        </Listed>
      </div>
    </section>
  )
}

export default function AdminAudit() {
  return (
    <>
      <PageMeta title="Audit log" description="Souk administration: the audit log." noindex />
      <div class="page-header">
        <div>
          <h1>Audit log</h1>
          <p>Every sensitive step, who took it and from where. Entries are never changed or removed.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <AuditLog />
      </SignedIn>
    </>
  )
}
