import { A, revalidate } from '@solidjs/router'
import { createSignal, For, Show } from 'solid-js'
import { ATTRIBUTE_COLUMN_PREFIX, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, PRODUCT_CSV_COLUMNS } from '../../../../src/modules/catalog/csv-format'
import type { JobSnapshot } from '../../../../src/modules/jobs/snapshot'
import { Button } from '../../components/button'
import { Icon } from '../../components/icons'
import { JobCard, saveFile } from '../../components/job-card'
import { toast, toastError } from '../../components/toast'
import { VendorGate } from '../../components/vendor-gate'
import { api, getJob } from '../../lib/api'
import { getMyProducts, must } from '../../lib/catalog'
import { PageMeta } from '../../lib/head'
import { useTopic } from '../../lib/live'

const SAMPLE_URL = '/api/v1/imports/products/template.csv'

const startImport = async (file: File) => must(await api().api.v1.imports.products.post({ file }))

/** My products as CSV: fetched with the access token (the route needs it), then saved. */
async function downloadExport(fileName: string) {
  // The route answers a raw Response; the typed client reads a text body into a string.
  const body: unknown = must(await api().api.v1.me.products['export.csv'].get())
  if (typeof body !== 'string') throw new Error('The export did not arrive as a file')
  saveFile(new Blob([body], { type: 'text/csv;charset=utf-8' }), fileName)
}

/** What a finished import did: counts, then the refused lines with their reasons. */
function ImportResult(props: { job: JobSnapshot }) {
  const counts = () => props.job.result?.counts ?? {}
  const problems = () => props.job.result?.problems
  return (
    <section class="card card__body stack" aria-labelledby="import-result">
      <h2 id="import-result">Import result</h2>
      <dl class="stat-row">
        <For each={['created', 'updated', 'unchanged', 'failed'] as const}>
          {(name) => (
            <div>
              <dt>{name[0]!.toUpperCase() + name.slice(1)}</dt>
              <dd>{counts()[name] ?? 0}</dd>
            </div>
          )}
        </For>
      </dl>
      <Show when={problems()?.total}>
        {(total) => (
          <>
            <p>
              {total()} {total() === 1 ? 'problem' : 'problems'}: fix these lines and import the file again (rows that went in stay as they are).
              <Show when={total() > (problems()?.items.length ?? 0)}> The first {problems()?.items.length} are listed.</Show>
            </p>
            <div class="table-scroll">
              <table class="data-table" aria-label="Import problems">
                <thead>
                  <tr><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Problem</th></tr>
                </thead>
                <tbody>
                  <For each={problems()?.items}>
                    {(p) => (
                      <tr><th scope="row">{p.line}</th><td>{p.column ?? '—'}</td><td>{p.message}</td></tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </>
        )}
      </Show>
    </section>
  )
}

/** Upload a file, follow its job live on job:<id> (the card shows steps and log), then its result. */
function ImportForm() {
  const [job, setJob] = createSignal<JobSnapshot | null>(null)
  const [pending, setPending] = createSignal(false)
  let input: HTMLInputElement | undefined
  const jobId = () => job()?.id ?? null
  // From its first event, like the card (followers share one subscription, made by the first).
  useTopic(
    () => (jobId() === null ? null : (`job:${jobId()}` as const)),
    {
      onEvent: (event) => {
        setJob(event.data.job)
        // The dashboard's list shows what the import wrote.
        if (event.data.job.status === 'succeeded') void revalidate(getMyProducts.key)
      },
      onResync: () => void getJob(jobId()!).then(setJob, (error: unknown) => toastError(error, 'Could not load the import')),
    },
    { since: 0 },
  )
  const submit = async () => {
    const file = input?.files?.[0]
    if (file === undefined) return toast('Choose a CSV file first.', 'error')
    setPending(true)
    try {
      setJob(await startImport(file))
    } catch (error) {
      toastError(error, 'Could not start the import')
    } finally {
      setPending(false)
    }
  }
  return (
    <div class="stack">
      <form
        class="card card__body stack"
        aria-labelledby="import-title"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <h2 id="import-title">Import products</h2>
        <p class="muted">
          Each row creates a product, or updates the one with the same SKU. Good rows go in even when others have problems, and importing the same file again changes
          nothing. At most {IMPORT_MAX_BYTES / 1024 / 1024} MB and {IMPORT_MAX_ROWS.toLocaleString('en')} rows, UTF-8.
        </p>
        <div class="field">
          <label for="import-file">CSV file</label>
          <input ref={input} id="import-file" type="file" accept=".csv,text/csv" required />
        </div>
        <div>
          <Button type="submit" variant="primary" disabled={pending()}>
            <Icon name="plus" /> Import
          </Button>
        </div>
      </form>
      <Show when={jobId()} keyed>
        {(_id) => <JobCard job={job()!} />}
      </Show>
      <Show when={job()?.status === 'succeeded' && job()}>{(done) => <ImportResult job={done()} />}</Show>
    </div>
  )
}

function ExportCard(props: { slug: string }) {
  const [pending, setPending] = createSignal(false)
  const download = async () => {
    setPending(true)
    try {
      await downloadExport(`${props.slug}-products.csv`)
    } catch (error) {
      toastError(error, 'Could not export your products')
    } finally {
      setPending(false)
    }
  }
  return (
    <section class="card card__body stack" aria-labelledby="export-title">
      <h2 id="export-title">Export products</h2>
      <p class="muted">All your products in the same format: edit the file in a spreadsheet and import it back.</p>
      <div>
        <Button onClick={() => void download()} disabled={pending()}>
          Download my products (CSV)
        </Button>
      </div>
    </section>
  )
}

function ColumnReference() {
  return (
    <section class="card card__body stack" aria-labelledby="columns-title">
      <div class="row row--between">
        <h2 id="columns-title">Columns</h2>
        <a class="btn btn--ghost btn--sm" href={SAMPLE_URL} download="souk-products-sample.csv">
          Download a sample file
        </a>
      </div>
      <p class="muted">The first line names the columns, in any order. Required columns must be present and filled in.</p>
      <div class="table-scroll">
        <table class="data-table" aria-label="Columns">
          <thead>
            <tr><th scope="col">Column</th><th scope="col">Required</th><th scope="col">What it holds</th></tr>
          </thead>
          <tbody>
            <For each={PRODUCT_CSV_COLUMNS}>
              {(column) => (
                <tr><th scope="row">{column.name}</th><td>{column.required ? 'yes' : 'no'}</td><td>{column.help}</td></tr>
              )}
            </For>
            <tr>
              <th scope="row">{ATTRIBUTE_COLUMN_PREFIX}&lt;key&gt;</th>
              <td>no</td>
              <td>One column per attribute of your categories (e.g. {ATTRIBUTE_COLUMN_PREFIX}material); empty cells leave it out. Yes/no attributes take true or false.</td>
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  )
}

/** The vendor's import and export of products as CSV. */
export default function ImportExport() {
  return (
    <>
      <PageMeta title="Import and export" description="Products in and out of your shop as CSV files." noindex />
      <nav aria-label="Breadcrumb">
        <ol class="breadcrumbs">
          <li><A href="/dashboard">Dashboard</A></li>
          <li aria-current="page">Import and export</li>
        </ol>
      </nav>
      <div class="page-header">
        <div>
          <h1>Import and export</h1>
          <p>Many products at once, as a CSV file from any spreadsheet.</p>
        </div>
      </div>
      <VendorGate>
        {(shop) => (
          <div class="stack">
            <ImportForm />
            <ExportCard slug={shop.slug} />
            <ColumnReference />
          </div>
        )}
      </VendorGate>
    </>
  )
}
