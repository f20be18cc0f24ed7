import { type Accessor, createSignal, For, Match, onMount, Show, Switch } from 'solid-js'
import type { LedgerModel } from '../../../../src/modules/ledger/model'
import { SignedIn } from '../../components/auth-gate'
import { Button } from '../../components/button'
import { Callout, Skeleton } from '../../components/feedback'
import { FinanceEvents } from '../../components/finance-events'
import { FinanceLedger } from '../../components/finance-ledger'
import { utcMinute } from '../../components/finance-parts'
import { FinanceWithdrawals } from '../../components/finance-withdrawals'
import { Icon } from '../../components/icons'
import { Tabs } from '../../components/tabs'
import { toast, toastError } from '../../components/toast'
import { api, must } from '../../lib/api'
import { timeAgo } from '../../lib/format'
import { PageMeta } from '../../lib/head'

type Reconciliation = typeof LedgerModel.reconciliation.static

const reconciliation = () => api().api.v1.admin.reconciliation
const getReconciliation = async () => must(await reconciliation().get()).latest
const runReconciliation = async () => must(await reconciliation().post()).latest

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

/** The latest reconciliation's mismatches: each account's stored balance against the one its transfers make. */
function Mismatches(props: { run: Reconciliation }) {
  return (
    <div class="table-scroll">
      <table class="data-table">
        <caption class="visually-hidden">Mismatches, in minor units</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Balance</th>
            <th scope="col" class="num">Stored</th>
            <th scope="col" class="num">From its transfers</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.run.mismatches}>
            {(m) => (
              <tr>
                <th scope="row">{m.accountId === '*' ? 'All accounts' : m.accountId}</th>
                <td>{m.field.replace('_', ' ')}</td>
                <td class="num">{m.stored.toLocaleString('en')}</td>
                <td class="num">{m.computed.toLocaleString('en')}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  )
}

/**
 * The latest ledger reconciliation (every balance recomputed from its transfers, posted debits
 * against posted credits) and "Run now". `latest` is undefined while it loads, null before the first run.
 */
function ReconciliationPanel(props: { latest: Accessor<Reconciliation | null | undefined>; onRun: (run: Reconciliation | null) => void }) {
  const [running, setRunning] = createSignal(false)
  const run = async () => {
    setRunning(true)
    try {
      const done = await runReconciliation()
      props.onRun(done)
      toast(done?.ok === true ? 'Reconciliation done: the ledger balances.' : `Reconciliation done: ${count(done?.mismatches.length ?? 0, 'mismatch', 'mismatches')}.`, done?.ok === true ? 'success' : 'error')
    } catch (error) {
      toastError(error, 'Could not run the reconciliation')
    } finally {
      setRunning(false)
    }
  }
  return (
    <div class="stack">
      <div class="row row--between">
        <p class="muted">Every night each account’s balances are recomputed from its transfers, and all posted debits are checked against all posted credits.</p>
        <Button onClick={() => void run()} disabled={running()} aria-busy={running()}>
          <Icon name="refresh" /> {running() ? 'Running…' : 'Run now'}
        </Button>
      </div>
      <Switch>
        <Match when={props.latest() === undefined}>
          <Skeleton height="56px" />
        </Match>
        <Match when={props.latest() === null}>
          <Callout>
            <p>No reconciliation has run yet.</p>
          </Callout>
        </Match>
        <Match when={props.latest()?.ok === true && props.latest()}>
          {(r) => (
            <Callout tone="success">
              <p>
                <strong>The ledger balances.</strong> {count(r().accounts, 'account', 'accounts')} and {count(r().transfers, 'transfer', 'transfers')} checked {timeAgo(r().at)} (
                {utcMinute(r().at)}); posted debits equal posted credits ({r().debitsPosted.toLocaleString('en')} in minor units).
              </p>
            </Callout>
          )}
        </Match>
        <Match when={props.latest()}>
          {(r) => (
            <div class="stack">
              <Callout tone="danger">
                <p>
                  <strong>The ledger does not balance:</strong> {count(r().mismatches.length, 'mismatch', 'mismatches')} found {timeAgo(r().at)} ({utcMinute(r().at)}) over{' '}
                  {count(r().accounts, 'account', 'accounts')} and {count(r().transfers, 'transfer', 'transfers')}. Posted debits{' '}
                  {r().debitsPosted.toLocaleString('en')}, posted credits {r().creditsPosted.toLocaleString('en')}.
                </p>
              </Callout>
              <Mismatches run={r()} />
            </div>
          )}
        </Match>
      </Switch>
    </div>
  )
}

/** The admins' Finance: withdrawals to pay, the ledger, its reconciliation, the payment provider's events. */
function Finance() {
  const [latest, setLatest] = createSignal<Reconciliation | null | undefined>(undefined)
  onMount(async () => {
    try {
      setLatest(await getReconciliation())
    } catch (error) {
      toastError(error, 'Could not read the latest reconciliation')
    }
  })
  return (
    <div class="stack">
      {/* A ledger that does not balance is said above every tab. */}
      <Show when={latest()?.ok === false && latest()}>
        {(r) => (
          <Callout tone="danger">
            <p>
              <strong>The latest reconciliation found {count(r().mismatches.length, 'mismatch', 'mismatches')}</strong> ({utcMinute(r().at)}). See the Reconciliation tab.
            </p>
          </Callout>
        )}
      </Show>
      <div class="card card__body">
        <Tabs
          label="Finance"
          items={[
            { id: 'withdrawals', label: 'Withdrawals', content: () => <FinanceWithdrawals /> },
            { id: 'ledger', label: 'Ledger', content: () => <FinanceLedger /> },
            { id: 'reconciliation', label: 'Reconciliation', content: () => <ReconciliationPanel latest={latest} onRun={setLatest} /> },
            { id: 'events', label: 'Provider events', content: () => <FinanceEvents /> },
          ]}
        />
      </div>
    </div>
  )
}

export default function AdminFinance() {
  return (
    <>
      <PageMeta title="Finance" description="Souk administration: withdrawals, the ledger and payments." noindex />
      <div class="page-header">
        <div>
          <h1>Finance</h1>
          <p>Withdrawals to pay, the ledger and its reconciliation, and what the payment provider sent.</p>
        </div>
      </div>
      <SignedIn role="admin">
        <Finance />
      </SignedIn>
    </>
  )
}
